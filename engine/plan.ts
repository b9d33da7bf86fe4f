// The plan: every step a run may take on one fixture set, defined once, as data. A step has a structured ID
// (`TYPE/phase/name`), the requirement IDs it checks, tags, the suite family it belongs to, and its function. A
// policy (policy.ts) chooses from the plan; `replay` is a lookup of one step by its ID. Requirements that no step
// names are judged on every response (RESPONSE_REQUIREMENTS: the operation's envelope, and every answer of a fixture
// operation, checks/fixture-responses.ts).
//
// A target reached only through an SDK client's send (targets' `wire: false`) has the SDK channel alone: its plan holds
// the steps and cases that channel can send (and its generators only such cases: sendableBy), and what only the wire
// can check is not applicable, with why (uncheckedOn): the requirements only raw requests reach, and those judged on
// HTTP details an SDK outcome does not have.
import {
  skewBetweenBoundsObserved,
  skewWithinWindowAccepted,
  staleSignatureRefused,
  unsignedRequestRefused,
  wrongScopeRefused,
  wrongSignatureRefused,
} from '../checks/authentication.ts';
import type { CheckContext, Fixture } from '../checks/context.ts';
import { RESPONSE_REQUIREMENTS as ENVELOPE_REQUIREMENTS, SDK_REPORTED_REQUIREMENTS, WIRE_DETAIL_REQUIREMENTS } from '../checks/envelope.ts';
import { FIXTURE_REQUIREMENTS } from '../checks/fixture-responses.ts';
import { foreignUserIsNotFound, labelInjectionSteps, unknownInstanceIsNotFound, unknownUserIsNotFound, validationBeforeExistence } from '../checks/existence.ts';
import { boundaryCase, randomPhase, readBackRejections } from '../checks/phases.ts';
import { STATEFUL_REQUIREMENTS, modelBasedSequences } from '../checks/stateful.ts';
import { CASE_STATE_REQUIREMENTS, SUCCESS_WIRE_DETAIL } from '../checks/cases.ts';
import { LATE_WRITE_REQUIREMENTS, noLateWrites } from '../checks/late-writes.ts';
import { THROTTLING_REQUIREMENTS } from '../checks/throttling.ts';
import type { Verdict } from '../checks/verdict.ts';
import type { Case, Generators } from '../generators/index.ts';
import { UsageError } from '../core/errors.ts';

/** Requirements no step names: judged on every response of the operation, on every answer of a fixture operation, and
 * on every throttled answer. */
export const RESPONSE_REQUIREMENTS: readonly string[] = [...ENVELOPE_REQUIREMENTS, ...FIXTURE_REQUIREMENTS, ...THROTTLING_REQUIREMENTS];

export const PHASES = ['boundary', 'random', 'existence', 'precedence', 'authentication', 'hold', 'stateful'] as const;
type Phase = (typeof PHASES)[number];

/** How a request reaches a target: through the SDK (a command), or raw (bytes the SDK cannot express, signed or not). */
export type Channel = 'sdk' | 'raw';
const ALL_CHANNELS: readonly Channel[] = ['sdk', 'raw'];

/** The channels a target can be sent on: only the SDK's for a target without the wire (targets' `wire: false`). */
export const channelsOf = (target: { wire?: boolean }): readonly Channel[] => (target.wire === false ? ['sdk'] : ALL_CHANNELS);

/** The families of checks, as the reports and the power tests (variants/) name them. */
export const SUITES = ['validation', 'acceptance', 'existence', 'statefulModel', 'authentication'] as const;
type Suite = (typeof SUITES)[number];

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
    throw new UsageError((name) => `${name('step', text)} is not a step ID (TYPE/phase/name, phase one of ${PHASES.join(', ')}; copy it from results.json)`);
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

/**
 * The step that holds every fixture user of the run for one read-back window once the steps that end in rejections
 * have run (checks/late-writes.ts): it runs after every set's other steps and before the stateful tests.
 */
export function holdStep(): Step {
  const id: StepId = { identityManagementType: ALL_SETS, phase: 'hold', name: 'late-writes' };
  return { id, key: formatStepId(id), requirementIds: LATE_WRITE_REQUIREMENTS, suite: 'statefulModel', tags: ['covering'], run: (ctx, _fixture, fixtures) => noLateWrites(ctx, fixtures) };
}

