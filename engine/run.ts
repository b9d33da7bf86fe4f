// The one engine: runConformance(options) runs in the calling process, for every kind of target, and returns
// Results. The CLI, the vitest adapter and the library are its front ends; none of them runs checks of its own.
//
// One run: the spec is loaded; the target is created (a real account's behind its safety envelope); preflight and
// the fixtures' snapshot happen once; for each fixture set the plan (plan.ts) is chosen by the policy (local: every
// step; sandbox: the covering ones, under a budget), and each step runs in turn. A step that throws, or whose target
// answers something that is not a response, does not stop the run: the requirements it was to check are `error`,
// and the run is not conformant. At the end the fixtures are restored once and verified, and the verdict is computed
// from what was planned.
import { performance } from 'node:perf_hooks';
import type { CheckContext, CheckSettings, Fixture, FixtureSet, UserState } from '../checks/context.ts';
import { advance } from '../checks/consistency.ts';
import { envelopeVerdicts, throttledAsDeclared } from '../checks/envelope.ts';
import { THROTTLING_REQUIREMENTS, throttledUpdatesChangedNothing } from '../checks/throttling.ts';
import type { Verdict } from '../checks/verdict.ts';
import { TargetConfigError, TargetFault, UsageError } from '../core/errors.ts';
import type { Observation } from '../core/observation.ts';
import { DEFAULT_POLL, type PollSchedule } from '../core/poll.ts';
import { envSecrets } from '../core/redact.ts';
import { createGenerators, type Generators } from '../generators/index.ts';
import { catalogue, createValidator, defaultSpec, type Spec } from '../spec/index.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, instantClock, realClock, type Envelope } from '../targets/aws/index.ts';
import { createTarget, endsRun, SendStopped, targetStopped, type Target } from '../targets/index.ts';
import type { RunEvent } from './events.ts';
import { FixtureLifecycle, MemoryJournal, preflight, readIdentity, type FixtureJournal, type RestoreNote } from './fixtures.ts';
import { FlowControl, LOCAL_FLOW, SANDBOX_FLOW } from './flow-control.ts';
import { Ledger, RUN_STOPPED } from './ledger.ts';
import { clientOf, configOf, isSandbox, LOCAL_LIMITS, SHRINK_LIMITS, type RunConfig, type RunOptions } from './options.ts';
import { enforcePolicy } from './policy.ts';
import { channelsOf, holdStep, planFor, RESPONSE_REQUIREMENTS, sendableBy, uncheckedOn, type Step } from './plan.ts';
import { withCheckLimits } from './check-limits.ts';
import { replayCommand } from './replay-command.ts';
import { buildResults, type Execution, type Results } from './results.ts';
import { openSandbox, sandboxGenerators, type SandboxTarget } from './sandbox.ts';
import { toolInfo } from './tool-info.ts';

export type Policy = Execution['policy'];

/** The poll schedule of a run: the configured window; on a real account fewer, later reads (each is a request). */
export function pollScheduleOf(config: RunConfig, policy: Policy): PollSchedule {
  return policy === 'sandbox' ? { windowMs: config.readBackWindowMs, firstMs: 500, factor: 2, maxMs: 1000 } : { ...DEFAULT_POLL, windowMs: config.readBackWindowMs };
}

/** Checks what can be checked of a configuration without a target: one line, exit 2, for a mistake. */
function checkConfig(spec: Spec, config: RunConfig): void {
  const known = new Set(spec.requirements.map((r) => r.id));
  const unknown = config.only.filter((id) => !known.has(id));
  if (unknown.length) throw new UsageError((name) => `${name('only')} names unknown requirement(s) ${unknown.join(', ')} (see spec/requirements.yaml, or connect-conformance list)`);
  if (config.identityManagementType !== undefined && !spec.identityManagementTypes.includes(config.identityManagementType)) {
    throw new UsageError((name) => `${name('identityManagementType')} must be one of ${spec.identityManagementTypes.join(', ')} (got ${config.identityManagementType})`);
  }
  if (!Number.isInteger(config.runs) || config.runs < 1) throw new UsageError(`runs must be a whole number of at least 1 (got ${config.runs})`);
}

