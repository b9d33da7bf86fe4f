// The shape of results.json: every requirement of the catalogue with its status, cases and failures (with evidence
// and a replay command), the target, the spec's model version, the seed, how the run went, the baseline the run was
// judged against (if any) and the summary with the verdict. Every report (HTML, JUnit, compare, baselines) is
// rendered from this alone. reports/results-schema.ts is its JSON Schema: the writer and every reader check it.
import type { PollSchedule } from '../core/poll.ts';
import type { ModelInfo } from '../spec/index.ts';
import type { Status } from '../checks/verdict.ts';
import type { Level } from '../spec/types.ts';
import type { ShownEvidence, StepError } from './ledger.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';
import type { FlowStats } from './flow-control.ts';

export interface ResultFailure extends ShownEvidence {
  replay: string;
}

export interface RequirementResult {
  id: string;
  level: Level;
  area: string;
  title: string;
  status: Status;
  reason?: string;
  cases: number;
  failures: ResultFailure[];
  /** Failures in all (failures lists the first few). */
  failureCount: number;
  observed?: string[];
  /** Status `error`: the steps that were to check it and did not finish. */
  errors?: StepError[];
}

export interface LevelSummary {
  passed: number;
  failed: number;
  /** Requirements a step was to check and did not finish checking. */
  errors: number;
  skipped: number;
  notApplicable: number;
}

/**
 * The verdict of a run, gated by its baseline when one was applied: the exit code is 0 exactly when it is
 * `conformant`. `baseline out of date`: nothing failed that the baseline does not list, but a listed requirement
 * passes now (stale) or an entry has expired.
 */
export type RunVerdict = (typeof RUN_VERDICTS)[number];
/** Every verdict a run can have (results.json's schema admits exactly these). */
export const RUN_VERDICTS = [
  'conformant',
  'not conformant',
  'incomplete',
  'nothing checked',
  'fixtures not restored',
  'baseline out of date',
] as const;

/**
 * The version of results.json's shape (reports/results-schema.ts). 1: every file written before it was recorded;
 * 2: the verdict recorded in full (headline, passed, reasons, expected failures); 3: the operation under test
 * recorded (`operation`).
 */
export const RESULTS_SCHEMA_VERSION = 3;

/** One entry of a baseline file: a requirement expected to fail, and why. */
export interface BaselineEntry {
  id: string;
  reason: string;
  link?: string;
  /** YYYY-MM-DD: the last day (UTC) on which the entry holds. */
  expires?: string;
}

/**
 * A listed requirement against a run: expected-failure (listed and failing), stale (listed and passing), expired
 * (listed, not passing, past its expiry date), not-run (listed, but the run did not judge it: skip, n/a, error).
 */
type BaselineState = (typeof BASELINE_STATES)[number];
/** Every state a listed requirement can be in (results.json's schema admits exactly these). */
export const BASELINE_STATES = ['expected-failure', 'stale', 'expired', 'not-run'] as const;

export interface BaselineMark {
  state: BaselineState;
  entry: BaselineEntry;
  /** One sentence for the reports. */
  note: string;
  /** Stale and expired entries fail the run. */
  failsGate: boolean;
}

/** The baseline a run was judged against: its file, the day expiry dates were judged on, and each listed requirement's mark. */
export interface BaselineView {
  file: string;
  /** YYYY-MM-DD (UTC). */
  today: string;
  /** Per listed requirement ID, in the file's order. */
  marks: Record<string, BaselineMark>;
}

/** The requests of one step (or case) behind the safety envelope, with the requirement IDs it checks. */
export interface StepCount {
  requirementIds: string[];
  requests: number;
}

/** How the run went: its settings for waiting, what it sent, the steps of its plan and how each ended. */
export interface Execution {
  policy: 'local' | 'sandbox';
  /** How read-back and the "unchanged" checks were polled. */
  poll: PollSchedule;
  requestTimeoutMs: number;
  requests: number;
  steps: { planned: number; done: number; errors: number; ended: number; notRun: number };
  /** Why the run stopped before its plan was done. */
  stopped?: string;
  /** Steps that did not finish, with why. */
  stepErrors: StepError[];
  /** Steps the safety envelope ended early (a refusal, persistent throttling, a cassette miss). */
  ended: { stepId: string; kind: string; requirementIds: string[]; message: string }[];
  ms: number;
  /** A run behind the safety envelope (aws, replay, the dry run): what the envelope counted. */
  envelope?: SafetyEnvelopeStats;
  /** What the run's flow control did (engine/flow-control.ts): throttled answers sent again, per step, the rate at
   * the end, requests without a response, operations that stopped answering. */
  flow?: FlowStats;
}

interface SafetyEnvelopeStats {
  /** Requests sent, every retry included: what the target received. */
  sent: number;
  maxRequests: number;
  reserve: number;
  rate: number | null;
  burst: number | null;
  throttled: number;
  transportRetries: number;
  refusals: string[];
  /** Requests per step (the label the engine gave the envelope: engine/request-labels.ts), with the requirement IDs
   * each checks. */
  steps: Record<string, StepCount>;
  /** With --record: the exchanges recorded. */
  recorded?: number;
}

export interface Results {
  /** RESULTS_SCHEMA_VERSION. */
  schemaVersion?: number;
  /**
   * The operation under test: the name of the binding the run tested (core/binding.ts), which its spec names too
   * (spec.operation). Every report names it. A file written before it was recorded (schemaVersion 1 or 2) is read as
   * the operation its spec names, the default operation (reports/results-schema.ts operationOf).
   */
  operation: string;
  tool: { name: string; version: string; commit?: string; sdk: string };
  target: { kind: string; endpoint: string; region: string; identityManagementTypes: string[] };
  spec: { model: ModelInfo; document: string; operation: string };
  /** The 32-bit seed fast-check used. */
  seed: number;
  /** The seed as the run was given it, when it is not `seed` itself (a CI run id, a word; engine/options.ts seedOf). */
  seedGiven?: string;
  runs: number;
  startedAt: string;
  finishedAt: string;
  summary: {
    /** The verdict, with the baseline when one was applied (engine/summary.ts summarize: the one place it is computed). */
    verdict: RunVerdict;
    /** The verdict as every report states it: "CONFORMANT", "CONFORMANT with 4 expected failures", "INCOMPLETE", ... */
    headline: string;
    /** Whether the run passes: true exactly when the verdict is `conformant` (the exit code is 0 exactly then). */
    passed: boolean;
    /** Why it does not pass, one line each (empty when it passes). */
    reasons: string[];
    /** Failing requirements the baseline lists (they do not fail the run). */
    expectedFailures: number;
    must: LevelSummary;
    should: LevelSummary;
    observe: LevelSummary;
    /** MUST passed / MUST run, as a fraction. */
    score: number | null;
    /** Why the run stopped before its plan was done. */
    stopped?: string;
  };
  requirements: RequirementResult[];
  fixtures: RestoreNote[];
  /** `i/n` when the run was one shard of several (`compare --merge` joins them). */
  shard?: string;
  execution?: Execution;
  /** The baseline the verdict was judged against (run --baseline, report --baseline, compare --merge --baseline). */
  baseline?: BaselineView;
}
