// Stage 1, open: everything a run decides once. The spec and the configuration (a mistake in them is one line, exit
// 2, before anything is created); the policy, the poll schedule and what differs by the kind of target (traits.ts);
// the target, counted against the run's bounds (a real account's behind its safety envelope, with its journal) and
// behind flow control; the secrets never to keep; the ledger and the settings checks read.
import { performance } from 'node:perf_hooks';
import type { CheckContext, CheckSettings } from '../../checks/context.ts';
import { errorEnvelopeVerdicts, throttledAsDeclared } from '../../checks/error-envelope.ts';
import { UsageError } from '../../core/errors.ts';
import type { Observation } from '../../core/observation.ts';
import { DEFAULT_POLL, type PollSchedule } from '../../core/poll.ts';
import { envSecrets } from '../../core/redact.ts';
import { createGenerators, type Generators } from '../../generators/index.ts';
import type { OperationBinding } from '../../core/binding.ts';
import { catalogue, createValidator, specOf, type Spec } from '../../spec/index.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../targets/aws/index.ts';
import { createTarget, type Target } from '../../targets/index.ts';
import { MemoryJournal, readIdentity, type FixtureJournal } from '../fixtures.ts';
import { FlowControl, LOCAL_FLOW, SANDBOX_FLOW } from '../flow-control.ts';
import { Ledger } from '../ledger.ts';
import { clientOf, configOf, LOCAL_LIMITS, type RunConfig, type RunOptions } from '../options.ts';
import { channelsOf, sendableBy } from '../plan.ts';
import { enforcePolicy } from '../policy.ts';
import { openSandbox, sandboxGenerators, type SandboxTarget } from '../sandbox.ts';
import { RequestLabels } from '../request-labels.ts';
import { counted, RunBounds } from './bounds.ts';
import { record, skip, wants, type Policy, type RunState } from './state.ts';
import { traitsOf } from './traits.ts';

/** The internals a test or the dry run may hand in instead of what the options would create. */
export interface EngineOverrides {
  /** A target to use instead of creating one (closed by its owner). */
  target?: { target: Target; sandbox?: SandboxTarget; journal: FixtureJournal };
}

/** The poll schedule of a run: the configured window; on a real account fewer, later reads (each is a request). */
export function pollScheduleOf(config: RunConfig, policy: Policy): PollSchedule {
  return policy === 'sandbox'
    ? { windowMs: config.readBackWindowMs, firstMs: 500, factor: 2, maxMs: 1000 }
    : { ...DEFAULT_POLL, windowMs: config.readBackWindowMs };
}

/** Checks what can be checked of a configuration without a target: one line, exit 2, for a mistake. */
function checkConfig(spec: Spec, config: RunConfig): void {
  const known = new Set(spec.requirements.map((r) => r.id));
  const unknown = config.only.filter((id) => !known.has(id));
  if (unknown.length)
    throw new UsageError(
      (name) =>
        `${name('only')} names unknown requirement(s) ${unknown.join(', ')} (see spec/requirements.yaml, or connect-conformance list)`,
    );
  if (config.identityManagementType !== undefined && !spec.identityManagementTypes.includes(config.identityManagementType)) {
    throw new UsageError(
      (name) =>
        `${name('identityManagementType')} must be one of ${spec.identityManagementTypes.join(', ')} (got ${config.identityManagementType})`,
    );
  }
  if (!Number.isInteger(config.runs) || config.runs < 1)
    throw new UsageError(`runs must be a whole number of at least 1 (got ${config.runs})`);
}

/** The target as opened (not yet counted): a real account's behind its envelope, with its journal. */
interface OpenedTarget {
  target: Target;
  sandbox?: SandboxTarget;
  journal: FixtureJournal;
}