/** What one case can prove besides its own requirements: the success envelope, read-back, nothing lost. */
function caseRequirements(c: Case): string[] {
  const state = c.expected.outcome === 'accepted' ? CASE_STATE_REQUIREMENTS.accepted : c.expected.outcome === 'rejected' ? CASE_STATE_REQUIREMENTS.rejected : [...CASE_STATE_REQUIREMENTS.accepted, ...CASE_STATE_REQUIREMENTS.rejected];
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
  const step = (phase: Phase, name: string, suite: Suite, requirementIds: string[], run: Step['run'], tags: string[] = ['covering'], c?: Case): Step => {
    const id = { identityManagementType: type, phase, name };
    return { id, key: formatStepId(id), requirementIds: unique(requirementIds), suite, tags, run, ...(c ? { case: c } : {}) };
  };
  const boundary = g.boundaryCases().filter((c) => channels.includes(c.channel));
  const covering = coveringCases(boundary);
  const steps: Step[] = boundary.map((c) =>
    step('boundary', c.id, c.expected.outcome === 'accepted' ? 'acceptance' : 'validation', caseRequirements(c), (ctx, f) => boundaryCase(ctx, f, c), covering.has(c.id) ? ['covering'] : [], c),
  );
  steps.push(step('boundary', 'read-back', 'validation', CASE_STATE_REQUIREMENTS.rejected, (ctx, f) => readBackRejections(ctx, f)));
  for (const { generator, suite } of RANDOM_GENERATORS) {
    const kinds: Case['kind'][] = generator === 'valid' ? ['valid'] : generator === 'wire' ? ['wire', 'observed'] : ['invalid'];
    const ids = boundary.filter((c) => kinds.includes(c.kind)).flatMap(caseRequirements);
    if (ids.length) steps.push(step('random', generator, suite, ids, (ctx, f) => randomPhase(ctx, f, generator)));
  }
  steps.push(
    step('existence', 'unknown-instance', 'existence', ['EX-UNKNOWN-INSTANCE', ...CASE_STATE_REQUIREMENTS.rejected], unknownInstanceIsNotFound),
    step('existence', 'unknown-user', 'existence', ['EX-UNKNOWN-USER', ...CASE_STATE_REQUIREMENTS.rejected], unknownUserIsNotFound),
    step('existence', 'user-of-another-instance', 'existence', ['EX-FOREIGN-USER', ...CASE_STATE_REQUIREMENTS.rejected], foreignUserIsNotFound),
    step('precedence', 'validation-first', 'existence', ['PREC-VALIDATION-FIRST'], validationBeforeExistence),
  );
  // Label injections are bytes on the wire (an encoded separator the SDK would encode again): the raw channel's. They
  // reach requirements the steps above reach already: not covering (a real account's budget).
  if (channels.includes('raw')) {
    const injections = labelInjectionSteps(fixture.set, g.spec.operation.labels.map((l) => l.name));
    steps.splice(steps.length - 1, 0, ...injections.map((s) => step('existence', s.name, 'existence', s.requirementIds, s.run, [])));
  }
  if (channels.includes('raw')) {
    steps.push(
      step('authentication', 'unsigned', 'authentication', ['AUTH-UNSIGNED'], unsignedRequestRefused),
      step('authentication', 'wrong-signature', 'authentication', ['AUTH-BAD-SIGNATURE'], wrongSignatureRefused),
      step('authentication', 'wrong-scope', 'authentication', ['AUTH-WRONG-SCOPE'], wrongScopeRefused),
      // The refused ones first: the accepted skews write the same valid update, after which a refused one that wrote
      // anyway could not be seen.
      step('authentication', 'stale-signature', 'authentication', ['AUTH-STALE-SIGNATURE'], staleSignatureRefused),
      step('authentication', 'skew-tolerated', 'authentication', ['AUTH-SKEW-TOLERATED'], skewWithinWindowAccepted),
      step('authentication', 'skew-observed', 'authentication', ['OBS-SIGNATURE-SKEW'], skewBetweenBoundsObserved),
    );
  }
  steps.push(step('stateful', 'sequences', 'statefulModel', STATEFUL_REQUIREMENTS, modelBasedSequences));
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
  for (const [id, what] of Object.entries({ ...WIRE_DETAIL_REQUIREMENTS, ...SUCCESS_WIRE_DETAIL })) out.notApplicable.set(id, wireDetailReason(what));
  for (const id of FIXTURE_REQUIREMENTS) out.notApplicable.set(id, wireDetailReason('the HTTP answers of the fixture operations (status, content type, JSON body and its types)'));
  for (const [id, reason] of Object.entries(SDK_REPORTED_REQUIREMENTS)) out.skippedUnlessJudged.set(id, reason);
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
