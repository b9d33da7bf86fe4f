// generators/: the spec turned into requests. Every case is a function of a loaded Spec and an identity
// management type; nothing about a member, a bound, a pattern or a requirement is written here (see
// named-requirements.ts for the few IDs that no constraint address names).
//
//   const spec = await defaultSpec();
//   const g = createGenerators(spec, 'CONNECT_MANAGED');          // options: GeneratorOptions
//
//   g.boundaryCases(): Case[]                   deterministic, seed-free; every bound and every violation kind once,
//                                               in rounds (the first g.inputRequirementIds.length cases reach every
//                                               applicable input requirement); ids `boundary:<ID|valid>:<variant>`
//   g.valueClasses: ClassCoverage[]            the spec's kinds of valid value (x-value-classes) for the type: the
//                                               members each reaches (form and value) and those that refuse it; the
//                                               boundary phase has one case per class (`boundary:valid:class:<name>`)
//   g.validStructure: Arbitrary<EffectState>    values of the operation's member every conformant target accepts
//   g.validCase / g.invalidCase / g.wireCase: Arbitrary<Case>   the random phase, with shrinking; wireCase holds
//                                               the raw-only input requirements (body text or type, label bytes)
//                                               and every observed case
//   g.invalidCaseFor(requirementId): Arbitrary<Case>            one input requirement
//   g.observedCaseFor(requirementId): Arbitrary<Case>           one observed requirement (g.observedRequirementIds)
//   g.readingSearches                          per member with readings: the value the readings disagree on that the
//                                               bounded search found, or `found: false` and why (then no case)
//   g.arbitrary(name)                          by name: 'valid' | 'invalid' | 'wire' | 'invalid:<ID>' | 'observed:<ID>'
//   g.withLabels(case, {InstanceId, UserId})   the same case aimed at a target's fixtures (labels it is about kept)
//   g.withInjectedLabel(case, labels, label, kind, unknown, reach)   a valid case through a label injection
//                                               (LABEL_INJECTIONS: `<unknown>%2F..%2F<reach>` and kin), re-checked
//   g.recheck(case)                            the oracle, for a case that came from elsewhere
//
//   randomCases(g, { generator, seed, runs }): Case[]   fc.sample of a generator; each case carries `replay`
//   replayCase(spec, type, { generator, seed, path })   re-creates a random case (path as fast-check reports it)
//
// A Case (case.ts) carries requirementIds and expected: { outcome: 'accepted', status } for valid cases,
// { outcome: 'rejected', status: number[] | '4xx', types: string[] | 'any' } for invalid ones (from
// spec.protocol.outcomes and spec.operation.errors; label bytes that are not UTF-8 are IN-LABEL-ENCODING, a routing
// failure), { outcome: 'observed' } (anything but a 5xx) for what the contract only observes: wire anomalies (content
// type, body size, duplicate keys, null members, unknown members), values on which the readings of a pattern
// disagree (kind `observed`, sendable by the SDK), and valid cases that omit a name (OBS-OMITTED-NAMES). `channel`
// says whether the SDK can send the case; `wire` always describes it as a raw request (unsigned). Every case,
// boundary or random, shrunk or re-labelled, has been re-checked by the spec's validator: it violates exactly its
// label, or the run throws CaseMismatchError.
import type { Spec } from '../spec/index.ts';
import type { Case } from './case.ts';
import type { GeneratorOptions } from './context.ts';
import { createGenerators } from './generators.ts';

export type { Case } from './case.ts';
export type { ClassCoverage } from './classes.ts';
export type { GeneratorOptions } from './context.ts';
export type { Generators } from './generators.ts';
export type { LabelInjection } from './labels.ts';
export { LABEL_INJECTIONS } from './labels.ts';
export { createGenerators } from './generators.ts';
export { randomCases, replayCase } from './random.ts';
export { CaseMismatchError } from './recheck.ts';

/** The boundary phase of a spec for one identity management type. */
export const boundaryCases = (spec: Spec, identityManagementType: string, options?: GeneratorOptions): Case[] =>
  createGenerators(spec, identityManagementType, options).boundaryCases();
