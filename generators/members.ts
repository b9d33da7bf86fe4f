// Valid values of each member of the identity structure, for the identity management type at hand: random ones
// and deterministic ones at and near every bound. Three kinds of member, told apart by what the spec says:
// a pattern with readings; a length bound (text in every texture, NFC by construction); or nothing but the type
// (free text, also in the shape of the other members' patterns, since an address is a string too).
import fc from 'fast-check';
import type { MemberValue } from '../core/binding.ts';
import { INT32 } from '../spec/types.ts';
import type { Context, MemberPlan } from './context.ts';
import { isSafeValue, within } from './context.ts';
import { patternProfile, type PatternProfile } from './patterns.ts';
import { randomText, sampleText, textBetween, TEXTURES } from './text.ts';

export interface MemberValues {
  plan: MemberPlan;
  /** Random valid values. */
  arbitrary: fc.Arbitrary<MemberValue>;
  /** Deterministic valid values, by variant (`len-255`, `len-255:astral`, `typical`, `enum:SOFT_PHONE`, `min`, ...). */
  samples: Record<string, MemberValue>;
  /** The value boundary cases use when the member is not their subject. */
  base: MemberValue;
  /** Set for a member with pattern readings. */
  pattern?: PatternProfile;
}

/** The values of a text member (a string member without an enum): strings only. */
export interface TextValues extends MemberValues {
  arbitrary: fc.Arbitrary<string>;
  samples: Record<string, string>;
  base: string;
}

/** True for a member whose values are free or patterned text (not an enum, a boolean or a number). */
export const isText = (plan: MemberPlan) => plan.spec.type === 'string' && !plan.spec.enum;

/** The values of a text member; throws for another member (a caller that asks has checked isText). */
export function textValues(values: MemberValues): TextValues {
  if (!isText(values.plan)) throw new Error(`${values.plan.spec.name} is not a text member`);
  return values as TextValues;
}

/** Length of the typical value of a text member, clamped into its bounds. */
const TYPICAL_LENGTH = 8;

const clamp = (n: number, min: number, max = Number.POSITIVE_INFINITY) => Math.max(min, Math.min(n, max));

/** True for a member the spec constrains by nothing but its type. */
export const isFreeText = (plan: MemberPlan) =>
  !plan.spec.readings.length &&
  plan.spec.pattern === undefined &&
  !plan.spec.normalization &&
  plan.bounds.min === 0 &&
  plan.bounds.max === undefined;

export function memberValues(ctx: Context, labels: Record<string, string>): Map<string, MemberValues> {
  const out = new Map<string, MemberValues>();
  for (const plan of ctx.members) {
    if (plan.spec.readings.length) {
      const pattern = patternProfile(ctx, plan, labels);
      out.set(plan.spec.name, { plan, arbitrary: pattern.arbitrary, samples: pattern.samples, base: pattern.base, pattern });
    }
  }
  for (const plan of ctx.members) {
    if (out.has(plan.spec.name)) continue;
    const typed = typedValues(ctx, plan);
    if (typed) out.set(plan.spec.name, typed);
  }
  const shapes = [...out.values()].filter((v) => v.pattern).map(textValues);
  for (const plan of ctx.members) {
    if (out.has(plan.spec.name)) continue;
    out.set(plan.spec.name, plan.bounds.max === undefined ? unboundedValues(ctx, plan, shapes) : boundedValues(ctx, plan));
  }
  return out;
}

/** The typical value of an integer member, clamped into its bounds (a value with no meaning of its own). */
const TYPICAL_INTEGER = 30;

/**
 * The valid values of a member that is not free text: every value of an enum; both booleans; an integer's bounds (its
 * model bounds, a documented maximum below the upper one: a value past it is a SHOULD violation), one inside each and
 * any between. Undefined for a text member.
 */
