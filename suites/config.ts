// The configuration of one conformance run, as the command resolved it from flags and environment. The command
// writes it to a file and names it in CONNECT_CONFORMANCE_CONFIG for the suite files; with no such variable (as in
// `npm test`) the suites run against the embedded reference with the defaults below.
import { readFileSync } from 'node:fs';
import type { TargetKind } from '../targets/index.ts';

export const CONFIG_ENV = 'CONNECT_CONFORMANCE_CONFIG';

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
  /** Replays one random case (or command sequence): fast-check's path under `seed`. */
  replayPath?: string;
  /** Where each suite file writes its ledger (set by the command). */
  ledgerDir?: string;
  /** aws: the instances the run may send to (--allow-instance, or allow-instance in --config FILE). */
  allowInstances?: string[];
  /** aws: the credentials profile (else the standard chain: environment, SSO, container and instance roles). */
  profile?: string;
  /** replay: the cassette a run recorded with --record. */
  cassette?: string;
  /** aws: every request of the run, restore included, counts against this (default 300). */
  maxRequests?: number;
  /** aws: requests per second (default 2) and burst (default 5) of the run's one token bucket. */
  rate?: number;
  burst?: number;
  /** aws: how long one request may take before it counts as unanswered (default 30 s). */
  requestTimeoutMs?: number;
  /** aws: print the plan and send nothing. */
  dryRun?: boolean;
  /** aws: store the run's exchanges, redacted, in nock's recording format. */
  record?: string;
}

export const DEFAULT_RUNS = 25;
/** A run against a real account (--target aws): its budget, rate and the budget-aware plan's defaults. */
export const SANDBOX_DEFAULTS = { maxRequests: 300, rate: 2, burst: 5, runs: 3, rejectionBatch: 25 } as const;
export const DEFAULT_READ_BACK_WINDOW_MS = 3000;

export function defaultConfig(): RunConfig {
  return {
    target: 'reference',
    region: 'us-east-1',
    fixtures: {},
    provision: false,
    expectAuth: true,
    runs: DEFAULT_RUNS,
    seed: Number(process.env.CONNECT_CONFORMANCE_SEED ?? Date.now() % 2 ** 31),
    only: [],
    readBackWindowMs: DEFAULT_READ_BACK_WINDOW_MS,
    rejectionBatch: 1,
  };
}

export function loadConfig(): RunConfig {
  const file = process.env[CONFIG_ENV];
  if (!file) return defaultConfig();
  return JSON.parse(readFileSync(file, 'utf8')) as RunConfig;
}
