// The plan: every step a run may take on one fixture set, as data, built from what the checks declare
// (checks/definition.ts): each check's definition gives its phase, name, suite, the requirements it proves and what it
// needs (a check that needs the raw channel is left out for a target without it); the generated cases add a step
// each, with the requirements the catalogue gives them. A step has a structured ID (`TYPE/phase/name`), the
// requirement IDs it checks, tags, the suite family it belongs to, and its function. A policy (engine/run.ts
// selectSteps) chooses from the plan; `replay` is a lookup of one step by its ID. Requirements that no step names are
// judged on every response (RESPONSE_RULES: the operation's error envelope, every answer of a fixture operation,
// every throttled answer). The plan names no requirement ID of its own.
//
// A target reached only through an SDK client's send (targets' `wire: false`) has the SDK channel alone: its plan holds
// the steps and cases that channel can send (and its generators only such cases: sendableBy), and what only the wire
// can check is not applicable, with why (uncheckedOn): the requirements only raw requests reach, and those judged on
// HTTP details an SDK outcome does not have.
import { AUTHENTICATION_CHECKS } from '../checks/authentication.ts';
import { CASE_STATE_REQUIREMENTS, SUCCESS_WIRE_DETAIL } from '../checks/cases.ts';
import type { CheckContext, Fixture } from '../checks/context.ts';
import type { CheckDefinition, Suite } from '../checks/definition.ts';
import type { ResponseRule } from '../checks/response-rule.ts';
import { PHASES, type Phase } from '../checks/definition.ts';
import { ERROR_ENVELOPE_RULES } from '../checks/error-envelope.ts';
import { EXISTENCE_CHECKS, labelInjectionChecks, PRECEDENCE_CHECK } from '../checks/existence.ts';
import { FIXTURE_RULES } from '../checks/fixture-responses.ts';
import { LATE_WRITES } from '../checks/late-writes.ts';
import { boundaryCase, randomPhase, READ_BACK_REJECTIONS } from '../checks/phases.ts';
import { MODEL_BASED_SEQUENCES } from '../checks/stateful.ts';
import { THROTTLING_RULES } from '../checks/throttling.ts';
import type { Verdict } from '../checks/verdict.ts';
import type { Case, Generators } from '../generators/index.ts';
import { UsageError } from '../core/errors.ts';
import type { Spec } from '../spec/index.ts';

export { PHASES, SUITES } from '../checks/definition.ts';

/** The rules every answer is judged by, whichever step sent the request: of the operation (its error envelope), of a
 * fixture operation, and of a throttled request. No step names them. */
export const RESPONSE_RULES: readonly ResponseRule[] = [...ERROR_ENVELOPE_RULES, ...FIXTURE_RULES, ...THROTTLING_RULES];

/** Requirements no step names: judged on every response of the operation, on every answer of a fixture operation, and
 * on every throttled answer. */
export const RESPONSE_REQUIREMENTS: readonly string[] = RESPONSE_RULES.map((r) => r.proves);

/** The checks that are steps of every fixture set's plan, in the order they run (the generated cases and the label
 * injections are placed among them by planFor). */
export const SET_CHECKS: readonly CheckDefinition[] = [
  READ_BACK_REJECTIONS,
  ...EXISTENCE_CHECKS,
  PRECEDENCE_CHECK,
  ...AUTHENTICATION_CHECKS,
  MODEL_BASED_SEQUENCES,
];

/** The checks that are one step of the whole run: the hold, after every set's steps but the stateful ones. */
export const RUN_CHECKS: readonly CheckDefinition[] = [LATE_WRITES];

/** How a request reaches a target: through the SDK (a command), or raw (bytes the SDK cannot express, signed or not). */
export type Channel = 'sdk' | 'raw';
const ALL_CHANNELS: readonly Channel[] = ['sdk', 'raw'];

/** The channels a target can be sent on: only the SDK's for a target without the wire (targets' `wire: false`). */
export const channelsOf = (target: { wire?: boolean }): readonly Channel[] => (target.wire === false ? ['sdk'] : ALL_CHANNELS);

export interface StepId {
  identityManagementType: string;
  phase: Phase;
  name: string;
}

export const formatStepId = (id: StepId): string => `${id.identityManagementType}/${id.phase}/${id.name}`;

