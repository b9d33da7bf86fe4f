// Assembles the generators of one spec and one identity management type: the boundary phase, the arbitraries of
// the random phase (by name, for replay by seed and path), and re-labelling a case for a target's own fixtures.
import fc from 'fast-check';
import type { Spec } from '../spec/index.ts';
import type { Case } from './case.ts';
import type { Draft } from './build.ts';
import { invalidCase, observedCase, validCase } from './build.ts';
import { inRounds, invalidGroups, observedGroups } from './boundary.ts';
import type { ClassCoverage } from './classes.ts';
import { classCoverage, classGroup } from './classes.ts';
import type { Context, GeneratorOptions } from './context.ts';
import { createContext, isSafeBody } from './context.ts';
import type { Sources, InvalidVariant } from './invalid.ts';
import { variantsOf } from './invalid.ts';
import type { LabelInjection } from './labels.ts';
import { decodeLabel, defaultLabels, injectedLabel, labelValues } from './labels.ts';
import { memberValues } from './members.ts';
import { recheck } from './recheck.ts';
import type { EffectState } from './valid.ts';
import { baseIdentity, identityArbitrary, validBoundaryGroups, validCaseArbitrary } from './valid.ts';
import type { ReadingsSearch } from './readings.ts';
import { readingVariants } from './readings.ts';
import type { ObservedVariant } from './wire.ts';
import { observedVariants } from './wire.ts';

export interface Generators {
  readonly spec: Spec;
  readonly identityManagementType: string;
  /** Input requirements that apply to the type, in catalogue order. */
  readonly inputRequirementIds: string[];
  /** The deterministic boundary phase (independent of any seed), in rounds. */
  boundaryCases(): Case[];
  /**
   * The kinds of valid value of the spec (x-value-classes) for this type: which members each one reaches, in which
   * form and value, and which members refuse it. The boundary phase has one case per class that reaches a member.
   */
  readonly valueClasses: ClassCoverage[];
  /** Random identity structures every conformant target accepts (OK-ACCEPT-VALID). */
  readonly validStructure: fc.Arbitrary<EffectState>;
  /** Random valid cases, labels included. */
  readonly validCase: fc.Arbitrary<Case>;
  /** Random invalid cases of every applicable input requirement. */
  readonly invalidCase: fc.Arbitrary<Case>;
  /** Random invalid cases of one input requirement. */
  invalidCaseFor(requirementId: string): fc.Arbitrary<Case>;
  /**
   * Random requests the validation suite sends beyond the invalid values: raw requests that violate an input
   * requirement (bodies that are not JSON or not an object, label bytes that are not UTF-8) and every observed
   * case (wire anomalies, and values on which the readings of a pattern disagree).
   */
  readonly wireCase: fc.Arbitrary<Case>;
  /** Random observed cases of one observed requirement (`OBS-NULL-MEMBER`, `OBS-MOBILE-READINGS`...). */
  observedCaseFor(requirementId: string): fc.Arbitrary<Case>;
  /** The requirement IDs `observedCaseFor` knows, in boundary order. */
  readonly observedRequirementIds: string[];
  /**
   * For each member whose pattern has several readings: the value on which the readings disagree that the bounded
   * search found, or, with `found: false` and the reason, that it found none (then no case carries that
   * requirement, and `observedCaseFor` refuses it).
   */
  readonly readingSearches: ReadingsSearch[];
  /** A generator by name: `valid`, `invalid`, `wire`, `invalid:<REQUIREMENT-ID>` or `observed:<REQUIREMENT-ID>`. */
  arbitrary(name: string): fc.Arbitrary<Case>;
  /** The case with other labels (a target's own instance and user), keeping labels the case is about. Re-checked. */
  withLabels(c: Case, labels: Record<string, string>): Case;
  /**
   * A valid case aimed at `labels` with one label replaced by an injection (labels.ts LABEL_INJECTIONS): a label that
   * names nothing, which a server decoding labels before routing would read as the path of `reach`. Re-checked; raw
   * when the injection is in the label's encoding.
   */
  withInjectedLabel(c: Case, labels: Record<string, string>, label: string, kind: LabelInjection, unknown: string, reach: string): Case;
  /** Re-checks a case against the spec's validator; throws CaseMismatchError on any mismatch. */
  recheck(c: Case): Case;
}

