// The spec as an executable request validator: ajv compiled from the OpenAPI schemas (types, lengths, patterns,
// required members) plus the x- extensions (normal form, readings of ambiguous patterns, the stricter rules per
// identity management type). The reference implementation rejects what it finds; the generators use it as the
// oracle that re-checks every case. It knows constraint addresses, not requirements (see catalogue.ts).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import { EXTENSIONS } from './extensions.ts';
import type { OperationSpec, PatternReading, Spec, TypeRules } from './types.ts';

export interface Finding {
  /** `[TYPE:]MEMBER.KEYWORD`, as in Spec.constraints. */
  address: string;
  member: string;
  keyword: string;
  identityManagementType?: string;
  /** An AWS-style message that never contains the value. */
  message: string;
}

export interface Verdict {
  /** Constraints the request violates under every reading. */
  violations: Finding[];
  /** Constraints with several readings that disagree on this request: some reject it, some accept it. */
  ambiguities: Finding[];
}

interface RequestInput {
  /** Decoded label values by name. */
  labels: Record<string, string>;
  /** The parsed JSON body; undefined when the operation takes none. */
  body?: unknown;
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; finding: Finding };

export interface RequestValidator {
  /** Parses a request body; text that is not one JSON document is a `$body.json` violation. */
  parseBody(text: string): ParsedBody;
  /** Validates one request of an operation, for an instance of the given identity management type (if known). */
  validate(operation: string, input: RequestInput, identityManagementType?: string): Verdict;
  /** Length of a string in the spec's unit. */
  lengthOf(value: string): number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the extensions say about one schema, compiled once. */
interface SchemaNotes {
  readings?: { keyword: 'pattern' | 'x-documented-pattern'; list: PatternReading[] };
  normalization?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
  typeRules?: Record<string, TypeRules>;
}

const wireName = (member: string) =>
  member
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');

function finding(member: string, keyword: string, message: string, identityManagementType?: string): Finding {
  const address = `${identityManagementType ? `${identityManagementType}:` : ''}${member}.${keyword}`;
  return { address, member, keyword, identityManagementType, message };
}

function failed(member: string, constraint: string): string {
  return `1 validation error detected: Value at '${wireName(member)}' failed to satisfy constraint: ${constraint}`;
}

export function createValidator(spec: Spec): RequestValidator {
  // x-length-unit is code-point (the loader accepts nothing else), which is how ajv counts minLength/maxLength.
  const lengthOf = (s: string) => {
    // Code points: UTF-16 units less one per surrogate pair (a lone surrogate counts as one, as for...of counts it).
    let n = s.length;
    for (let i = 0; i < s.length - 1; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          n--;
          i++;
        }
      }
    }
    return n;
  };

  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addVocabulary([...Object.keys(EXTENSIONS), 'example', 'discriminator', 'xml', 'externalDocs']);

  const notes = new WeakMap<object, SchemaNotes>();
  const noteOf = (schema: Json): SchemaNotes => {
    let n = notes.get(schema);
    if (n) return n;
    n = {};
    const readingsOf = (key: 'x-pattern-readings' | 'x-documented-pattern') =>
      (schema[key] as { reading: string; pattern: string }[]).map((r) => ({ ...r, regex: new RegExp(r.pattern, 'u') }));
    if (schema['x-pattern-readings']) n.readings = { keyword: 'pattern', list: readingsOf('x-pattern-readings') };
    if (schema['x-documented-pattern']) n.readings = { keyword: 'x-documented-pattern', list: readingsOf('x-documented-pattern') };
    if (schema['x-normalization']) n.normalization = schema['x-normalization'] as SchemaNotes['normalization'];
    if (schema['x-identity-management-rules']) n.typeRules = spec.typeRules;
    notes.set(schema, n);
    return n;
  };

  interface Compiled {
    op: OperationSpec;
    labels: { name: string; required: boolean; check: ValidateFunction }[];
    body?: ValidateFunction;
  }
  const compiled = new Map<string, Compiled>();
  const compile = (name: string): Compiled => {
    let c = compiled.get(name);
    if (c) return c;
    const op = spec.operations[name];
    if (!op) throw new Error(`unknown operation ${name}`);
    const params = ((spec.document.paths![op.pathTemplate] as Json)[op.method.toLowerCase()] as OpenAPIV3_1.OperationObject).parameters ?? [];
    c = {
      op,
      labels: params
        .map((p) => p as OpenAPIV3_1.ParameterObject)
        .filter((p) => p.in === 'path')
        .map((p) => ({ name: p.name, required: p.required === true, check: ajv.compile((p.schema ?? {}) as object) })),
      body: op.bodySchema ? ajv.compile(op.bodySchema as object) : undefined,
    };
    compiled.set(name, c);
    return c;
  };

  /** Whether copyWithoutNulls would give anything but an equal value: a null member somewhere, an own "__proto__"
   * member (JSON.parse makes one; the copy's assignment does not), or an object that is not a plain one. */
  const needsCopy = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(needsCopy);
    if (!isObject(value)) return false;
    if (Object.getPrototypeOf(value) !== Object.prototype) return true;
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      if (k === '__proto__' || value[k] === null || needsCopy(value[k])) return true;
    }
    return false;
  };
  const copyWithoutNulls = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(copyWithoutNulls);
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = copyWithoutNulls(v);
    return out;
  };
  /** The value without its null members (nullIsAbsent). Nothing validates by mutating, so a value with none is
   * itself: copied only when there is a null to leave out. */
  const stripNulls = (value: unknown): unknown => (needsCopy(value) ? copyWithoutNulls(value) : value);

  /**
   * What walk() does at one schema, compiled once per schema: the member's name (walk starts at the body's root,
   * so every schema's member name is fixed), the schema's notes, its properties with their own walkers.
   */
  type Walker = (value: unknown, type: string | undefined, verdict: Verdict) => void;
  const walkers = new WeakMap<object, Map<string, Walker>>();
  const walkerOf = (schema: Json, member: string): Walker => {
    let byMember = walkers.get(schema);
    if (!byMember) walkers.set(schema, (byMember = new Map()));
    const known = byMember.get(member);
    if (known) return known;
    const n = noteOf(schema);
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Json>);
    let children: [string, Walker][] | undefined;
    // Children are compiled on first use: a schema may refer to itself.
    const childrenOf = () => (children ??= properties.map(([key, sub]) => [key, walkerOf(sub, member ? `${member}.${key}` : key)]));
    const walker: Walker = (value, type, verdict) => walkAt(n, member, childrenOf, value, type, verdict);
    byMember.set(member, walker);
    return walker;
  };

  /** Applies the extensions, walking the schema alongside the value. */
  const walkAt = (
    n: SchemaNotes,
    member: string,
    childrenOf: () => [string, Walker][],
    value: unknown,
    type: string | undefined,
    verdict: Verdict,
  ) => {
    if (typeof value === 'string') {
      if (n.normalization && value.normalize(n.normalization) !== value) {
        verdict.violations.push(finding(member, 'x-normalization', failed(member, `Member must be in Unicode Normalization Form ${n.normalization}`)));
      }
      if (n.readings) {
        const list = n.readings.list;
        let rejectedBy: string[] | undefined;
        for (const r of list) if (!r.regex.test(value)) (rejectedBy ??= []).push(r.reading);
        if (rejectedBy) {
          const message = failed(member, `Member must satisfy regular expression pattern: ${list[0]!.pattern}`);
          if (rejectedBy.length === list.length) verdict.violations.push(finding(member, n.readings.keyword, message));
          else verdict.ambiguities.push(finding(member, n.readings.keyword, `${message} (rejected by the ${rejectedBy.join(', ')} reading)`));
        }
      }
      return;
    }
    if (!isObject(value)) return;
    for (const [key, walker] of childrenOf()) {
      if (key in value) walker(value[key], type, verdict);
    }
    const rules = type && n.typeRules?.[type];
    if (!rules) return;
    for (const name of rules.forbidden) {
      if (name in value) {
        verdict.violations.push(finding(`${member}.${name}`, 'forbidden', failed(`${member}.${name}`, `Member cannot be set for an instance whose identity management type is ${type}`), type));
      }
    }
    for (const name of rules.required) {
      if (!(name in value)) {
        verdict.violations.push(finding(`${member}.${name}`, 'required', failed(`${member}.${name}`, `Member must not be null for an instance whose identity management type is ${type}`), type));
      }
    }
    for (const [name, c] of Object.entries(rules.constraints)) {
      const v = value[name];
      if (typeof v !== 'string') continue;
      const length = lengthOf(v);
      const m = `${member}.${name}`;
      if (c.minLength !== undefined && length < c.minLength) {
        verdict.violations.push(finding(m, 'minLength', failed(m, `Member must have length greater than or equal to ${c.minLength}`), type));
      }
      if (c.maxLength !== undefined && length > c.maxLength) {
        verdict.violations.push(finding(m, 'maxLength', failed(m, `Member must have length less than or equal to ${c.maxLength}`), type));
      }
    }
  };

  const fromAjv = (e: ErrorObject, schema: Json): Finding | undefined => {
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'required') {
      const member = [...segments, String((e.params as { missingProperty: string }).missingProperty)].join('.');
      return finding(member, 'required', failed(member, 'Member must not be null'));
    }
    if (segments.length === 0 && e.keyword === 'type') return finding('$body', 'type', 'The request body must be a JSON object');
    if (e.keyword === 'pattern') {
      // A pattern with several readings is decided by walk(), over every reading.
      let s: Json | undefined = schema;
      for (const seg of segments) s = (s?.properties as Record<string, Json> | undefined)?.[seg];
      if (s && noteOf(s).readings) return undefined;
    }
    return findingOf(e, segments);
  };

  /** An ajv error as a finding at the member named by its path. */
  const findingOf = (e: ErrorObject, segments: string[]): Finding => {
    const member = segments.join('.');
    const constraint =
      e.keyword === 'type'
        ? `Member must be of type ${String((e.params as { type: string }).type)}`
        : e.keyword === 'maxLength'
          ? `Member must have length less than or equal to ${String((e.params as { limit: number }).limit)}`
          : e.keyword === 'minLength'
            ? `Member must have length greater than or equal to ${String((e.params as { limit: number }).limit)}`
            : e.keyword === 'pattern'
              ? `Member must satisfy regular expression pattern: ${String((e.params as { pattern: string }).pattern)}`
              : `Member ${e.message ?? 'is not valid'}`;
    return finding(member, e.keyword, failed(member, constraint));
  };

  return {
    lengthOf,
    parseBody(text) {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, finding: finding('$body', 'json', 'The request body is not a JSON document') };
      }
    },
    validate(operation, input, type) {
      const c = compile(operation);
      const verdict: Verdict = { violations: [], ambiguities: [] };
      for (const label of c.labels) {
        const value = input.labels[label.name] ?? '';
        if (label.required && value === '') verdict.violations.push(finding(label.name, 'required', failed(label.name, 'Member must not be null')));
        if (label.check(value)) continue;
        for (const e of label.check.errors ?? []) verdict.violations.push(findingOf(e, [label.name]));
      }
      if (c.body) {
        const body = spec.protocol.nullIsAbsent ? stripNulls(input.body) : input.body;
        if (!c.body(body)) {
          for (const e of c.body.errors ?? []) {
            const f = fromAjv(e, c.op.bodySchema as Json);
            if (f) verdict.violations.push(f);
          }
        }
        walkerOf(c.op.bodySchema as Json, '')(body, type, verdict);
      }
      return verdict;
    },
  };
}