/** `CONNECT_MANAGED/boundary/boundary:IN-FIRSTNAME-LENGTH:empty` → its parts; a malformed ID is a usage error. */
export function parseStepId(text: string): StepId {
  const [type, phase, ...rest] = text.split('/');
  const name = rest.join('/');
  if (!type || !phase || !name || !(PHASES as readonly string[]).includes(phase)) {
    throw new UsageError(
      (name) => `${name('step', text)} is not a step ID (TYPE/phase/name, phase one of ${PHASES.join(', ')}; copy it from results.json)`,
    );
  }
  return { identityManagementType: type, phase: phase as Phase, name };
}

export interface Step {
  id: StepId;
  /** formatStepId(id). */
  key: string;
  requirementIds: string[];
  suite: Suite;
  /** `covering`: among the fewest steps that reach every requirement (what the sandbox policy runs). */
  tags: string[];
  /** Boundary steps: the case they send. */
  case?: Case;
  /** `fixture`: the set the step belongs to; `fixtures`: every set of the run (for steps of the whole run). */
  run(ctx: CheckContext, fixture: Fixture, fixtures: Fixture[]): Promise<Verdict[] | void>;
}

const unique = (ids: string[]) => [...new Set(ids)];

/** The step ID prefix of steps that belong to the whole run rather than one fixture set. */
export const ALL_SETS = 'all';

/** A check's step on one fixture set (`type`), or on the whole run (ALL_SETS). */
function stepOf(type: string, check: CheckDefinition): Step {
  const id: StepId = { identityManagementType: type, phase: check.phase, name: check.name };
  return {
    id,
    key: formatStepId(id),
    requirementIds: unique([...check.proves]),
    suite: check.suite,
    tags: check.covering === false ? [] : ['covering'],
    run: check.run,
  };
}

/** Whether a check can be sent through `channels`: one that needs the raw channel, only with it. */
const sendable = (check: CheckDefinition, channels: readonly Channel[]) => !check.needs.includes('raw') || channels.includes('raw');

/**
 * The step that holds every fixture user of the run for one read-back window once the steps that end in rejections
 * have run (checks/late-writes.ts): it runs after every set's other steps and before the stateful tests.
 */
export function holdStep(): Step {
  return stepOf(ALL_SETS, LATE_WRITES);
}

/** What one case can prove besides its own requirements: the success envelope, read-back, nothing lost. */
function caseRequirements(c: Case): string[] {
  const state =
    c.expected.outcome === 'accepted'
      ? CASE_STATE_REQUIREMENTS.accepted
      : c.expected.outcome === 'rejected'
        ? CASE_STATE_REQUIREMENTS.rejected
        : [...CASE_STATE_REQUIREMENTS.accepted, ...CASE_STATE_REQUIREMENTS.rejected];
  return unique([...c.requirementIds, ...state]);
}

/** The boundary cases that reach something new: the first of every group, and the first that carries each requirement. */
export function coveringCases(cases: readonly Case[]): Set<string> {
  const groups = new Set<string>();
  const reached = new Set<string>();
  const out = new Set<string>();
  for (const c of cases) {
    const group = c.group ?? c.id;
    const fresh = !groups.has(group) || c.requirementIds.some((id) => !reached.has(id));
    groups.add(group);
    if (!fresh) continue;
    for (const id of c.requirementIds) reached.add(id);
    out.add(c.id);
  }
  return out;
}

const RANDOM_GENERATORS: { generator: string; suite: Suite }[] = [
  { generator: 'invalid', suite: 'validation' },
  { generator: 'wire', suite: 'validation' },
  { generator: 'valid', suite: 'acceptance' },
];

/**
 * Every step of the plan for one fixture set, in the order they run: the boundary cases; the read-back of the
 * rejections not read back yet; the random phase of each generator; existence and precedence; authentication; the
 * stateful model-based test (last, since it leaves the users in states of its own). With `channels`, only what they
 * can send: boundary cases of those channels, random phases that reach something through them, authentication only
 * with the raw channel (and the generators a run hands its checks send only those: sendableBy).
 */
