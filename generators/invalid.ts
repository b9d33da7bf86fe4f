// Invalid requests, labelled. For every input requirement that applies to the type, variants that violate it: one
// per constraint it claims and per way of violating that constraint (a wrong JSON type, one past a bound, a
// non-NFC form, an edit the pattern's readings all reject, a forbidden member...). Each variant has a
// deterministic draft (boundary phase) and an arbitrary (random phase). A variant's label is the requirement plus
// what the spec makes unavoidable: a member the type forbids, or a model bound beyond a stricter bound of the type.
import fc from 'fast-check';
import type { Constraint, LabelSpec, Requirement } from '../spec/index.ts';
import type { Draft } from './build.ts';
import type { Context, MemberPlan } from './context.ts';
import { judgeMember, safeInteger } from './context.ts';
import type { MemberValues } from './members.ts';
import { normalized, textValues } from './members.ts';
import { mixedText, NON_NFC_PIECES, NON_NFC_SAMPLES, NON_NFC_VARIANTS, randomText, sampleText, textBetween } from './text.ts';
import { decodeLabel, encodedText, isDotSegment, NOT_UTF8, percentEncode } from './labels.ts';
import type { EffectState } from './valid.ts';

export interface InvalidVariant {
  /** Stable within its requirement: `over-max:astral`, `InstanceId:empty`... */
  name: string;
  requirementIds: string[];
  boundary: Draft;
  random: fc.Arbitrary<Draft>;
}

/** What the variants are built from. */
export interface Sources {
  ctx: Context;
  values: Map<string, MemberValues>;
  labels: Record<string, string>;
  base: EffectState;
  randomLabels: fc.Arbitrary<Record<string, string>>;
  randomIdentity: fc.Arbitrary<EffectState>;
}

/** How far past a bound random violations go. */
const OVERSHOOT = 16;

/** JSON values of each kind, for wrong-type violations. `null` only where it does not mean "absent". */
const JSON_KINDS: Record<string, { sample: unknown; random: fc.Arbitrary<unknown> }> = {
  string: { sample: 'Zoë', random: fc.string() },
  number: { sample: 1, random: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  boolean: { sample: true, random: fc.boolean() },
  array: { sample: ['Zoë'], random: fc.array(fc.string(), { maxLength: 3 }) },
  object: { sample: { Zoë: 'Zoë' }, random: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }) },
  null: { sample: null, random: fc.constant(null) },
};
/** The JSON kinds that are not of a schema type (an integer is a number: its other wrong values are numberViolations). */
const wrongKinds = (type: unknown, withNull: boolean) =>
  Object.keys(JSON_KINDS).filter((k) => k !== (type === 'integer' ? 'number' : type) && (withNull || k !== 'null'));

const bodyOf = (ctx: Context, identity: unknown) => ({ [ctx.identityMember]: identity });

/** A violation expressed as one value of one place of the request (a label, the identity member, a member). */
interface ValueViolation {
  name: string;
  sample: unknown;
  random: fc.Arbitrary<unknown>;
}

function labelDrafts(s: Sources, label: LabelSpec, v: ValueViolation): Pick<InvalidVariant, 'boundary' | 'random'> {
  return {
    boundary: { labels: { ...s.labels, [label.name]: v.sample as string }, body: bodyOf(s.ctx, s.base) },
    random: fc
      .tuple(
        s.randomLabels,
        s.randomIdentity,
        v.random.filter((value) => !isDotSegment(value as string)),
      )
      .map(([labels, identity, value]) => ({ labels: { ...labels, [label.name]: value as string }, body: bodyOf(s.ctx, identity) })),
  };
}

function memberDrafts(s: Sources, plan: MemberPlan, v: ValueViolation): Pick<InvalidVariant, 'boundary' | 'random'> {
  const name = plan.spec.name;
  return {
    boundary: { labels: s.labels, body: bodyOf(s.ctx, { ...s.base, [name]: v.sample }) },
    random: fc
      .tuple(s.randomLabels, s.randomIdentity, v.random)
      .map(([labels, identity, value]) => ({ labels, body: bodyOf(s.ctx, { ...identity, [name]: value }) })),
  };
}

/** Strings of exactly one past `bound` (plain and astral in the boundary phase), up to `ceiling` in the random one. */
function overMax(plan: MemberPlan | undefined, bound: number, ceiling: number): ValueViolation[] {
  const n = bound + 1;
  const top = Math.min(bound + OVERSHOOT, ceiling);
  const form = (s: string) => (plan ? normalized(plan, s) : s);
  return [
    {
      name: 'over-max',
      sample: form(sampleText(n, 'plain')),
      random: fc
        .integer({ min: n, max: top })
        .chain((k) => mixedText(k))
        .map(form),
    },
    {
      name: 'over-max:astral',
      sample: form(sampleText(n, 'astral')),
      random: fc
        .integer({ min: n, max: top })
        .chain((k) => randomText(k, 'astral'))
        .map(form),
    },
  ];
}