/** The target a run sends to, counted; with its envelope and journal on a real account. */
interface OpenTarget {
  target: Target;
  sandbox?: SandboxTarget;
  journal: FixtureJournal;
  requests(): number;
}

/**
 * The whole-run bounds, for every kind of target: no request of the checks beyond `maxRequests` (a real account's
 * envelope keeps its own budget, with a reserve), none after `maxSeconds`. The restore is never stopped by them.
 */
export class RunBounds {
  sent = 0;
  restoring = false;
  /** When the time budget ends (Date.now() ms). */
  readonly deadline: number;

  constructor(
    private readonly maxRequests: number | undefined,
    private readonly maxSeconds: number,
  ) {
    this.deadline = Date.now() + maxSeconds * 1000;
  }

  /** Counts one request; throws SendStopped('budget') when the checks may send no more. */
  take(): void {
    if (!this.restoring) {
      if (this.maxRequests !== undefined && this.sent >= this.maxRequests) throw new SendStopped('budget', `the request budget ran out (--max-requests ${this.maxRequests}: ${this.sent} sent)`);
      if (Date.now() > this.deadline) throw new SendStopped('budget', `the time budget ran out (--max-seconds ${this.maxSeconds}: ${this.sent} requests sent)`);
    }
    this.sent++;
  }
}

/** Wraps a target's channels to count what the run sends (the engine's own count, for every kind of target). */
function counted(target: Target, onRequest: () => void): Target {
  return {
    ...target,
    send: (command) => {
      onRequest();
      return target.send(command);
    },
    raw: (request, signing) => {
      onRequest();
      return target.raw(request, signing);
    },
  };
}

async function openTarget(spec: Spec, config: RunConfig, options: RunOptions, poll: PollSchedule, secrets: string[], emit: (e: RunEvent) => void, bounds: RunBounds): Promise<OpenTarget> {
  const requests = () => bounds.sent;
  const onRequest = () => {
    bounds.take();
    emit({ type: 'request', requests: bounds.sent });
  };
  if (isSandbox(config.target)) {
    const sandbox = await openSandbox(spec, config, poll, secrets, emit);
    return { target: counted(sandbox.target, onRequest), sandbox, journal: sandbox.journal, requests };
  }
  const target = await createTarget(spec, {
    kind: config.target,
    region: config.region,
    endpointUrl: config.endpointUrl,
    modulePath: config.modulePath,
    profile: config.profile,
    requestTimeoutMs: config.requestTimeoutMs,
    handler: options.handler,
    wrapHandler: options.wrapHandler,
    client: clientOf(options),
  });
  return { target: counted(target, onRequest), journal: new MemoryJournal(), requests };
}

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

/** The internals a test or the dry run may hand in instead of what the options would create. */
export interface EngineOverrides {
  /** A target to use instead of creating one (closed by its owner). */
  target?: { target: Target; sandbox?: SandboxTarget; journal: FixtureJournal };
}

