// Assembles the generators of one spec and one identity management type: the boundary phase, the arbitraries of
// the random phase, replay by seed and path, and re-labelling a case for a target's own fixtures.
import fc from 'fast-check';
import type { Spec } from '../spec/index.ts';
import type { Case } from './case.ts';
import type { Draft } from './build.ts';
import { invalidCase, observedCase, validCase } from './build.ts';
import { inRounds, invalidGroups, observedGroups } from './boundary.ts';
import type { Context, GeneratorOptions } from './context.ts';
import { createContext } from './context.ts';
import type { Sources, Variant } from './invalid.ts';
import { variantsOf } from './invalid.ts';
import { decodeLabel, defaultLabels, labelValues } from './labels.ts';
import { isMailSafe } from './mail-safe.ts';
import { memberValues } from './members.ts';
import { recheck } from './recheck.ts';
import type { Identity } from './valid.ts';
import { baseIdentity, identityArbitrary, validBoundaryGroups, validCaseArbitrary } from './valid.ts';
import type { ObservedVariant } from './wire.ts';
import { observedVariants } from './wire.ts';

export interface Generators {
  readonly spec: Spec;
  readonly identityManagementType: string;
  /** Input requirements that apply to the type, in catalogue order. */
  readonly inputRequirementIds: string[];
  /** The deterministic boundary phase (independent of any seed), in rounds. */
  boundaryCases(): Case[];
  /** Random identity structures every conformant target accepts (OK-ACCEPT-VALID). */
  readonly validIdentityInfo: fc.Arbitrary<Identity>;
  /** Random valid cases, labels included. */
  readonly validCase: fc.Arbitrary<Case>;
  /** Random invalid cases of every applicable input requirement. */
  readonly invalidCase: fc.Arbitrary<Case>;
  /** Random invalid cases of one input requirement. */
  invalidCaseFor(requirementId: string): fc.Arbitrary<Case>;
  /** Random raw requests: bodies that are not JSON or not an object, and the observed anomalies. */
  readonly wireCase: fc.Arbitrary<Case>;
  /** A generator by name: `valid`, `invalid`, `wire` or `invalid:<REQUIREMENT-ID>`. */
  arbitrary(name: string): fc.Arbitrary<Case>;
  /** The case with other labels (a target's own instance and user), keeping labels the case is about. Re-checked. */
  withLabels(c: Case, labels: Record<string, string>): Case;
  /** Re-checks a case against the spec's validator; throws CaseMismatchError on any mismatch. */
  recheck(c: Case): Case;
}

const draftText = (d: Draft) => d.bodyText ?? JSON.stringify(d.body);
const mailSafeDraft = (d: Draft) => isMailSafe(draftText(d));

function sourcesOf(ctx: Context): Sources {
  const labels = defaultLabels(ctx);
  const values = memberValues(ctx, labels);
  return {
    ctx,
    values,
    labels,
    base: baseIdentity(ctx, values),
    randomLabels: labelValues(ctx),
    randomIdentity: identityArbitrary(ctx, values, false),
  };
}

const randomInvalid = (ctx: Context, id: string, v: Variant) =>
  v.random.filter(mailSafeDraft).map((d) => invalidCase(ctx, `random:${id}:${v.name}`, v.requirementIds, d));
const randomObserved = (ctx: Context, v: ObservedVariant) =>
  v.random.filter(mailSafeDraft).map((d) => observedCase(ctx, `random:${v.requirementId}:${v.name}`, [v.requirementId], d));

export function createGenerators(spec: Spec, identityManagementType: string, options: GeneratorOptions = {}): Generators {
  const ctx = createContext(spec, identityManagementType, options);
  const sources = sourcesOf(ctx);
  const inputs = ctx.catalogue.inputs.filter((r) => r.appliesTo.includes(identityManagementType));
  const variants = new Map(inputs.map((r) => [r.id, variantsOf(sources, r)]));
  const observed = observedVariants(sources);

  const byRequirement = new Map([...variants].map(([id, list]) => [id, fc.oneof(...list.map((v) => randomInvalid(ctx, id, v)))]));
  const invalidCaseFor = (id: string) => {
    const arb = byRequirement.get(id);
    if (!arb) throw new Error(`${id} is not an input requirement that applies to ${identityManagementType}`);
    return arb;
  };
  const rawOnly = inputs.filter((r) => r.constrains.some((a) => spec.constraints.find((c) => c.address === a)?.member === '$body'));
  const named: Record<string, fc.Arbitrary<Case>> = {
    valid: validCaseArbitrary(ctx, sources.values),
    invalid: fc.oneof(...inputs.map((r) => invalidCaseFor(r.id))),
    wire: fc.oneof(...rawOnly.map((r) => invalidCaseFor(r.id)), ...observed.flat().map((v) => randomObserved(ctx, v))),
  };

  let boundary: Case[] | undefined;
  return {
    spec,
    identityManagementType,
    inputRequirementIds: inputs.map((r) => r.id),
    boundaryCases: () =>
      (boundary ??= inRounds([
        ...invalidGroups(ctx, variants),
        ...validBoundaryGroups(ctx, sources.values, sources.labels),
        ...observedGroups(ctx, observed),
      ])),
    validIdentityInfo: sources.randomIdentity,
    validCase: named.valid!,
    invalidCase: named.invalid!,
    invalidCaseFor,
    wireCase: named.wire!,
    arbitrary(name) {
      const found = named[name] ?? (name.startsWith('invalid:') ? invalidCaseFor(name.slice('invalid:'.length)) : undefined);
      if (!found) throw new Error(`no generator named ${name} (valid, invalid, wire, invalid:<REQUIREMENT-ID>)`);
      return found;
    },
    withLabels: (c, labels) => relabel(ctx, c, labels),
    recheck: (c) => recheck(ctx, c),
  };
}

/** Labels a case is about: those its requirements constrain, and those whose wire bytes are not UTF-8. */
function subjectLabels(ctx: Context, c: Case): Set<string> {
  const addresses = c.requirementIds.flatMap((id) => ctx.catalogue.get(id).constrains);
  const members = addresses.map((a) => ctx.spec.constraints.find((x) => x.address === a)?.member);
  const broken = Object.entries(c.wire.encodedLabels).filter(([, raw]) => decodeLabel(raw).strict === undefined).map(([name]) => name);
  return new Set([...members.filter((m): m is string => m !== undefined), ...broken]);
}

function relabel(ctx: Context, c: Case, labels: Record<string, string>): Case {
  const keep = subjectLabels(ctx, c);
  const merged = { ...c.labels, ...Object.fromEntries(Object.entries(labels).filter(([name]) => !keep.has(name))) };
  const encodedLabels = Object.fromEntries(Object.entries(c.wire.encodedLabels).filter(([name, raw]) => keep.has(name) && decodeLabel(raw).strict === undefined));
  if (c.kind === 'valid') return { ...validCase(ctx, c.id, merged, (c.body as Record<string, Identity>)[ctx.identityMember]!), ...replayOf(c) };
  const d: Draft = { labels: merged, body: c.body, encodedLabels };
  if (c.kind === 'wire') Object.assign(d, { bodyText: c.wire.body, headers: c.wire.headers });
  const rebuilt = c.expected.outcome === 'observed' ? observedCase(ctx, c.id, c.requirementIds, d) : invalidCase(ctx, c.id, c.requirementIds, d);
  return { ...rebuilt, ...replayOf(c) };
}

const replayOf = (c: Case) => (c.replay ? { replay: c.replay } : {});