/** Strings of one below `bound` (down to `floor` in the random phase); the empty string is its own variant. */
function underMin(bound: number, floor: number): ValueViolation {
  const n = bound - 1;
  return { name: n === 0 ? 'empty' : 'under-min', sample: sampleText(n, 'plain'), random: textBetween(Math.min(floor, n), n) };
}

/** Non-NFC strings within the member's bounds: a non-NFC piece between NFC text, padded to the lower bound. */
function nonNfc(s: Sources, plan: MemberPlan): ValueViolation[] {
  const { min, max = Number.POSITIVE_INFINITY } = plan.bounds;
  const length = (v: string) => s.ctx.validator.lengthOf(v);
  const pad = (v: string) => v + sampleText(Math.max(0, min - length(v)), 'plain');
  const fits = (v: string) => length(v) <= max;
  return NON_NFC_VARIANTS.filter((variant) => fits(pad(NON_NFC_SAMPLES[variant]))).map((variant) => ({
    name: variant,
    sample: pad(NON_NFC_SAMPLES[variant]),
    random: fc
      .tuple(textBetween(0, 4), NON_NFC_PIECES[variant], textBetween(0, 4))
      .map(([a, piece, b]) => pad(a + piece + b))
      .filter(fits),
  }));
}

function patternViolations(memberValues: MemberValues): ValueViolation[] {
  const values = textValues(memberValues);
  const profile = values.pattern!;
  return Object.entries(profile.violations).map(([edit, sample]) => ({
    name: edit,
    sample,
    random: values.arbitrary.map((v) => profile.violate(edit, v)),
  }));
}

/** A forbidden member present with a value that is otherwise valid: its typical value, and empty where valid. */
function presentValues(s: Sources, plan: MemberPlan): ValueViolation[] {
  const values = s.values.get(plan.spec.name)!;
  const out: ValueViolation[] = [{ name: 'present', sample: values.base, random: values.arbitrary }];
  if (judgeMember(s.ctx, plan, '', s.labels) === 'valid') out.push({ name: 'present:empty', sample: '', random: fc.constant('') });
  return out;
}

const kindViolations = (type: unknown, withNull: boolean): ValueViolation[] => [
  ...wrongKinds(type, withNull).map((k) => ({ name: k, sample: JSON_KINDS[k]!.sample, random: JSON_KINDS[k]!.random })),
  // A number that is not a whole number where an integer belongs (what the SDK sends for NaN is the string "NaN").
  ...(type === 'integer'
    ? [
        {
          name: 'fraction',
          sample: 1.5,
          random: fc.double({ noNaN: true, noDefaultInfinity: true, min: -(2 ** 31), max: 2 ** 31 }).filter((n) => !Number.isInteger(n)),
        },
        { name: 'nan-text', sample: 'NaN', random: fc.constantFrom('NaN', 'Infinity', '-Infinity') },
      ]
    : []),
];

/** Near misses of an enum: each value in lower case, padded, cut short; the empty string; text that is none of them. */
function enumViolations(values: string[]): ValueViolation[] {
  const misses = new Map<string, string>([['empty', '']]);
  for (const v of values) {
    misses.set(`${v}:lower-case`, v.toLowerCase());
    misses.set(`${v}:padded`, ` ${v} `);
    misses.set(`${v}:cut`, v.slice(0, -1));
  }
  const outside = [...misses].filter(([, miss]) => !values.includes(miss));
  return outside.map(([name, sample]) => ({
    name,
    sample,
    random: fc.oneof(fc.constantFrom(...outside.map(([, m]) => m)), fc.string({ maxLength: 16 })).filter((x) => !values.includes(x)),
  }));
}

/** Whole numbers of the member's width past a bound: one past it (boundary), any further (random). */
function beyond(ctx: Context, name: string, bound: number, direction: 1 | -1, limit: number): ValueViolation {
  // Against a real account the first value past the bound whose digits ring no one (safeInteger).
  const first = safeInteger(ctx, bound + direction);
  const [min, max] = direction > 0 ? [first, Math.max(first, limit)] : [Math.min(first, limit), first];
  return { name, sample: first, random: fc.integer({ min, max }) };
}

/** The requirements a member violation drags in: the type forbids the member, or a model bound is past the type's. */
function unavoidable(s: Sources, plan: MemberPlan, c: Constraint): string[] {
  const typed = (keyword: string) => s.ctx.catalogue.claiming(`${s.ctx.type}:${plan.address}.${keyword}`).id;
  const ids: string[] = [];
  if (plan.forbidden && c.keyword !== 'forbidden') ids.push(typed('forbidden'));
  if (!c.identityManagementType && c.keyword === 'maxLength' && plan.typeBounds.maxLength !== undefined) ids.push(typed('maxLength'));
  if (!c.identityManagementType && c.keyword === 'minLength' && plan.typeBounds.minLength !== undefined) ids.push(typed('minLength'));
  return ids;
}