function typedValues(ctx: Context, plan: MemberPlan): MemberValues | undefined {
  const m = plan.spec;
  if (m.enum) {
    const values = m.enum;
    return {
      plan,
      arbitrary: fc.constantFrom(...values),
      samples: Object.fromEntries(values.map((v) => [`enum:${v}`, v])),
      base: values[0]!,
    };
  }
  if (m.type === 'boolean') return { plan, arbitrary: fc.boolean(), samples: { true: true, false: false }, base: false };
  if (m.type !== 'integer') return undefined;
  const width = m.format === 'int32' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
  const min = m.minimum ?? width.min;
  const max = Math.min(m.maximum ?? width.max, m.documentedMaximum ?? width.max);
  const samples: Record<string, MemberValue> = {};
  for (const [name, n] of [
    ['min', min],
    ['min+1', min + 1],
    ['max-1', max - 1],
    ['max', max],
  ] as const)
    if (n >= min && n <= max && !Object.values(samples).includes(n) && isSafeValue(ctx, String(n))) samples[name] = n;
  // Against a real account, a value whose digits read as a phone number is never sent (core/safe-values.ts).
  const safe = (n: number) => isSafeValue(ctx, String(n));
  return { plan, arbitrary: fc.integer({ min, max }).filter(safe), samples, base: clamp(TYPICAL_INTEGER, min, max) };
}

export const normalized = (plan: MemberPlan, s: string) => (plan.spec.normalization ? s.normalize(plan.spec.normalization) : s);

/** Puts text into the member's normal form (if the spec names one) and keeps it only within the bounds. */
const conforming = (ctx: Context, plan: MemberPlan, arb: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  arb.map((s) => normalized(plan, s)).filter((s) => within(ctx, plan.bounds, s) && isSafeValue(ctx, s));

/** The same for deterministic samples: a sample that leaves the bounds in normal form is dropped. */
const conformingSamples = (ctx: Context, plan: MemberPlan, samples: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(samples)
      .map(([k, v]) => [k, normalized(plan, v)] as const)
      .filter(([, v]) => within(ctx, plan.bounds, v)),
  );

/** Every value of the spec's value classes, as pieces of random text (the first of them, a digit, is where a piece
 * shrinks to). */
const classPieces = (ctx: Context): string[] => ctx.spec.valueClasses.classes.flatMap((c) => c.values);

function boundedValues(ctx: Context, plan: MemberPlan): MemberValues {
  const { min, max } = plan.bounds as { min: number; max: number };
  const samples: Record<string, string> = {};
  for (const n of new Set([min, min + 1, max - 1, max])) if (n >= min && n <= max) samples[`len-${n}`] = sampleText(n, 'plain');
  for (const texture of TEXTURES) if (texture !== 'plain') samples[`len-${max}:${texture}`] = sampleText(max, texture);
  return {
    plan,
    arbitrary: conforming(ctx, plan, textBetween(min, max, classPieces(ctx))),
    samples: conformingSamples(ctx, plan, samples),
    base: normalized(plan, sampleText(clamp(TYPICAL_LENGTH, min, max), 'plain')),
  };
}

function unboundedValues(ctx: Context, plan: MemberPlan, shapes: TextValues[]): MemberValues {
  const { min } = plan.bounds;
  const length = min + ctx.options.unboundedLength;
  const samples: Record<string, string> = { [`len-${min}`]: sampleText(min, 'plain') };
  for (const texture of TEXTURES) samples[`len-${length}:${texture}`] = sampleText(length, texture);
  for (const shape of shapes) samples[`like-${shape.plan.spec.name}`] = shape.base;
  const text = fc.oneof(
    textBetween(min, length, classPieces(ctx)),
    ...TEXTURES.map((t) => randomText(length, t)),
    ...shapes.map((s) => s.arbitrary),
  );
  return {
    plan,
    arbitrary: conforming(ctx, plan, text),
    samples: conformingSamples(ctx, plan, samples),
    // An address-shaped value where another member's pattern gives one: the first pattern member's typical value.
    base: normalized(plan, shapes[0]?.base ?? sampleText(clamp(TYPICAL_LENGTH, min), 'plain')),
  };
}
