// Stage 3, steps: for each fixture set the plan (plan.ts) is chosen by the policy (local: every step; sandbox: the
// covering ones, under a budget), and the steps run in order, one at a time. A step that throws, or whose target
// answers something that is not a response, does not stop the run: the requirements it was to check are `error`. A
// step the run's bounds, an interruption or the target itself stopped ends the run: the steps after it do not run.
import { performance } from 'node:perf_hooks';
import type { CheckContext, Fixture, FixtureSet, UserState } from '../../checks/context.ts';
import { advance } from '../../checks/consistency.ts';
import { TargetConfigError, UsageError } from '../../core/errors.ts';
import { endsRun, SendStopped, targetStopped } from '../../targets/index.ts';
import { withCheckLimits } from '../check-limits.ts';
import { SHRINK_LIMITS, type RunConfig } from '../options.ts';
import { channelsOf, holdStep, planFor, uncheckedOn, type Step } from '../plan.ts';
import { checkContextOf } from './open.ts';
import { abortReason, record, skip, stepError, wants, type PlannedStep, type Policy, type RunState } from './state.ts';

/** The steps a policy runs, from the plan of one fixture set. */
export function selectSteps(plan: Step[], config: RunConfig, policy: Policy): Step[] {
  const only = new Set(config.only);
  return plan.filter(
    (s) =>
      (config.step === undefined || s.key === config.step) &&
      (policy === 'local' || s.tags.includes('covering')) &&
      (!config.suites?.length || config.suites.includes(s.suite)) &&
      // A replayed step runs whatever it checks (the requirement may be one judged on every response).
      (config.step !== undefined || only.size === 0 || s.requirementIds.some((id) => only.has(id))),
  );
}

export async function runSteps(run: RunState): Promise<void> {
  const ctx = checkContextOf(run);
  await planSteps(run, ctx);
  const total = run.plan.length;
  run.execution.steps.planned = total;
  run.emit({ type: 'plan', steps: total, identityManagementTypes: run.types });
  let index = 0;
  for (const planned of run.plan) {
    run.fixtureLabels.InstanceId = planned.fixture.set.instanceId;
    run.fixtureLabels.UserId = planned.fixture.set.userId;
    // A target without an envelope has no request to refuse: an abort stops the run between steps.
    if (!run.stop && run.options.signal?.aborted && !run.envelope)
      run.stop = { error: new SendStopped('interrupted', `interrupted (${abortReason(run)})`), unfinished: new Set() };
    if (run.stop) {
      run.execution.steps.notRun++;
      for (const id of planned.step.requirementIds) run.stop.unfinished.add(id);
      continue;
    }
    await runStep(run, ctx, planned, ++index, total);
  }
}

/**
 * The plan of the run, in the order it runs: every set's steps but the stateful tests; the hold (every user, one
 * read-back window, so that a late write is seen); then the stateful tests, which leave the users in states of their
 * own. What the target's channels cannot reach (a target without the wire) is n/a with why, never a silent pass.
 */
async function planSteps(run: RunState, ctx: CheckContext): Promise<void> {
  const { config, target } = run;
  const planned: { fixture: Fixture; steps: Step[] }[] = [];
  for (const set of run.sets) {
    const fixture = await fixtureOf(run, ctx, set);
    planned.push({ fixture, steps: selectSteps(planFor(fixture, channelsOf(target)), config, run.policy) });
    const unchecked = uncheckedOn(target, fixture);
    for (const [id, reason] of unchecked.notApplicable) if (wants(run, id)) run.ledger.notApplicable(id, reason);
    for (const [id, reason] of unchecked.skippedUnlessJudged) skip(run, id, reason);
  }
  if (config.step !== undefined && planned.every((p) => p.steps.length === 0)) {
    throw new UsageError(
      (name) =>
        `${name('step', config.step!)}: no such step in the plan of this run (types ${run.types.join(', ')}); copy the step ID from results.json`,
    );
  }
  run.fixtures = planned.map((p) => p.fixture);
  const hold = holdStep();
  const wantsHold =
    config.step === undefined && hold.requirementIds.some((id) => wants(run, id)) && planned.some((p) => p.steps.length > 0);
  const inPhase = (stateful: boolean): PlannedStep[] =>
    planned.flatMap(({ fixture, steps }) =>
      steps.filter((s) => (s.id.phase === 'stateful') === stateful).map((step) => ({ fixture, step })),
    );
  run.plan = [...inPhase(false), ...(wantsHold ? [{ fixture: run.fixtures[0]!, step: hold }] : []), ...inPhase(true)];
}