export async function runConformance(options: RunOptions = {}, overrides: EngineOverrides = {}): Promise<Results> {
  const started = performance.now();
  const startedAt = new Date();
  const spec = options.spec ?? (await defaultSpec());
  const config = configOf(options);
  enforcePolicy(config);
  checkConfig(spec, config);
  const emit = (e: RunEvent) => options.onEvent?.(e);
  const policy: Policy = config.policy ?? (isSandbox(config.target) ? 'sandbox' : 'local');
  const poll = pollScheduleOf(config, policy);
  const secrets = [...(options.secrets ?? []), ...envSecrets()];

  // A real account's envelope counts its own budget (with the restore's reserve); the time bound holds everywhere.
  const bounds = new RunBounds(policy === 'sandbox' ? undefined : (config.maxRequests ?? LOCAL_LIMITS.maxRequests), config.maxSeconds ?? LOCAL_LIMITS.maxSeconds);
  const opened: OpenTarget = overrides.target
    ? {
        ...overrides.target,
        target: counted(overrides.target.target, () => {
          bounds.take();
          emit({ type: 'request', requests: bounds.sent });
        }),
        requests: () => bounds.sent,
      }
    : await openTarget(spec, config, options, poll, secrets, emit, bounds);
  const { sandbox } = opened;
  // Every request of the run, fixtures and restore included, goes through flow control: a throttled answer is sent
  // again (and judged by contract B18 only), an operation that stopped answering ends the run.
  let onThrottled: (observation: Observation) => void = () => {};
  // A cassette answers at once: replaying the throttled answers it recorded waits for nothing.
  const flow = new FlowControl({ spec, settings: policy === 'sandbox' ? SANDBOX_FLOW : LOCAL_FLOW, clock: config.target === 'replay' ? instantClock : realClock, deadline: bounds.deadline, onThrottled: (o) => onThrottled(o) });
  const target = flow.wrap(opened.target);
  const envelope: Envelope | undefined = sandbox?.envelope ?? target.envelope;
  const credentials = await target.sdk?.config.credentials().catch(() => undefined);
  for (const s of [credentials?.secretAccessKey, credentials?.sessionToken]) if (s && s.length >= 8) secrets.push(s);
  const abortReason = () => String(options.signal?.reason ?? 'aborted');
  const onAbort = () => envelope?.interrupt(abortReason());
  options.signal?.addEventListener('abort', onAbort);

  const cat = catalogue(spec);
  const ledger = new Ledger(secrets);
  const settings: CheckSettings = {
    seed: config.seed,
    runs: config.runs,
    poll,
    rejectionBatch: config.rejectionBatch,
    expectAuth: config.expectAuth || target.enforcesAuth === true,
    replayPath: config.replayPath,
  };
  const only = new Set(config.only);
  const wants = (id: string) => only.size === 0 || only.has(id);
  let currentStep: string | undefined;
  const record = (...verdicts: Verdict[]) => {
    for (const v of verdicts) {
      if (!wants(v.requirementId)) continue;
      const stamped = v.evidence && !v.evidence.stepId && currentStep ? { ...v, evidence: { ...v.evidence, stepId: currentStep } } : v;
      const failing = !stamped.pass && cat.get(stamped.requirementId).level !== 'OBSERVE';
      const first = failing && !ledger.failed(stamped.requirementId);
      ledger.add(stamped);
      if (failing) emit({ type: 'verdict', requirementId: stamped.requirementId, status: 'fail', first, stepId: currentStep, problem: stamped.evidence?.problem ?? '' });
    }
  };
  const generatorCache = new Map<string, Generators>();
  const fixtureLabels: Record<string, string> = {};
  const generatorsFor = (type: string): Generators => {
    let g = generatorCache.get(type);
    if (!g) generatorCache.set(type, (g = sendableBy(channelsOf(target), envelope ? sandboxGenerators(spec, type, envelope, () => fixtureLabels) : createGenerators(spec, type))));
    return g;
  };
  onThrottled = (observation) => record(...throttledAsDeclared(spec, observation, { caseId: `throttled:${flow.stats.throttled}`, input: undefined, sensitiveValues: [], protocolLevel: true }));
  const ctx: CheckContext = {
    spec,
    catalogue: cat,
    validator: createValidator(spec),
    target,
    settings,
    wants,
    failed: (id) => ledger.failed(id),
    record,
    observe: (observation: Observation, context) => record(...envelopeVerdicts(spec, observation, context)),
    skip: (id, reason) => {
      if (wants(id)) ledger.skip(id, reason);
    },
    readIdentity: (instanceId, userId) => readIdentity(spec, target, instanceId, userId, record),
    generatorsFor,
  };

  const execution: Execution = {
    policy,
    poll,
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    requests: 0,
    steps: { planned: 0, done: 0, errors: 0, ended: 0, notRun: 0 },
    stepErrors: [],
    ended: [],
    ms: 0,
  };
  let restore: RestoreNote[] = [];
  let types: string[] = config.identityManagementType ? [config.identityManagementType] : target.builtinFixtures ? spec.identityManagementTypes : [];

  /** A step (or the fixtures' set-up) did not finish: its requirements are `error`. */
  const stepError = (ids: readonly string[], stepId: string, e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    execution.stepErrors.push({ stepId, message });
    ledger.error(ids.filter(wants), stepId, message);
  };

  try {
    let lifecycle: FixtureLifecycle | undefined;
    let sets: FixtureSet[] = [];
    envelope?.setContext('preflight');
    try {
      sets = await preflight(spec, config, target, record, poll);
      types = [...new Set(sets.map((s) => s.identityManagementType))];
      envelope?.setContext('fixtures');
      lifecycle = await FixtureLifecycle.open(spec, config, target, sets, opened.journal, poll, record);
    } catch (e) {
      if (e instanceof SendStopped) throw new TargetConfigError((name) => `${config.target === 'replay' ? `the cassette does not hold this run (the same settings and ${name('seed')} as the recorded run?)` : 'the run could not start'}: ${e.message}`);
      if (!(e instanceof TargetFault)) throw e;
      // The target broke before any check could run: every requirement the run was to check is an error.
      if (!types.length) types = spec.identityManagementTypes;
      stepError(
        spec.requirements.filter((r) => r.appliesTo.some((t) => types.includes(t))).map((r) => r.id),
        'fixtures',
        e,
      );
    }
    if (lifecycle) {
      try {
        await runPlan();
      } finally {
        envelope?.setContext('restore');
        flow.step = 'restore';
        flow.allowOneMore();
        bounds.restoring = true;
        restore = await lifecycle.restore();
        for (const n of restore) emit({ type: 'restored', userId: n.userId, restored: n.restored, note: n.note });
      }
    }

    async function runPlan(): Promise<void> {
      const planned: { fixture: Fixture; steps: Step[] }[] = [];
      for (const set of sets) {
        const fixture = await fixtureOf(set);
        planned.push({ fixture, steps: selectSteps(planFor(fixture, channelsOf(target)), config, policy) });
        // What the target's channels cannot reach (a target without the wire): n/a with why, never a silent pass.
        const unchecked = uncheckedOn(target, fixture);
        for (const [id, reason] of unchecked.notApplicable) if (wants(id)) ledger.notApplicable(id, reason);
        for (const [id, reason] of unchecked.skippedUnlessJudged) ctx.skip(id, reason);
      }
      if (config.step !== undefined && planned.every((p) => p.steps.length === 0)) {
        throw new UsageError((name) => `${name('step', config.step!)}: no such step in the plan of this run (types ${types.join(', ')}); copy the step ID from results.json`);
      }
      // The order of a run: every set's steps but the stateful tests; the hold (every user, one read-back window, so
      // that a late write is seen); then the stateful tests, which leave the users in states of their own.
      const fixtures = planned.map((p) => p.fixture);
      const hold = holdStep();
      const wantsHold = config.step === undefined && hold.requirementIds.some(wants) && planned.some((p) => p.steps.length > 0);
      const ordered: { fixture: Fixture; step: Step }[] = [
        ...planned.flatMap(({ fixture, steps }) => steps.filter((s) => s.id.phase !== 'stateful').map((step) => ({ fixture, step }))),
        ...(wantsHold ? [{ fixture: fixtures[0]!, step: hold }] : []),
        ...planned.flatMap(({ fixture, steps }) => steps.filter((s) => s.id.phase === 'stateful').map((step) => ({ fixture, step }))),
      ];
      const total = ordered.length;
      execution.steps.planned = total;
      emit({ type: 'plan', steps: total, identityManagementTypes: types });
      let index = 0;
      let stopped: SendStopped | undefined;
      /** The requirements of the steps that did not finish because the target stopped them (throttled, unanswered). */
      const unfinished = new Set<string>();
      /** The step at which the run stopped. */
      let stoppedAt: string | undefined;
      for (const { fixture, step } of ordered) {
        fixtureLabels.InstanceId = fixture.set.instanceId;
        fixtureLabels.UserId = fixture.set.userId;
        // A target without an envelope has no request to refuse: an abort stops the run between steps.
        if (!stopped && options.signal?.aborted && !envelope) stopped = new SendStopped('interrupted', `interrupted (${abortReason()})`);
        if (stopped) {
          execution.steps.notRun++;
          for (const id of step.requirementIds) unfinished.add(id);
          continue;
        }
        index++;
        currentStep = step.key;
        flow.step = step.key;
        envelope?.setContext(step.key, step.requirementIds);
        const unansweredBefore = flow.stats.unanswered;
        const casesBefore = step.requirementIds.map((id) => ledger.entries[id]?.cases ?? 0);
        emit({ type: 'step-started', stepId: step.key, suite: step.suite, index, steps: total });
        const t0 = performance.now();
        const sentBefore = opened.requests();
        const failuresBefore = Object.values(ledger.entries).reduce((n, e) => n + e.failures, 0);
        let outcome: 'done' | 'error' | 'ended' = 'done';
        let message: string | undefined;
        try {
          // A failing property shrinks within bounds: a failed requirement stops costing requests and time.
          const verdicts = await withCheckLimits({ executions: settings.runs + SHRINK_LIMITS.executions, ms: SHRINK_LIMITS.ms }, () => step.run(ctx, fixture, fixtures));
          if (verdicts) record(...verdicts);
          execution.steps.done++;
        } catch (e) {
          if (e instanceof SendStopped && endsRun(e)) {
            stopped = e;
            stoppedAt = step.key;
            outcome = 'ended';
            message = e.message;
            if (targetStopped(e)) {
              // The target stopped this step: what it was to check is not proven either way.
              stepError(step.requirementIds, step.key, e);
              execution.steps.errors++;
            } else execution.steps.notRun++;
          } else if (e instanceof SendStopped) {
            // The envelope ended this step (a refusal, persistent throttling, a cassette miss): its requirements
            // are skipped with why; the run goes on.
            const context = envelope?.currentContext;
            const requirementIds = context?.requirementIds.length ? context.requirementIds : step.requirementIds;
            execution.ended.push({ stepId: context?.label ?? step.key, kind: e.kind, requirementIds, message: e.message });
            for (const id of requirementIds) ctx.skip(id, e.message);
            execution.steps.ended++;
            outcome = 'ended';
            message = e.message;
          } else {
            stepError(step.requirementIds, step.key, e);
            execution.steps.errors++;
            outcome = 'error';
            message = e instanceof Error ? e.message : String(e);
          }
        } finally {
          currentStep = undefined;
        }
        // A step that threw may have written what it never read back: the users' known state is read anew, so that
        // later checks (and the hold) compare against what the target holds. (A step the envelope ended sent nothing
        // that was applied: refused, throttled, or not in the cassette.)
        if (outcome === 'error') await resync(fixture);
        // A request without a response proves nothing about the case it carried: a requirement of this step that no
        // case of it reached, because its requests were not answered, is not checked (error), never a skip.
        const unanswered = flow.stats.unanswered - unansweredBefore;
        if (unanswered > 0 && outcome === 'done') {
          const unreached = step.requirementIds.filter((id, i) => (ledger.entries[id]?.cases ?? 0) === casesBefore[i]);
          if (unreached.length) stepError(unreached, step.key, `${unanswered} request(s) of this step got no response`);
        }
        const failures = Object.values(ledger.entries).reduce((n, e) => n + e.failures, 0) - failuresBefore;
        emit({ type: 'step-finished', stepId: step.key, index, steps: total, outcome, message, requests: opened.requests() - sentBefore, failures, elapsedMs: performance.now() - t0 });
      }
      if (stopped?.kind === 'throttled') {
        // What the throttled updates left behind, judged before the restore writes anything, as part of the step
        // throttling stopped.
        currentStep = stoppedAt;
        record(...(await throttledUpdatesChangedNothing(ctx, fixtures, stopped.message).catch(() => [])));
        currentStep = undefined;
      }
      if (stopped) {
        execution.stopped = stopped.message;
        emit({ type: 'stopped', reason: stopped.message });
        // Every applicable requirement that no case reached: when the target stopped the run, what the plan was still to
        // check (and what every response is judged by) is an error, with the reason; when the run's own bounds or an
        // interruption stopped it, a skip with the reason. The throttling requirements keep their own (only a throttled
        // answer reaches them).
        const judgedOnEveryResponse = new Set(RESPONSE_REQUIREMENTS);
        for (const r of spec.requirements) {
          if (!r.appliesTo.some((t) => types.includes(t)) || r.area === 'throttling') continue;
          if ((ledger.entries[r.id]?.cases ?? 0) > 0) continue;
          if (!targetStopped(stopped)) ctx.skip(r.id, `not reached: ${stopped.message}`);
          else if (unfinished.has(r.id) || judgedOnEveryResponse.has(r.id)) ledger.error([r.id].filter(wants), RUN_STOPPED, stopped.message);
        }
      }
    }

    /** Reads a fixture's users again; a read that fails leaves the state as it was (the next check will say so). */
    async function resync(fixture: Fixture): Promise<void> {
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

    /** The fixture of a set: its users as snapshotted (a user the run created is read). */
    async function fixtureOf(set: FixtureSet): Promise<Fixture> {
      const state = async (userId: string): Promise<UserState> => {
        const info = lifecycle!.snapshotOf(userId) ?? (await ctx.readIdentity(set.instanceId, userId)).info;
        if (!info) throw new TargetConfigError(`cannot read the user ${userId} the run created in instance ${set.instanceId}`);
        return { instanceId: set.instanceId, userId, info: { ...info } };
      };
      return { set, generators: generatorsFor(set.identityManagementType), user: await state(set.userId), other: set.secondUserId ? await state(set.secondUserId) : undefined };
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (!overrides.target) await target.close();
    sandbox?.finish(restore);
  }

  execution.requests = opened.requests();
  execution.flow = flow.stats;
  for (const id of THROTTLING_REQUIREMENTS) {
    if (wants(id)) ledger.skip(id, flow.stats.throttled ? 'no throttled answer reached it (a throttled update is judged when it is then rejected, or when throttling stops the run)' : 'the target never throttled: no answer was a 429 or a 503 (the suite never provokes throttling)');
  }
  if (envelope) {
    const real = config.target === 'aws';
    execution.envelope = {
      sent: envelope.budget.sent,
      maxRequests: envelope.budget.max,
      reserve: envelope.budget.reserve,
      rate: real ? envelope.bucket.rate : null,
      burst: real ? envelope.bucket.burst : null,
      throttled: envelope.throttled.length,
      transportRetries: envelope.transportRetries,
      refusals: [...envelope.guard.refusals],
      steps: Object.fromEntries(envelope.steps),
      ...(envelope.recorder ? { recorded: envelope.recorder.definitions.length } : {}),
    };
  }
  execution.ms = Math.round(performance.now() - started);
  return buildResults({
    spec,
    ledger,
    restore,
    tool: toolInfo(),
    target: { kind: target.kind, endpoint: target.endpoint, region: config.region, identityManagementTypes: types },
    seed: config.seed,
    seedGiven: config.seedGiven,
    runs: config.runs,
    only: config.only,
    shard: config.shard,
    startedAt,
    finishedAt: new Date(),
    execution,
    replay: (id, evidence) => replayCommand({ ...config, expectAuth: settings.expectAuth }, id, evidence),
  });
}