export function planFor(fixture: Fixture, channels: readonly Channel[] = ALL_CHANNELS): Step[] {
  const type = fixture.set.identityManagementType;
  const g = fixture.generators;
  const step = (
    phase: Phase,
    name: string,
    suite: Suite,
    requirementIds: string[],
    run: Step['run'],
    tags: string[] = ['covering'],
    c?: Case,
  ): Step => {
    const id = { identityManagementType: type, phase, name };
    return { id, key: formatStepId(id), requirementIds: unique(requirementIds), suite, tags, run, ...(c ? { case: c } : {}) };
  };
  const boundary = g.boundaryCases().filter((c) => channels.includes(c.channel));
  const covering = coveringCases(boundary);
  const steps: Step[] = boundary.map((c) =>
    step(
      'boundary',
      c.id,
      c.expected.outcome === 'accepted' ? 'acceptance' : 'validation',
      caseRequirements(c),
      (ctx, f) => boundaryCase(ctx, f, c),
      covering.has(c.id) ? ['covering'] : [],
      c,
    ),
  );
  const checks = SET_CHECKS.filter((check) => sendable(check, channels)).map((check) => stepOf(type, check));
  const inPhase = (phase: Phase) => checks.filter((s) => s.id.phase === phase);
  steps.push(...inPhase('boundary'));
  for (const { generator, suite } of RANDOM_GENERATORS) {
    const kinds: Case['kind'][] = generator === 'valid' ? ['valid'] : generator === 'wire' ? ['wire', 'observed'] : ['invalid'];
    const ids = boundary.filter((c) => kinds.includes(c.kind)).flatMap(caseRequirements);
    if (ids.length) steps.push(step('random', generator, suite, ids, (ctx, f) => randomPhase(ctx, f, generator)));
  }
  // The label injections (raw-channel checks made for the set's labels) run after the other existence checks.
  const injections = labelInjectionChecks(
    fixture.set,
    g.spec.operation.labels.map((l) => l.name),
  )
    .filter((check) => sendable(check, channels))
    .map((check) => stepOf(type, check));
  steps.push(...inPhase('existence'), ...injections, ...inPhase('precedence'), ...inPhase('authentication'), ...inPhase('stateful'));
  return steps;
}

/** Why a requirement only wire requests reach is n/a: the steps (cases) that would have checked it, a few named. */
const wireOnlyReason = (steps: Step[]) => {
  const names = steps.filter((s) => s.id.phase !== 'random').map((s) => (s.case ? s.case.id : `${s.id.phase}/${s.id.name}`));
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return `the target is an SDK client: wire-only cases cannot be sent through its send (${shown})`;
};
const wireDetailReason = (what: string) => `the target is an SDK client: judged on ${what}, which an SDK outcome does not have`;

/** What a target leaves unchecked on one fixture set: n/a with why, and why a requirement is skipped unless judged. */
export interface Unchecked {
  notApplicable: Map<string, string>;
  /** Skip reasons a verdict replaces: judged only on answers that report what they need. */
  skippedUnlessJudged: Map<string, string>;
}

/**
 * What a run on a target without the wire (`wire: false`) cannot check, with why. Not applicable: the requirements the
 * plan of every channel reaches and the plan of the SDK channel does not, and those judged on HTTP details of an
 * answer (a body, headers, a content type) that an SDK outcome does not have. Skipped unless judged: those an SDK
 * outcome shows only when the client reports its status or fault ($metadata.httpStatusCode, $fault). Nothing for a
 * target with the wire.
 */
export function uncheckedOn(target: { wire?: boolean }, fixture: Fixture): Unchecked {
  const out: Unchecked = { notApplicable: new Map(), skippedUnlessJudged: new Map() };
  if (channelsOf(target).includes('raw')) return out;
  const reached = new Set(planFor(fixture, channelsOf(target)).flatMap((s) => s.requirementIds));
  const full = planFor(fixture);
  for (const id of new Set(full.flatMap((s) => s.requirementIds))) {
    if (!reached.has(id)) out.notApplicable.set(id, wireOnlyReason(full.filter((s) => s.requirementIds.includes(id))));
  }
  for (const { proves, sdkOutcome: o } of RESPONSE_RULES) {
    if (o && 'notApplicable' in o) out.notApplicable.set(proves, wireDetailReason(o.notApplicable));
    if (o && 'skippedUnlessJudged' in o) out.skippedUnlessJudged.set(proves, o.skippedUnlessJudged);
  }
  for (const [id, what] of Object.entries(SUCCESS_WIRE_DETAIL)) out.notApplicable.set(id, wireDetailReason(what));
  return out;
}

