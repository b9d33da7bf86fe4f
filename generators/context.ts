// Everything the generators read from the spec for one identity management type, computed once: the members and
// their effective bounds, the labels, the media type, the validator and the catalogue. Nothing here is hand-coded:
// a modified spec gives a different context.
import type { Catalogue, LabelSpec, MemberSpec, RequestValidator, Spec, ValidationResult } from '../spec/index.ts';
import { catalogue, createValidator } from '../spec/index.ts';
import { isMailSafe } from './mail-safe.ts';
import { checkNamedRequirements } from './named-requirements.ts';
import { bodyProblems, valueProblems } from '../core/safe-values.ts';

export interface Bounds {
  min: number;
  /** Absent when the spec sets no upper bound. */
  max?: number;
}

/** A member of the identity structure as it stands for the identity management type at hand. */
export interface MemberPlan {
  spec: MemberSpec;
  /** `<member>.FirstName` (the operation's member, then the structure's): the member part of its constraint addresses. */
  address: string;
  forbidden: boolean;
  /** The model's bounds. */
  modelBounds: Bounds;
  /** The bounds for this type: the model's, tightened by the type's rules. */
  bounds: Bounds;
  /** The type's own stricter bounds, if any. */
  typeBounds: { minLength?: number; maxLength?: number };
  /** Omitting it is observed, never judged (OBS-OMITTED-NAMES names it). */
  omissionObserved: boolean;
}

export interface GeneratorOptions {
  /** Longest random string, in code points, for a member or label without an upper bound. Default 64. */
  unboundedLength?: number;
  /** Size of the body of the body-size case, in bytes. Default 1 MiB + 1. */
  oversizedBodyBytes?: number;
  /** How far the pattern searches grow or shrink a value, in code points. Default 2048. */
  searchLimit?: number;
  /**
   * For runs against a real account (safe-values.ts): every run of 7 to 15 digits in a generated value is a number
   * reserved for fiction (+1 NPA 555 01xx), so valid and ambiguous Mobile values are fictional and invalid ones are
   * edits of fictional ones. Default false.
   */
  fictionalMobiles?: boolean;
  /** For runs against a real account: every `@` in a generated value is followed by a reserved domain, read as the
   * aws target's guard reads it (stricter than the address shape the default checks). Default false. */
  strictMail?: boolean;
}

export interface Context {
  spec: Spec;
  type: string;
  validator: RequestValidator;
  catalogue: Catalogue;
  /** The body member that holds the identity structure. */
  identityMember: string;
  members: MemberPlan[];
  labels: LabelSpec[];
  mediaType: string;
  options: Required<GeneratorOptions>;
}

const DEFAULTS: Required<GeneratorOptions> = {
  unboundedLength: 64,
  oversizedBodyBytes: 1024 * 1024 + 1,
  searchLimit: 2048,
  fictionalMobiles: false,
  strictMail: false,
};

export function createContext(spec: Spec, type: string, options: GeneratorOptions = {}): Context {
  if (!spec.identityManagementTypes.includes(type)) {
    throw new Error(`unknown identity management type ${type} (the spec has ${spec.identityManagementTypes.join(', ')})`);
  }
  if (spec.lengthUnit !== 'code-point')
    throw new Error(`the generators count lengths in code points; the spec counts in ${String(spec.lengthUnit)}`);
  const cat = catalogue(spec);
  checkNamedRequirements(cat, spec);
  const identityMember = spec.effectMember;
  const rules = spec.typeRules[type]!;
  const members = spec.members.map((m): MemberPlan => {
    const typeBounds = rules.constraints[m.name] ?? {};
    const modelBounds = { min: m.minLength ?? 0, max: m.maxLength };
    return {
      spec: m,
      address: `${identityMember}.${m.name}`,
      forbidden: rules.forbidden.includes(m.name),
      modelBounds,
      bounds: { min: Math.max(modelBounds.min, typeBounds.minLength ?? 0), max: minDefined(modelBounds.max, typeBounds.maxLength) },
      typeBounds,
      omissionObserved: rules.omissionObserved.includes(m.name),
    };
  });
  return {
    spec,
    type,
    validator: createValidator(spec),
    catalogue: cat,
    identityMember,
    members,
    labels: spec.operation.labels,
    mediaType: mediaTypeOf(spec),
    options: { ...DEFAULTS, ...options },
  };
}

