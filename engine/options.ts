// What a run is told: the target, its fixtures, how much to generate, how long to wait, how much it may send. The
// CLI resolves flags, a config file and the environment into a RunConfig; the library takes RunOptions (the same
// settings, each optional, plus what only code can give: a handler, an event callback).
import type { WireHandler } from '../core/wire.ts';
import { DEFAULT_POLL } from '../core/poll.ts';
import type { Spec } from '../spec/index.ts';
import type { ClientTarget, TargetKind } from '../targets/index.ts';
import type { ReferenceService } from '../targets/reference/index.ts';
import type { RunEvent } from './events.ts';
import { UsageError } from '../core/errors.ts';

export interface FixtureIds {
  instanceId?: string;
  userId?: string;
  secondUserId?: string;
  secondInstanceId?: string;
}

export interface RunConfig {
  target: TargetKind;
  region: string;
  endpointUrl?: string;
  modulePath?: string;
  fixtures: FixtureIds;
  /** Set by --identity-management; otherwise read with DescribeInstance (or, on the reference, all types). */
  identityManagementType?: string;
  provision: boolean;
  securityProfileId?: string;
  routingProfileId?: string;
  expectAuth: boolean;
  /** Random-phase examples per property. */
  runs: number;
  seed: number;
  /** Requirement IDs to check; empty means all. */
  only: string[];
  /** How long read-back is polled before it is called a failure. */
  readBackWindowMs: number;
  /** How many rejected requests are followed by one read-back (NL-REJECTED-UNCHANGED). */
  rejectionBatch: number;
  /** One shard of several (`--shard i/n`): the requirement IDs it checks (the others are skipped with the reason). */
  shard?: { text: string; ids: string[]; skipReason: string };
  /** Which steps of the plan run: `local` every step, `sandbox` the covering ones (default: sandbox for aws and replay). */
  policy?: 'local' | 'sandbox';
  /** Runs only the steps of these suite families (engine/plan.ts SUITES); default all. */
  suites?: string[];
  /** Runs only this plan step (engine/plan.ts: `TYPE/phase/name`), as `replay` does. */
  step?: string;
  /** Replays one random case (or command sequence): fast-check's path under `seed`. */
  replayPath?: string;
  /** aws: where the journal of the run's writes is kept (the report directory). */
  journalDir?: string;
  /** aws: the instances the run may send to (--allow-instance, or allow-instance in --config FILE). */
  allowInstances?: string[];
  /** aws: the credentials profile (else the standard chain: environment, SSO, container and instance roles). */
  profile?: string;
  /** replay: the cassette a run recorded with --record. */
  cassette?: string;
  /** Every request of the run counts against this (aws: restore included, default 300; elsewhere the checks stop
   * here and the restore may go beyond, default LOCAL_LIMITS.maxRequests). */
  maxRequests?: number;
  /** No step starts after this many seconds, and a step under way stops at its next request (default
   * LOCAL_LIMITS.maxSeconds); the fixtures are restored all the same. */
  maxSeconds?: number;
  /** aws: requests per second (default 2) and burst (default 5) of the run's one token bucket. */
  rate?: number;
  burst?: number;
  /** How long one request may take before it counts as unanswered (default 5 s), for every target. */
  requestTimeoutMs?: number;
  /** aws: store the run's exchanges, redacted, in nock's recording format. */
  record?: string;
}

/** What the library's runConformance takes: every setting optional, plus what only code can hand over. */
export interface RunOptions extends Partial<Omit<RunConfig, 'fixtures' | 'target'>> {
  /** The kind of target (as --target), or `{ client }`: a ConnectClient to check through its send (a real client, or
   * one stubbed with aws-sdk-client-mock), which needs `fixtures` as a module target does. */
  target?: TargetKind | ClientTarget;
  fixtures?: FixtureIds;
  /** The spec to run (default: the package's spec/). */
  spec?: Spec;
  /** A handler to test in this process (as --target module with a module exporting `handler`). */
  handler?: WireHandler;
  /** For the reference kinds: a variant of the reference's handler (the suite's own power tests use this). */
  wrapHandler?: (handler: WireHandler, service: ReferenceService) => WireHandler;
  /** Called as the run goes: steps started and finished, verdicts, requests. */
  onEvent?: (event: RunEvent) => void;
  /** Stops the run (as SIGINT does on the CLI): what did not run is reported, the fixtures are restored. */
  signal?: AbortSignal;
  /** Extra secret values never to keep in results (the credentials of the target are always redacted). */
  secrets?: string[];
}

export const DEFAULT_RUNS = 25;
/** A run against a real account (--target aws): its budget, rate and the budget-aware plan's defaults. */
export const SANDBOX_DEFAULTS = { maxRequests: 300, rate: 2, burst: 5, runs: 3, rejectionBatch: 25 } as const;
export const DEFAULT_READ_BACK_WINDOW_MS = DEFAULT_POLL.windowMs;

/**
 * The whole-run bounds of a run that is not against a real account: far above what a correct target needs (the
 * default run on the embedded reference sends about 1,500 requests in a few seconds) and above what a broken one
 * needs, since a failed requirement stops costing (bounded shrinking, no more polling): they stop a target that
 * misbehaves in a way nothing else bounds.
 */
export const LOCAL_LIMITS = { maxRequests: 20_000, maxSeconds: 1_200 } as const;

/** Each fast-check run (a random phase, the stateful test) stops shrinking after this many executions or this long. */
export const SHRINK_LIMITS = { executions: 100, ms: 60_000 } as const;

/** True for the targets that are a real account (or a recording of one): they run under the sandbox policy. */
export const isSandbox = (target: TargetKind) => target === 'aws' || target === 'replay';

export function defaultConfig(target: TargetKind = 'reference'): RunConfig {
  const sandbox = isSandbox(target);
  return {
    target,
    region: 'us-east-1',
    fixtures: {},
    provision: false,
    expectAuth: false,
    runs: sandbox ? SANDBOX_DEFAULTS.runs : DEFAULT_RUNS,
    seed: Math.floor(Math.random() * (2 ** 31 - 1)),
    only: [],
    readBackWindowMs: DEFAULT_READ_BACK_WINDOW_MS,
    rejectionBatch: sandbox ? SANDBOX_DEFAULTS.rejectionBatch : 1,
    ...(sandbox ? { maxRequests: SANDBOX_DEFAULTS.maxRequests, rate: SANDBOX_DEFAULTS.rate, burst: SANDBOX_DEFAULTS.burst } : {}),
  };
}

/** The client of `target: { client }`, if that is the target. */
export const clientOf = (options: RunOptions) => (typeof options.target === 'object' && options.target !== null ? options.target.client : undefined);

/** The configuration of a run from the library's options: every setting not given takes its default. */
export function configOf(options: RunOptions): RunConfig {
  const client = typeof options.target === 'object' && options.target !== null;
  if (client && options.handler) throw new UsageError('give runConformance either a handler or target: { client }, not both');
  const target = client ? 'client' : ((options.target as TargetKind | undefined) ?? (options.handler ? 'module' : 'reference'));
  const base = defaultConfig(target);
  const given = Object.fromEntries(
    Object.entries(options).filter(([k, v]) => v !== undefined && !['spec', 'handler', 'wrapHandler', 'onEvent', 'signal', 'secrets', 'fixtures', 'target'].includes(k)),
  ) as Partial<RunConfig>;
  return { ...base, ...given, target, fixtures: { ...(options.fixtures ?? {}) } };
}