/**
 * The generators of a run, sending only through `channels`: the random cases and command sequences of a target without
 * the raw channel are drawn among the cases the SDK can send. (The plan holds no random phase whose cases no channel
 * of the target can send, so the filter always has cases to keep.)
 */
export function sendableBy(channels: readonly Channel[], g: Generators): Generators {
  if (channels.includes('raw')) return g;
  const sendable = (c: Case) => channels.includes(c.channel);
  return {
    ...g,
    validCase: g.validCase.filter(sendable),
    invalidCase: g.invalidCase.filter(sendable),
    wireCase: g.wireCase.filter(sendable),
    arbitrary: (name) => g.arbitrary(name).filter(sendable),
  };
}

/** Where the catalogue and the checks disagree (test/requirement-ids.test.ts expects none). */
export interface Disagreements {
  /** `ID (TYPE)`: a requirement that applies to TYPE and that no check, response rule or generated case of TYPE covers
   * (with every fixture a run can have: a second user, a second instance, the raw channel). */
  uncovered: string[];
  /** An ID a check definition or a response rule names that the catalogue lacks. */
  unknown: string[];
  /** `ID: NEED`: a requirement the catalogue says needs NEED, proved by a check that does not declare it. */
  undeclaredNeeds: string[];
}

/** The catalogue's `needs` a check that proves such a requirement must declare. Not secondUser: several checks prove
 * NL-OTHER-USERS-UNCHANGED when the run has a second user, and nothing of it otherwise. */
const DECLARED_NEEDS: readonly string[] = ['secondInstance', 'expectAuth'];

/**
 * Compares the spec's catalogue with the checks' definitions, the response rules and the cases the generators make for
 * each identity management type. A requirement that does not apply to a type is n/a there (the catalogue's
 * appliesTo, the reason every report gives), and needs no cover on it.
 */
export function catalogueDisagreements(spec: Spec, generatorsFor: (identityManagementType: string) => Generators): Disagreements {
  const known = new Set(spec.requirements.map((r) => r.id));
  const user = (userId: string) => ({ instanceId: 'i', userId, info: {} });
  const everything = { instanceId: 'i', userId: 'u', secondUserId: 'v', secondInstanceId: 'w', provisioned: [] };
  const uncovered: string[] = [];
  const checks = new Map<string, CheckDefinition>();
  for (const type of spec.identityManagementTypes) {
    const fixture: Fixture = {
      set: { ...everything, identityManagementType: type },
      generators: generatorsFor(type),
      user: user('u'),
      other: user('v'),
    };
    const covered = new Set([
      ...planFor(fixture).flatMap((s) => s.requirementIds),
      ...RUN_CHECKS.flatMap((c) => c.proves),
      ...RESPONSE_REQUIREMENTS,
    ]);
    for (const r of spec.requirements) if (r.appliesTo.includes(type) && !covered.has(r.id)) uncovered.push(`${r.id} (${type})`);
    for (const c of [
      ...SET_CHECKS,
      ...RUN_CHECKS,
      ...labelInjectionChecks(
        fixture.set,
        fixture.generators.spec.operation.labels.map((l) => l.name),
      ),
    ])
      checks.set(`${c.phase}/${c.name}`, c);
  }
  const named = [
    ...[...checks.values()].flatMap((c) => c.proves),
    ...RESPONSE_RULES.map((r) => r.proves),
    ...Object.keys(SUCCESS_WIRE_DETAIL),
    ...CASE_STATE_REQUIREMENTS.accepted,
    ...CASE_STATE_REQUIREMENTS.rejected,
  ];
  const unknown = [...new Set(named)].filter((id) => !known.has(id));
  const undeclaredNeeds: string[] = [];
  for (const r of spec.requirements) {
    for (const need of r.needs.filter((n) => DECLARED_NEEDS.includes(n))) {
      for (const c of checks.values())
        if ((c.proves as readonly string[]).includes(r.id) && !(c.needs as readonly string[]).includes(need))
          undeclaredNeeds.push(`${r.id}: ${need} (${c.phase}/${c.name})`);
    }
  }
  return { uncovered, unknown: unknown.sort(), undeclaredNeeds };
}