function memberVariants(s: Sources, plan: MemberPlan, c: Constraint, requirement: Requirement): InvalidVariant[] {
  const typed = c.identityManagementType !== undefined;
  const violations = ((): ValueViolation[] => {
    switch (c.keyword) {
      case 'type':
        return kindViolations(c.value, false);
      case 'maxLength':
        return overMax(plan, c.value as number, typed ? (plan.modelBounds.max ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY);
      case 'minLength':
        return [underMin(c.value as number, typed ? plan.modelBounds.min : 0)];
      case 'x-normalization':
        return nonNfc(s, plan);
      case 'pattern':
      case 'x-documented-pattern':
        return patternViolations(s.values.get(plan.spec.name)!);
      case 'forbidden':
        return presentValues(s, plan);
      case 'enum':
        return enumViolations(plan.spec.enum!);
      case 'format':
        // int32 (the only format the loader admits): whole numbers past the 32-bit range, either way.
        return [
          { name: 'over-int32', sample: safeInteger(s.ctx, 2 ** 31), random: fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }) },
          {
            name: 'under-int32',
            sample: safeInteger(s.ctx, -(2 ** 31) - 1),
            random: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -(2 ** 31) - 1 }),
          },
        ];
      case 'minimum':
        return [beyond(s.ctx, 'under-min', c.value as number, -1, plan.spec.format === 'int32' ? -(2 ** 31) : Number.MIN_SAFE_INTEGER)];
      case 'maximum':
        return [beyond(s.ctx, 'over-max', c.value as number, 1, plan.spec.format === 'int32' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER)];
      case 'x-documented-maximum':
        // Past the documented bound and within the model's (beyond it is another violation).
        return [
          beyond(
            s.ctx,
            'over-documented-max',
            c.value as number,
            1,
            plan.spec.maximum ?? (plan.spec.format === 'int32' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER),
          ),
        ];
      default:
        throw new Error(`no generator violates ${c.address} (keyword ${c.keyword}) for ${requirement.id}`);
    }
  })();
  const ids = [requirement.id, ...unavoidable(s, plan, c)];
  return violations.map((v) => ({ name: v.name, requirementIds: ids, ...memberDrafts(s, plan, v) }));
}

/** How many valid characters random label-encoding cases put before and after the bad bytes. */
const AROUND = 4;

/**
 * Labels whose bytes are not UTF-8 (the `encoding` constraint): one variant per kind of bad sequence, alone in the
 * boundary phase and between random valid text in the random one. The case's decoded label is the lenient reading
 * (U+FFFD for each bad sequence); the wire carries the bytes.
 */
function encodingVariants(s: Sources, label: LabelSpec, c: Constraint, requirement: Requirement): InvalidVariant[] {
  if (c.value !== 'utf-8')
    throw new Error(`no generator violates ${c.address}: only the encoding utf-8 is understood (found ${String(c.value)})`);
  const draft = (labels: Record<string, string>, identity: EffectState, raw: string): Draft => {
    if (decodeLabel(raw).strict !== undefined) throw new Error(`${raw} decodes as UTF-8: not a violation of ${c.address}`);
    return {
      labels: { ...labels, [label.name]: decodeLabel(raw).lenient },
      body: bodyOf(s.ctx, identity),
      encodedLabels: { [label.name]: raw },
    };
  };
  return Object.entries(NOT_UTF8).map(([kind, bytes]) => ({
    name: kind,
    requirementIds: [requirement.id],
    boundary: draft(s.labels, s.base, percentEncode(bytes.sample)),
    random: fc
      .tuple(s.randomLabels, s.randomIdentity, encodedText(AROUND), bytes.random, encodedText(AROUND))
      .map(([labels, identity, before, bad, after]) => draft(labels, identity, before + percentEncode(bad) + after)),
  }));
}

function labelVariants(s: Sources, label: LabelSpec, c: Constraint, requirement: Requirement): InvalidVariant[] {
  if (c.keyword === 'encoding') return encodingVariants(s, label, c, requirement);
  const violations = ((): ValueViolation[] => {
    switch (c.keyword) {
      case 'required':
        return [{ name: 'empty', sample: '', random: fc.constant('') }];
      case 'minLength':
        return [underMin(c.value as number, 0)];
      case 'maxLength':
        return overMax(undefined, c.value as number, Number.POSITIVE_INFINITY);
      default:
        throw new Error(`no generator violates ${c.address} (keyword ${c.keyword}) for ${requirement.id}`);
    }
  })();
  return violations.map((v) => ({ name: v.name, requirementIds: [requirement.id], ...labelDrafts(s, label, v) }));
}