/** The fixture of a set: its users as snapshotted (a user the run created is read). */
async function fixtureOf(run: RunState, ctx: CheckContext, set: FixtureSet): Promise<Fixture> {
  const state = async (userId: string): Promise<UserState> => {
    const info = run.lifecycle!.snapshotOf(userId) ?? (await ctx.readIdentity(set.instanceId, userId)).info;
    if (!info) throw new TargetConfigError(`cannot read the user ${userId} the run created in instance ${set.instanceId}`);
    return { instanceId: set.instanceId, userId, info: { ...info } };
  };
  return {
    set,
    generators: ctx.generatorsFor(set.identityManagementType),
    user: await state(set.userId),
    other: set.secondUserId ? await state(set.secondUserId) : undefined,
  };
}

type Outcome = { kind: 'done'; message?: undefined } | { kind: 'error' | 'ended'; message: string };

/** One step: run, its outcome counted, what it left read anew when it threw, reported as it starts and ends. */
async function runStep(run: RunState, ctx: CheckContext, { fixture, step }: PlannedStep, index: number, total: number): Promise<void> {
  const { flow, ledger, labels } = run;
  run.currentStep = step.key;
  flow.step = step.key;
  labels?.name(step.key, step.requirementIds);
  const unansweredBefore = flow.stats.unanswered;
  const casesBefore = step.requirementIds.map((id) => ledger.entries[id]?.cases ?? 0);
  run.emit({ type: 'step-started', stepId: step.key, suite: step.suite, index, steps: total });
  const t0 = performance.now();
  const sentBefore = run.bounds.sent;
  const failuresBefore = failuresIn(run);
  let outcome: Outcome;
  try {
    outcome = await attemptStep(run, ctx, fixture, step);
  } finally {
    run.currentStep = undefined;
  }
  // A step that threw may have written what it never read back: the users' known state is read anew, so that later
  // checks (and the hold) compare against what the target holds. (A step the envelope ended sent nothing that was
  // applied: refused, throttled, or not in the cassette.)
  if (outcome.kind === 'error') await resync(ctx, fixture);
  // A request without a response proves nothing about the case it carried: a requirement of this step that no case of
  // it reached, because its requests were not answered, is not checked (error), never a skip.
  const unanswered = flow.stats.unanswered - unansweredBefore;
  if (unanswered > 0 && outcome.kind === 'done') {
    const unreached = step.requirementIds.filter((id, i) => (ledger.entries[id]?.cases ?? 0) === casesBefore[i]);
    if (unreached.length) stepError(run, unreached, step.key, `${unanswered} request(s) of this step got no response`);
  }
  const failures = failuresIn(run) - failuresBefore;
  run.emit({
    type: 'step-finished',
    stepId: step.key,
    index,
    steps: total,
    outcome: outcome.kind,
    message: outcome.message,
    requests: run.bounds.sent - sentBefore,
    failures,
    elapsedMs: performance.now() - t0,
  });
}

const failuresIn = (run: RunState): number => Object.values(run.ledger.entries).reduce((n, e) => n + e.failures, 0);

/** Runs a step's checks; what stopped it is counted, and says whether the run goes on. */
async function attemptStep(run: RunState, ctx: CheckContext, fixture: Fixture, step: Step): Promise<Outcome> {
  const { execution } = run;
  try {
    // A failing property shrinks within bounds: a failed requirement stops costing requests and time.
    const verdicts = await withCheckLimits({ executions: run.settings.runs + SHRINK_LIMITS.executions, ms: SHRINK_LIMITS.ms }, () =>
      step.run(ctx, fixture, run.fixtures),
    );
    if (verdicts) record(run, verdicts);
    execution.steps.done++;
    return { kind: 'done' };
  } catch (e) {
    if (e instanceof SendStopped && endsRun(e)) {
      run.stop = { error: e, at: step.key, unfinished: new Set() };
      if (targetStopped(e)) {
        // The target stopped this step: what it was to check is not proven either way.
        stepError(run, step.requirementIds, step.key, e);
        execution.steps.errors++;
      } else execution.steps.notRun++;
      return { kind: 'ended', message: e.message };
    }
    if (e instanceof SendStopped) {
      // The envelope ended this step (a refusal, persistent throttling, a cassette miss): its requirements are skipped
      // with why; the run goes on.
      const context = run.labels?.currentContext;
      const requirementIds = context?.requirementIds.length ? [...context.requirementIds] : step.requirementIds;
      execution.ended.push({ stepId: context?.label ?? step.key, kind: e.kind, requirementIds, message: e.message });
      for (const id of requirementIds) skip(run, id, e.message);
      execution.steps.ended++;
      return { kind: 'ended', message: e.message };
    }
    stepError(run, step.requirementIds, step.key, e);
    execution.steps.errors++;
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Reads a fixture's users again; a read that fails leaves the state as it was (the next check will say so). */
async function resync(ctx: CheckContext, fixture: Fixture): Promise<void> {
  for (const state of [fixture.user, fixture.other]) {
    if (!state) continue;
    try {
      const { info } = await ctx.readIdentity(state.instanceId, state.userId);
      if (info) advance(state, info);
      state.pending = [];
    } catch {
      // The target faults on reads too: nothing more is known.
    }
  }
}