const draftText = (d: Draft) => d.bodyText ?? JSON.stringify(d.body);
const safeDraft = (ctx: Context) => (d: Draft) => isSafeBody(ctx, draftText(d));

function sourcesOf(ctx: Context): Sources {
  const labels = defaultLabels(ctx);
  const values = memberValues(ctx, labels);
  return {
    ctx,
    values,
    labels,
    base: baseIdentity(ctx, values),
    // Labels a case is not about are replaced by the fixtures' (withLabels): never shrunk (the same request again).
    randomLabels: fc.noShrink(labelValues(ctx)),
    randomIdentity: identityArbitrary(ctx, values, false),
  };
}

const randomInvalid = (ctx: Context, id: string, v: InvalidVariant) =>
  v.random.filter(safeDraft(ctx)).map((d) => invalidCase(ctx, `random:${id}:${v.name}`, v.requirementIds, d));
const randomObserved = (ctx: Context, v: ObservedVariant) =>
  v.random.filter(safeDraft(ctx)).map((d) => observedCase(ctx, `random:${v.requirementId}:${v.name}`, [v.requirementId], d, v.kind));

/** Requirements with a constraint only a raw request can violate: the body's text or type, a label's bytes. */
const rawOnly = (spec: Spec, ids: string[]) =>
  ids.filter((id) =>
    spec.requirements
      .find((r) => r.id === id)!
      .constrains.some((a) => {
        const c = spec.constraints.find((x) => x.address === a);
        return c?.member === '$body' || c?.keyword === 'encoding';
      }),
  );

export function createGenerators(spec: Spec, identityManagementType: string, options: GeneratorOptions = {}): Generators {
  const ctx = createContext(spec, identityManagementType, options);
  const sources = sourcesOf(ctx);
  const inputs = ctx.catalogue.inputs.filter((r) => r.appliesTo.includes(identityManagementType));
  const variants = new Map(inputs.map((r) => [r.id, variantsOf(sources, r)]));
  const readings = readingVariants(sources);
  const observed = [...observedVariants(sources), ...readings.groups];
  const byObserved = new Map(observed.map((list) => [list[0]!.requirementId, fc.oneof(...list.map((v) => randomObserved(ctx, v)))]));
  const observedCaseFor = (id: string) => {
    const arb = byObserved.get(id);
    if (arb) return arb;
    const search = readings.searches.find((x) => x.requirementId === id);
    if (search && !search.found)
      throw new Error(`no case observes ${id} for ${identityManagementType}: ${search.reason} (${search.tried} value(s) tried)`);
    throw new Error(`${id} is not an observed requirement the generators make cases of (${[...byObserved.keys()].join(', ')})`);
  };

  const byRequirement = new Map([...variants].map(([id, list]) => [id, fc.oneof(...list.map((v) => randomInvalid(ctx, id, v)))]));
  const invalidCaseFor = (id: string) => {
    const arb = byRequirement.get(id);
    if (!arb) throw new Error(`${id} is not an input requirement that applies to ${identityManagementType}`);
    return arb;
  };
  const named: Record<string, fc.Arbitrary<Case>> = {
    valid: validCaseArbitrary(ctx, sources.values),
    invalid: fc.oneof(...inputs.map((r) => invalidCaseFor(r.id))),
    wire: fc.oneof(
      ...rawOnly(
        spec,
        inputs.map((r) => r.id),
      ).map(invalidCaseFor),
      ...observed.flat().map((v) => randomObserved(ctx, v)),
    ),
  };

  const classes = classCoverage(ctx, sources.values, sources.labels);
  let boundary: Case[] | undefined;
  return {
    spec,
    identityManagementType,
    inputRequirementIds: inputs.map((r) => r.id),
    boundaryCases: () =>
      (boundary ??= inRounds([
        ...invalidGroups(ctx, variants),
        ...validBoundaryGroups(ctx, sources.values, sources.labels),
        classGroup(ctx, classes, sources.base, sources.labels),
        ...observedGroups(ctx, observed),
      ])),
    valueClasses: classes,
    validStructure: sources.randomIdentity,
    validCase: named.valid!,
    invalidCase: named.invalid!,
    invalidCaseFor,
    wireCase: named.wire!,
    observedCaseFor,
    observedRequirementIds: [...byObserved.keys()],
    readingSearches: readings.searches,
    arbitrary(name) {
      const found =
        named[name] ??
        (name.startsWith('invalid:')
          ? invalidCaseFor(name.slice('invalid:'.length))
          : name.startsWith('observed:')
            ? observedCaseFor(name.slice('observed:'.length))
            : undefined);
      if (!found) throw new Error(`no generator named ${name} (valid, invalid, wire, invalid:<REQUIREMENT-ID>, observed:<REQUIREMENT-ID>)`);
      return found;
    },
    withLabels: (c, labels) => relabel(ctx, c, labels),
    withInjectedLabel(c, labels, label, kind, unknown, reach) {
      if (c.kind !== 'valid') throw new Error(`${c.id}: only a valid case is aimed through an injected label`);
      if (!ctx.labels.some((l) => l.name === label)) throw new Error(`${label} is not a label of ${ctx.spec.operation.name}`);
      const injected = injectedLabel(kind, unknown, reach);
      const aimed = { ...labels, [label]: injected.value };
      const identity = (c.body as Record<string, EffectState>)[ctx.identityMember]!;
      return validCase(
        ctx,
        `existence:label-injection:${label}:${kind}`,
        aimed,
        identity,
        injected.encoded ? { [label]: injected.encoded } : undefined,
      );
    },
    recheck: (c) => recheck(ctx, c),
  };
}