/** Opens the target the options name: behind the safety envelope when it is a real account or its recording. */
async function openTarget(
  spec: Spec,
  binding: OperationBinding,
  config: RunConfig,
  options: RunOptions,
  sandboxed: boolean,
  poll: PollSchedule,
  secrets: string[],
  emit: RunState['emit'],
): Promise<OpenedTarget> {
  if (sandboxed) {
    const sandbox = await openSandbox(spec, binding, config, poll, secrets, emit);
    return { target: sandbox.target, sandbox, journal: sandbox.journal };
  }
  const target = await createTarget(spec, {
    binding,
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
  return { target, journal: new MemoryJournal() };
}

export async function openRun(options: RunOptions & { binding: OperationBinding }, overrides: EngineOverrides): Promise<RunState> {
  const startedMs = performance.now();
  const startedAt = new Date();
  const binding = options.binding;
  const spec = options.spec ?? (await specOf(binding));
  if (spec.operation.name !== binding.name)
    throw new UsageError(`the spec's operation under test is ${spec.operation.name}, not ${binding.name} (the binding given)`);
  const config = configOf(options);
  enforcePolicy(config);
  checkConfig(spec, config);
  const traits = traitsOf(config);
  const emit = (e: Parameters<RunState['emit']>[0]) => options.onEvent?.(e);
  const policy: Policy = config.policy ?? (traits.sandboxed ? 'sandbox' : 'local');
  const poll = pollScheduleOf(config, policy);
  const secrets = [...(options.secrets ?? []), ...envSecrets()];

  // A real account's envelope counts its own budget (with the restore's reserve); the time bound holds everywhere.
  const bounds = new RunBounds(
    policy === 'sandbox' ? undefined : (config.maxRequests ?? LOCAL_LIMITS.maxRequests),
    config.maxSeconds ?? LOCAL_LIMITS.maxSeconds,
  );
  const opened = overrides.target ?? (await openTarget(spec, binding, config, options, traits.sandboxed, poll, secrets, emit));
  const countedTarget = counted(opened.target, () => {
    bounds.take();
    emit({ type: 'request', requests: bounds.sent });
  });
  // Every request of the run, fixtures and restore included, goes through flow control: a throttled answer is sent
  // again (and judged by contract B18 only), an operation that stopped answering ends the run. The throttled answers
  // are judged into the run's state, which exists by the time anything is sent (nothing is, before openRun returns).
  const flow = new FlowControl({
    spec,
    settings: policy === 'sandbox' ? SANDBOX_FLOW : LOCAL_FLOW,
    clock: traits.flowClock,
    deadline: bounds.deadline,
    onThrottled: (observation) => judgeThrottledAnswer(run, observation),
  });
  const target = flow.wrap(countedTarget);
  const envelope = opened.sandbox?.envelope ?? target.envelope;
  const labels = envelope ? new RequestLabels(envelope) : undefined;
  const credentials = await target.sdk?.config.credentials().catch(() => undefined);
  for (const s of [credentials?.secretAccessKey, credentials?.sessionToken]) if (s && s.length >= 8) secrets.push(s);
  const onAbort = () => envelope?.interrupt(String(options.signal?.reason ?? 'aborted'));
  options.signal?.addEventListener('abort', onAbort);

  const settings: CheckSettings = {
    seed: config.seed,
    runs: config.runs,
    poll,
    rejectionBatch: config.rejectionBatch,
    expectAuth: config.expectAuth || target.enforcesAuth === true,
    replayPath: config.replayPath,
  };
  const run: RunState = {
    spec,
    binding,
    config,
    options,
    policy,
    poll,
    traits,
    startedMs,
    startedAt,
    emit,
    secrets,
    bounds,
    target,
    targetHandedIn: overrides.target !== undefined,
    sandbox: opened.sandbox,
    envelope,
    labels,
    journal: opened.journal,
    flow,
    onAbort,
    catalogue: catalogue(spec),
    validator: createValidator(spec),
    ledger: new Ledger(secrets),
    settings,
    only: new Set(config.only),
    generators: new Map(),
    fixtureLabels: {},
    execution: {
      policy,
      poll,
      requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      requests: 0,
      steps: { planned: 0, done: 0, errors: 0, ended: 0, notRun: 0 },
      stepErrors: [],
      ended: [],
      ms: 0,
    },
    types: config.identityManagementType ? [config.identityManagementType] : target.builtinFixtures ? spec.identityManagementTypes : [],
    sets: [],
    fixtures: [],
    plan: [],
    restore: [],
  };
  return run;
}

/** A throttled answer flow control sent again: judged by what the contract says of throttling only. */
function judgeThrottledAnswer(run: RunState, observation: Observation): void {
  record(
    run,
    throttledAsDeclared(run.spec, observation, {
      caseId: `throttled:${run.flow.stats.throttled}`,
      input: undefined,
      sensitiveValues: [],
      protocolLevel: true,
    }),
  );
}

/** The generators of an identity management type, made once per run: what the target's channels can send (and, behind
 * the envelope, aimed at what the run owns). */
function generatorsFor(run: RunState, type: string): Generators {
  let g = run.generators.get(type);
  if (!g) {
    const made = run.labels ? sandboxGenerators(run.spec, type, run.labels, () => run.fixtureLabels) : createGenerators(run.spec, type);
    run.generators.set(type, (g = sendableBy(channelsOf(run.target), made)));
  }
  return g;
}

/** What checks are handed: the run's spec, target and settings, and where their verdicts go (this run's state). */
export function checkContextOf(run: RunState): CheckContext {
  return {
    spec: run.spec,
    binding: run.binding,
    catalogue: run.catalogue,
    validator: run.validator,
    target: run.target,
    settings: run.settings,
    wants: (id) => wants(run, id),
    failed: (id) => run.ledger.failed(id),
    record: (...verdicts) => record(run, verdicts),
    observe: (observation, context) => record(run, errorEnvelopeVerdicts(run.spec, observation, context)),
    skip: (id, reason) => skip(run, id, reason),
    readIdentity: (instanceId, userId) =>
      readIdentity(run.spec, run.binding, run.target, instanceId, userId, (...verdicts) => record(run, verdicts)),
    generatorsFor: (type) => generatorsFor(run, type),
  };
}
