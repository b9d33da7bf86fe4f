// Every x- extension the code understands, where it may stand, and what its value must look like.
// Loading fails on any other extension, or on one in the wrong place: an extension the code ignored would be a
// fact of the spec that nothing enforces.
import { valueProblems } from '../core/safe-values.ts';

/** A JSON pointer, as a regular expression over its segments. */
const ROOT = /^$/;
const SCHEMA = /^\/components\/schemas\/[^/]+$/;
const SCHEMA_PROPERTY = /^\/components\/schemas\/[^/]+\/properties\/[^/]+$/;

export interface ExtensionRule {
  where: RegExp;
  whereText: string;
  /** Returns a problem with the value, or undefined when it is well formed. */
  check(value: unknown): string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readingsCheck(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length < 2) return 'must list at least two readings';
  for (const r of value) {
    if (!isObject(r) || typeof r.reading !== 'string' || typeof r.pattern !== 'string') {
      return 'each reading must be { reading: NAME, pattern: REGEX }';
    }
    try {
      new RegExp(r.pattern, 'u');
    } catch (e) {
      return `reading ${r.reading}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A problem with one value of a value class: empty, not NFC, not well-formed UTF-16, or able to reach someone. */
function classValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return 'must be a non-empty string';
  if (LONE_SURROGATE.test(value)) return 'holds a lone surrogate';
  if (value.normalize('NFC') !== value) return 'is not in NFC (a class is a kind of valid value, and names must be NFC)';
  const unsafe = valueProblems(value);
  return unsafe.length ? `holds ${unsafe.join('; ')} (docs/contract.md A9: reserved domains and fictional numbers only)` : undefined;
}

/** x-value-classes: { filler, classes: [{ name, description, values }] } (generators/classes.ts reads it). */
function valueClassesCheck(v: unknown): string | undefined {
  if (!isObject(v)) return 'must be { filler, classes }';
  const unknown = Object.keys(v).filter((k) => k !== 'filler' && k !== 'classes');
  if (unknown.length) return `${unknown.join(', ')} not understood (filler, classes)`;
  if (typeof v.filler !== 'string' || [...v.filler].length !== 1 || classValueProblem(v.filler))
    return 'filler must be one character in NFC, safe to send';
  if (!Array.isArray(v.classes) || !v.classes.length) return 'classes must be a non-empty list';
  const names = new Set<string>();
  for (const [i, c] of v.classes.entries()) {
    const at = `classes/${i}`;
    if (!isObject(c)) return `${at}: must be { name, description, values }`;
    const extra = Object.keys(c).filter((k) => !['name', 'description', 'values'].includes(k));
    if (extra.length) return `${at}: ${extra.join(', ')} not understood (name, description, values)`;
    if (typeof c.name !== 'string' || !KEBAB_CASE.test(c.name)) return `${at}: name must be kebab-case`;
    if (names.has(c.name)) return `${at}: the name ${c.name} is used twice`;
    names.add(c.name);
    if (typeof c.description !== 'string' || !c.description.trim()) return `${at} (${c.name}): needs a description`;
    if (!Array.isArray(c.values) || !c.values.length) return `${at} (${c.name}): values must be a non-empty list`;
    for (const [j, value] of c.values.entries()) {
      const problem = classValueProblem(value);
      if (problem) return `${at} (${c.name}): value ${j} ${JSON.stringify(value)} ${problem}`;
    }
  }
  return undefined;
}

/** This module's own address: its source is part of what names a cached load (load-cache.ts). */
export const EXTENSIONS_MODULE = import.meta.url;

export const EXTENSIONS: Record<string, ExtensionRule> = {
  'x-model': {
    where: ROOT,
    whereText: 'the document root',
    check: (v) =>
      isObject(v) && ['source', 'botocore', 'year', 'apiVersion', 'protocol', 'signingName', 'sdkId'].every((k) => k in v)
        ? undefined
        : 'needs source, botocore, year, apiVersion, protocol, signingName and sdkId',
  },
  'x-operation-under-test': {
    where: ROOT,
    whereText: 'the document root',
    // The operations the suite tests (each by its binding); the first is the one a load without a binding tests.
    check: (v) =>
      typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))
        ? undefined
        : 'must be an operationId or a list of them',
  },
  'x-length-unit': {
    where: ROOT,
    whereText: 'the document root',
    check: (v) => (v === 'code-point' ? undefined : 'must be code-point (Smithy counts Unicode scalar values; so do JSON Schema and ajv)'),
  },
  'x-protocol': {
    where: ROOT,
    whereText: 'the document root',
    check: (v) => {
      if (!isObject(v)) return 'must be an object';
      const m = v.methodNotAllowed;
      if (
        !isObject(m) ||
        !Number.isInteger(m.status) ||
        (m.status as number) < 400 ||
        (m.status as number) > 499 ||
        typeof m.header !== 'string' ||
        !m.header
      ) {
        return 'methodNotAllowed must be { status: a 4xx status, header: the header that names the allowed methods }';
      }
      return undefined;
    },
  },
  'x-value-classes': {
    where: ROOT,
    whereText: 'the document root',
    check: valueClassesCheck,
  },
  'x-normalization': {
    where: SCHEMA_PROPERTY,
    whereText: 'a property of a component schema',
    check: (v) => (v === 'NFC' || v === 'NFD' || v === 'NFKC' || v === 'NFKD' ? undefined : 'must be NFC, NFD, NFKC or NFKD'),
  },
  'x-sensitive': {
    where: new RegExp(`${SCHEMA.source.slice(0, -1)}(/properties/[^/]+)?$`),
    whereText: 'a component schema or one of its properties',
    check: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  },
  'x-pattern-readings': {
    where: SCHEMA_PROPERTY,
    whereText: 'a property of a component schema',
    check: readingsCheck,
  },
  'x-documented-pattern': {
    where: SCHEMA_PROPERTY,
    whereText: 'a property of a component schema',
    check: readingsCheck,
  },
  'x-observed-combinations': {
    where: SCHEMA,
    whereText: 'a component schema',
    check: (v) => {
      if (!isObject(v) || !Object.keys(v).length) return 'must map names to lists of combinations';
      for (const [name, list] of Object.entries(v)) {
        if (!KEBAB_CASE.test(name)) return `${name}: a name is kebab-case`;
        if (!Array.isArray(list) || !list.length) return `${name}: must be a non-empty list of { equals, absent }`;
        for (const c of list) {
          if (!isObject(c) || !Object.keys(c).length || Object.keys(c).some((k) => k !== 'equals' && k !== 'absent'))
            return `${name}: each combination is { equals: { MEMBER: VALUE }, absent: [MEMBER] } (one of them at least)`;
          if (c.equals !== undefined && !isObject(c.equals)) return `${name}: equals must map members to values`;
          if (c.absent !== undefined && (!Array.isArray(c.absent) || !c.absent.every((m) => typeof m === 'string')))
            return `${name}: absent must be a list of members`;
        }
      }
      return undefined;
    },
  },
  'x-documented-maximum': {
    where: SCHEMA_PROPERTY,
    whereText: 'a property of a component schema',
    check: (v) => (Number.isSafeInteger(v) ? undefined : 'must be a whole number'),
  },
  'x-identity-management-rules': {
    where: SCHEMA,
    whereText: 'a component schema',
    check: (v) => {
      if (!isObject(v)) return 'must map identity management types to rules';
      for (const [type, rules] of Object.entries(v)) {
        if (!isObject(rules)) return `${type}: must be an object`;
        const unknown = Object.keys(rules).filter((k) => !['constraints', 'forbidden', 'required', 'omissionObserved'].includes(k));
        if (unknown.length) return `${type}: ${unknown.join(', ')} not understood (constraints, forbidden, required, omissionObserved)`;
      }
      return undefined;
    },
  },
};

/** Every x- key in a JSON tree, with its JSON pointer. */
export function findExtensions(node: unknown, pointer = ''): { key: string; pointer: string; value: unknown }[] {
  const found: { key: string; pointer: string; value: unknown }[] = [];
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) found.push(...findExtensions(item, `${pointer}/${i}`));
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.push({ key, pointer, value });
      else found.push(...findExtensions(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
    }
  }
  return found;
}