/**
 * Labels a case is about: those its requirements constrain, and those whose wire bytes are not UTF-8 (the
 * `encoding` constraint names every label, so which label a case is about is read from its bytes).
 */
function subjectLabels(ctx: Context, c: Case): Set<string> {
  const addresses = c.requirementIds.flatMap((id) => ctx.catalogue.get(id).constrains);
  const constraints = addresses.map((a) => ctx.spec.constraints.find((x) => x.address === a));
  const members = constraints.filter((x) => x?.keyword !== 'encoding').map((x) => x?.member);
  const broken = Object.entries(c.wire.encodedLabels)
    .filter(([, raw]) => decodeLabel(raw).strict === undefined)
    .map(([name]) => name);
  return new Set([...members.filter((m): m is string => m !== undefined), ...broken]);
}

function relabel(ctx: Context, c: Case, labels: Record<string, string>): Case {
  const keep = subjectLabels(ctx, c);
  const merged = { ...c.labels, ...Object.fromEntries(Object.entries(labels).filter(([name]) => !keep.has(name))) };
  const encodedLabels = Object.fromEntries(
    Object.entries(c.wire.encodedLabels).filter(([name, raw]) => keep.has(name) && decodeLabel(raw).strict === undefined),
  );
  if (c.kind === 'valid')
    return { ...validCase(ctx, c.id, merged, (c.body as Record<string, EffectState>)[ctx.identityMember]!), ...replayOf(c) };
  const d: Draft = { labels: merged, body: c.body, encodedLabels };
  if (c.kind === 'wire') Object.assign(d, { bodyText: c.wire.body, headers: c.wire.headers });
  const rebuilt =
    c.expected.outcome === 'observed'
      ? observedCase(ctx, c.id, c.requirementIds, d, c.kind === 'observed' ? 'observed' : 'wire')
      : invalidCase(ctx, c.id, c.requirementIds, d);
  return { ...rebuilt, ...replayOf(c) };
}

const replayOf = (c: Case) => (c.replay ? { replay: c.replay } : {});