const minDefined = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

function mediaTypeOf(spec: Spec): string {
  const op = spec.operation;
  const item = spec.document.paths?.[op.pathTemplate] as
    | Record<string, { requestBody?: { content?: Record<string, unknown> } }>
    | undefined;
  const types = Object.keys(item?.[op.method.toLowerCase()]?.requestBody?.content ?? {});
  if (types.length !== 1) throw new Error(`${op.name} must declare exactly one request media type (found ${types.join(', ') || 'none'})`);
  return types[0]!;
}

/** Validates a request of the operation under test for the context's type. */
export const validate = (ctx: Context, labels: Record<string, string>, body: unknown): ValidationResult =>
  ctx.validator.validate(ctx.spec.operation.name, { labels, body }, ctx.type);

/** True when a generated value may be sent: no address outside a reserved domain, and, with the safe-values options,
 * nothing the aws target's guard would refuse. */
export function isSafeValue(ctx: Context, value: string): boolean {
  if (!isMailSafe(value)) return false;
  if (!ctx.options.strictMail && !ctx.options.fictionalMobiles) return true;
  return valueProblems(value).every((p) => (p.startsWith('an address') ? !ctx.options.strictMail : !ctx.options.fictionalMobiles));
}

/**
 * The integer nearest `n` away from zero whose digits can ring no one under the safe-values options (core/safe-values:
 * a run of 7 to 15 digits reads `NPA 555 01xx`): `n` itself when it is safe. A bound a real account may not be sent
 * (2000000 reads as a phone number) is then approached by the nearest such value past it, never by an unsafe one.
 */
export function safeInteger(ctx: Context, n: number): number {
  if (isSafeValue(ctx, String(n))) return n;
  const m = Math.abs(n);
  for (let length = String(m).length; length <= 15; length++) {
    const fixed = '55501'.slice(0, Math.min(length - 3, 5));
    const free = Math.max(0, length - 3 - fixed.length);
    for (let npa = 200; npa <= 999; npa++) {
      const low = Number(`${npa}${fixed}${'0'.repeat(free)}`);
      const high = Number(`${npa}${fixed}${'9'.repeat(free)}`);
      if (high < m) continue;
      const k = Math.max(low, m);
      if (isSafeValue(ctx, String(k))) return Math.sign(n) * k;
    }
  }
  throw new Error(`no whole number past ${n} reads as a number reserved for fiction`);
}

/** The same for a whole request body as text (every string literal and number in it). */
export function isSafeBody(ctx: Context, text: string): boolean {
  if (!isMailSafe(text)) return false;
  if (!ctx.options.strictMail && !ctx.options.fictionalMobiles) return true;
  return bodyProblems(text).every((p) => (p.startsWith('an address') ? !ctx.options.strictMail : !ctx.options.fictionalMobiles));
}

/** How the model (no type rules) judges one member value on its own; a value outside the type's bounds, or holding an
 * address that can receive mail, is `other`. */
export function judgeMember(
  ctx: Context,
  plan: MemberPlan,
  value: unknown,
  labels: Record<string, string>,
): 'valid' | 'violation' | 'ambiguous' | 'other' {
  const verdict = ctx.validator.validate(ctx.spec.operation.name, { labels, body: { [ctx.identityMember]: { [plan.spec.name]: value } } });
  const patternAddress = `${plan.address}.${plan.spec.readingsKeyword}`;
  if (verdict.ambiguities.length) return 'ambiguous';
  if (!verdict.violations.length)
    return typeof value === 'string' && !(within(ctx, plan.bounds, value) && isSafeValue(ctx, value)) ? 'other' : 'valid';
  return verdict.violations.every((f) => f.address === patternAddress) ? 'violation' : 'other';
}

/** True when the length of `value` is within `bounds`. */
export function within(ctx: Context, bounds: Bounds, value: string): boolean {
  const n = ctx.validator.lengthOf(value);
  return n >= bounds.min && (bounds.max === undefined || n <= bounds.max);
}
