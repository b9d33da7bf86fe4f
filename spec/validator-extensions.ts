// The x- extensions as the request validator (validator.ts) applies them, walking a body's schema alongside the value:
// the normal form (x-normalization), the readings of an ambiguous pattern (x-pattern-readings, x-documented-pattern:
// a violation when every reading rejects the value, an ambiguity when only some do), and the stricter rules per
// identity management type (x-identity-management-rules: forbidden, required and length-limited members). What each
// schema says is compiled once, into the walk of that schema at its member.
import type { PatternReading, TypeRules } from './types.ts';
import { failed, finding, type ValidationResult } from './validator-findings.ts';

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the extensions say about one schema. */
export interface SchemaNotes {
  readings?: { keyword: 'pattern' | 'x-documented-pattern'; list: PatternReading[] };
  normalization?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
  typeRules?: Record<string, TypeRules>;
  /** x-documented-maximum of an integer member (judged on whole numbers its format admits). */
  documentedMaximum?: { value: number; int32: boolean };
}

/** One schema at one member (a walk starts at the body's root, so a schema's member name is fixed). */
interface SchemaWalk {
  member: string;
  notes: SchemaNotes;
  properties: [string, Json][];
  /** The walks of its properties, made on first use: a schema may refer to itself. */
  children?: [string, SchemaWalk][];
}

/** The extensions of one spec, with what was compiled of its schemas so far. */
export interface SchemaExtensions {
  typeRules: Record<string, TypeRules>;
  notes: WeakMap<object, SchemaNotes>;
  walks: WeakMap<object, Map<string, SchemaWalk>>;
}

export const schemaExtensions = (typeRules: Record<string, TypeRules>): SchemaExtensions => ({
  typeRules,
  notes: new WeakMap(),
  walks: new WeakMap(),
});

/** Length of a string in code points (x-length-unit is code-point: the loader accepts nothing else), as ajv counts
 * minLength and maxLength: UTF-16 units less one per surrogate pair (a lone surrogate counts as one, as for...of does). */
export function lengthOf(s: string): number {
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
}

export function notesOf(x: SchemaExtensions, schema: Json): SchemaNotes {
  let n = x.notes.get(schema);
  if (n) return n;
  n = {};
  const readingsOf = (key: 'x-pattern-readings' | 'x-documented-pattern') =>
    (schema[key] as { reading: string; pattern: string }[]).map((r) => ({ ...r, regex: new RegExp(r.pattern, 'u') }));
  if (schema['x-pattern-readings']) n.readings = { keyword: 'pattern', list: readingsOf('x-pattern-readings') };
  if (schema['x-documented-pattern']) n.readings = { keyword: 'x-documented-pattern', list: readingsOf('x-documented-pattern') };
  if (schema['x-normalization']) n.normalization = schema['x-normalization'] as SchemaNotes['normalization'];
  if (schema['x-identity-management-rules']) n.typeRules = x.typeRules;
  if (schema['x-documented-maximum'] !== undefined)
    n.documentedMaximum = { value: schema['x-documented-maximum'] as number, int32: schema.format === 'int32' };
  x.notes.set(schema, n);
  return n;
}

/** Applies the extensions to a body, from its schema at the root; what it finds goes into `verdict`. */
export function checkExtensions(
  x: SchemaExtensions,
  schema: Json,
  body: unknown,
  type: string | undefined,
  verdict: ValidationResult,
): void {
  walk(x, walkOf(x, schema, ''), body, type, verdict);
}

function walkOf(x: SchemaExtensions, schema: Json, member: string): SchemaWalk {
  let byMember = x.walks.get(schema);
  if (!byMember) x.walks.set(schema, (byMember = new Map()));
  let w = byMember.get(member);
  if (!w)
    byMember.set(
      member,
      (w = { member, notes: notesOf(x, schema), properties: Object.entries((schema.properties ?? {}) as Record<string, Json>) }),
    );
  return w;
}

function walk(x: SchemaExtensions, w: SchemaWalk, value: unknown, type: string | undefined, verdict: ValidationResult): void {
  if (typeof value === 'string') return checkString(w, value, verdict);
  if (typeof value === 'number') return checkNumber(w, value, verdict);
  if (!isObject(value)) return;
  w.children ??= w.properties.map(([key, sub]) => [key, walkOf(x, sub, w.member ? `${w.member}.${key}` : key)]);
  for (const [key, child] of w.children) {
    if (key in value) walk(x, child, value[key], type, verdict);
  }
  const rules = type && w.notes.typeRules?.[type];
  if (rules) checkTypeRules(w.member, rules, type, value, verdict);
}

/** x-normalization and the pattern's readings, on a string member. */
function checkString({ member, notes }: SchemaWalk, value: string, verdict: ValidationResult): void {
  if (notes.normalization && value.normalize(notes.normalization) !== value) {
    verdict.violations.push(
      finding(member, 'x-normalization', failed(member, `Member must be in Unicode Normalization Form ${notes.normalization}`)),
    );
  }
  if (!notes.readings) return;
  const list = notes.readings.list;
  let rejectedBy: string[] | undefined;
  for (const r of list) if (!r.regex.test(value)) (rejectedBy ??= []).push(r.reading);
  if (!rejectedBy) return;
  const message = failed(member, `Member must satisfy regular expression pattern: ${list[0]!.pattern}`);
  if (rejectedBy.length === list.length) verdict.violations.push(finding(member, notes.readings.keyword, message));
  else verdict.ambiguities.push(finding(member, notes.readings.keyword, `${message} (rejected by the ${rejectedBy.join(', ')} reading)`));
}

/** x-documented-maximum, on a whole number of the member's width (anything else fails its type or format first). */
function checkNumber({ member, notes }: SchemaWalk, value: number, verdict: ValidationResult): void {
  const bound = notes.documentedMaximum;
  if (!bound || !Number.isInteger(value) || (bound.int32 && (value < -(2 ** 31) || value > 2 ** 31 - 1))) return;
  if (value > bound.value)
    verdict.violations.push(
      finding(member, 'x-documented-maximum', failed(member, `Member must have value less than or equal to ${bound.value}`)),
    );
}

/** x-identity-management-rules for the instance's type: forbidden, required and length-limited members. */
function checkTypeRules(member: string, rules: TypeRules, type: string, value: Json, verdict: ValidationResult): void {
  for (const name of rules.forbidden) {
    if (name in value) {
      verdict.violations.push(
        finding(
          `${member}.${name}`,
          'forbidden',
          failed(`${member}.${name}`, `Member cannot be set for an instance whose identity management type is ${type}`),
          type,
        ),
      );
    }
  }
  for (const name of rules.required) {
    if (!(name in value)) {
      verdict.violations.push(
        finding(
          `${member}.${name}`,
          'required',
          failed(`${member}.${name}`, `Member must not be null for an instance whose identity management type is ${type}`),
          type,
        ),
      );
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
}
