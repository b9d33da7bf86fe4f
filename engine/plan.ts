// The plan: every step a run may take on one fixture set, defined once, as data. A step has a structured ID
// (`TYPE/phase/name`), the requirement IDs it checks, tags, the suite family it belongs to, and its function. A
// policy (policy.ts) chooses from the plan; `replay` is a lookup of one step by its ID. Requirements that no step
// names are judged on every response (RESPONSE_REQUIREMENTS: the operation's envelope, and every answer of a fixture
// operation, checks/fixture-responses.ts).
import { unsignedRequestRefused, wrongSignatureRefused } from '../checks/authentication.ts';
import type { CheckContext, Fixture } from '../checks/context.ts';
import { RESPONSE_REQUIREMENTS as ENVELOPE_REQUIREMENTS } from '../checks/envelope.ts';
import { FIXTURE_REQUIREMENTS } from '../checks/fixture-responses.ts';
import { foreignUserIsNotFound, labelInjectionSteps, unknownInstanceIsNotFound, unknownUserIsNotFound, validationBeforeExistence } from '../checks/existence.ts';
import { boundaryCase, randomPhase, readBackRejections } from '../checks/phases.ts';
import { STATEFUL_REQUIREMENTS, modelBasedSequences } from '../checks/stateful.ts';
import { CASE_STATE_REQUIREMENTS } from '../checks/cases.ts';
import { LATE_WRITE_REQUIREMENTS, noLateWrites } from '../checks/late-writes.ts';
import type { Verdict } from '../checks/verdict.ts';
import type { Case } from '../generators/index.ts';
import { UsageError } from '../core/errors.ts';

/** Requirements no step names: judged on every response of the operation, and on every answer of a fixture operation. */
export const RESPONSE_REQUIREMENTS: readonly string[] = [...ENVELOPE_REQUIREMENTS, ...FIXTURE_REQUIREMENTS];

export const PHASES = ['boundary', 'random', 'existence', 'precedence', 'authentication', 'hold', 'stateful'] as const;
export type Phase = (typeof PHASES)[number];

/** The families of checks, as the reports and the power tests (variants/) name them. */
export const SUITES = ['validation', 'acceptance', 'existence', 'statefulModel', 'authentication'] as const;
export type Suite = (typeof SUITES)[number];

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
    throw new UsageError(`--step ${text} is not a step ID (TYPE/phase/name, phase one of ${PHASES.join(', ')}; copy it from results.json)`);
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
 * stateful model-based test (last, since it leaves the users in states of its own).
 */
export function planFor(fixture: Fixture): Step[] {
  const type = fixture.set.identityManagementType;
  const g = fixture.generators;
  const step = (phase: Phase, name: string, suite: Suite, requirementIds: string[], run: Step['run'], tags: string[] = ['covering'], c?: Case): Step => {
    const id = { identityManagementType: type, phase, name };
    return { id, key: formatStepId(id), requirementIds: unique(requirementIds), suite, tags, run, ...(c ? { case: c } : {}) };
  };
  const boundary = g.boundaryCases();
  const covering = coveringCases(boundary);
  const steps: Step[] = boundary.map((c) =>
    step('boundary', c.id, c.expected.outcome === 'accepted' ? 'acceptance' : 'validation', caseRequirements(c), (ctx, f) => boundaryCase(ctx, f, c), covering.has(c.id) ? ['covering'] : [], c),
  );
  steps.push(step('boundary', 'read-back', 'validation', CASE_STATE_REQUIREMENTS.rejected, (ctx, f) => readBackRejections(ctx, f)));
  for (const { generator, suite } of RANDOM_GENERATORS) {
    const kinds: Case['kind'][] = generator === 'valid' ? ['valid'] : generator === 'wire' ? ['wire', 'observed'] : ['invalid'];
    const ids = boundary.filter((c) => kinds.includes(c.kind)).flatMap(caseRequirements);
    steps.push(step('random', generator, suite, ids, (ctx, f) => randomPhase(ctx, f, generator)));
  }
  steps.push(
    step('existence', 'unknown-instance', 'existence', ['EX-UNKNOWN-INSTANCE', ...CASE_STATE_REQUIREMENTS.rejected], unknownInstanceIsNotFound),
    step('existence', 'unknown-user', 'existence', ['EX-UNKNOWN-USER', ...CASE_STATE_REQUIREMENTS.rejected], unknownUserIsNotFound),
    step('existence', 'user-of-another-instance', 'existence', ['EX-FOREIGN-USER', ...CASE_STATE_REQUIREMENTS.rejected], foreignUserIsNotFound),
    // Label injections reach requirements the steps above reach already: not covering (a real account's budget).
    ...labelInjectionSteps(fixture.set, g.spec.operation.labels.map((l) => l.name)).map((s) => step('existence', s.name, 'existence', s.requirementIds, s.run, [])),
    step('precedence', 'validation-first', 'existence', ['PREC-VALIDATION-FIRST'], validationBeforeExistence),
    step('authentication', 'unsigned', 'authentication', ['AUTH-UNSIGNED'], unsignedRequestRefused),
    step('authentication', 'wrong-signature', 'authentication', ['AUTH-BAD-SIGNATURE'], wrongSignatureRefused),
    step('stateful', 'sequences', 'statefulModel', STATEFUL_REQUIREMENTS, modelBasedSequences),
  );
  return steps;
}