function identityVariants(s: Sources, c: Constraint, requirement: Requirement): InvalidVariant[] {
  const ctx = s.ctx;
  // null is a way of leaving the member out only where the protocol counts null as absent.
  const violations: ValueViolation[] =
    c.keyword === 'required'
      ? [
          { name: 'absent', sample: undefined, random: fc.constant(undefined) },
          ...(ctx.spec.protocol.nullIsAbsent ? [{ name: 'null', sample: null, random: fc.constant(null) }] : []),
        ]
      : c.keyword === 'type'
        ? kindViolations(c.value, false)
        : [];
  if (!violations.length) throw new Error(`no generator violates ${c.address} (keyword ${c.keyword}) for ${requirement.id}`);
  const body = (identity: unknown) => (identity === undefined ? {} : bodyOf(ctx, identity));
  return violations.map((v) => ({
    name: v.name,
    requirementIds: [requirement.id],
    boundary: { labels: s.labels, body: body(v.sample) },
    random: fc.tuple(s.randomLabels, v.random).map(([labels, value]) => ({ labels, body: body(value) })),
  }));
}

/** Body texts that are not one JSON document: prose, a truncated document, a document with bytes after it, nothing. */
function notJsonVariants(s: Sources, requirement: Requirement): InvalidVariant[] {
  const text = JSON.stringify(bodyOf(s.ctx, s.base));
  const randomText = s.randomIdentity.map((identity) => JSON.stringify(bodyOf(s.ctx, identity)));
  const cut = (t: string, n: number) => [...t].slice(0, n % [...t].length).join('');
  const notJson = (t: string) => !s.ctx.validator.parseBody(t).ok;
  const texts: { name: string; sample: string; random: fc.Arbitrary<string> }[] = [
    { name: 'not-json', sample: sampleText(8, 'plain'), random: fc.string({ unit: 'binary' }).filter(notJson) },
    { name: 'truncated', sample: cut(text, [...text].length - 1), random: fc.tuple(randomText, fc.nat()).map(([t, n]) => cut(t, n)) },
    {
      name: 'trailing-bytes',
      sample: `${text}\n{}`,
      random: fc.tuple(randomText, fc.constantFrom('x', '}', ']', '{}', '\u0000'), fc.string()).map(([t, junk, more]) => t + junk + more),
    },
    { name: 'empty', sample: '', random: fc.constant('') },
  ];
  return texts.map((t) => ({
    name: t.name,
    requirementIds: [requirement.id],
    boundary: { labels: s.labels, bodyText: t.sample },
    random: fc.tuple(s.randomLabels, t.random).map(([labels, bodyText]) => ({ labels, bodyText })),
  }));
}

function bodyTypeVariants(s: Sources, c: Constraint, requirement: Requirement): InvalidVariant[] {
  return kindViolations(c.value, true).map((v) => ({
    name: v.name,
    requirementIds: [requirement.id],
    boundary: { labels: s.labels, body: v.sample },
    random: fc.tuple(s.randomLabels, v.random).map(([labels, body]) => ({ labels, body })),
  }));
}

function constraintVariants(s: Sources, c: Constraint, requirement: Requirement): InvalidVariant[] {
  const ctx = s.ctx;
  const label = ctx.labels.find((l) => l.name === c.member);
  if (label) return labelVariants(s, label, c, requirement);
  if (c.member === '$body' && c.keyword === 'json') return notJsonVariants(s, requirement);
  if (c.member === '$body' && c.keyword === 'type') return bodyTypeVariants(s, c, requirement);
  if (c.member === ctx.identityMember) return identityVariants(s, c, requirement);
  const plan = ctx.members.find((p) => p.address === c.member);
  if (plan) return memberVariants(s, plan, c, requirement);
  throw new Error(`no generator violates ${c.address} for ${requirement.id}: ${c.member} is not a label, the body or a member`);
}

/** Every variant of an input requirement. Variant names carry the member when the requirement claims several. */
export function variantsOf(s: Sources, requirement: Requirement): InvalidVariant[] {
  const constraints = requirement.constrains.map((address) => s.ctx.spec.constraints.find((c) => c.address === address)!);
  const several = new Set(constraints.map((c) => c.member)).size > 1;
  const seen = new Set<string>();
  const out: InvalidVariant[] = [];
  for (const c of constraints) {
    for (const v of constraintVariants(s, c, requirement)) {
      const name = several ? `${c.member.split('.').at(-1)}:${v.name}` : v.name;
      if (seen.has(name)) continue;
      seen.add(name);
      out.push({ ...v, name });
    }
  }
  if (!out.length) throw new Error(`no variant violates ${requirement.id}`);
  return out;
}
