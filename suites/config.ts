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
}

export const DEFAULT_RUNS = 25;
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
