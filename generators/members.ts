// Valid values of each member of the identity structure, for the identity management type at hand: random ones
// and deterministic ones at and near every bound. Three kinds of member, told apart by what the spec says:
// a pattern with readings; a length bound (text in every texture, NFC by construction); or nothing but the type
// (free text, also in the shape of the other members' patterns, since an address is a string too).
import fc from 'fast-check';
import type { Context, MemberPlan } from './context.ts';
import { isSafeValue, within } from './context.ts';
import { patternProfile, type PatternProfile } from './patterns.ts';
import { randomText, sampleText, textBetween, TEXTURES } from './text.ts';

export interface MemberValues {
  plan: MemberPlan;
  /** Random valid values. */
  arbitrary: fc.Arbitrary<string>;
  /** Deterministic valid values, by variant (`len-255`, `len-255:astral`, `typical`, ...). */
  samples: Record<string, string>;
  /** The value boundary cases use when the member is not their subject. */
  base: string;
  /** Set for a member with pattern readings. */
  pattern?: PatternProfile;
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
  const shapes = [...out.values()];
  for (const plan of ctx.members) {
    if (out.has(plan.spec.name)) continue;
    out.set(plan.spec.name, plan.bounds.max === undefined ? unboundedValues(ctx, plan, shapes) : boundedValues(ctx, plan));
  }
  return out;
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

function unboundedValues(ctx: Context, plan: MemberPlan, shapes: MemberValues[]): MemberValues {
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
