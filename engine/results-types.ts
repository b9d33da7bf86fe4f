// The shape of results.json: every requirement of the catalogue with its status, cases and failures (with evidence
// and a replay command), the target, the spec's model version, the seed, how the run went and the summary. Every
// report (HTML, JUnit, compare, baselines) is rendered from this alone.
import type { PollSchedule } from '../core/poll.ts';
import type { ModelInfo } from '../spec/index.ts';
import type { Status } from '../checks/verdict.ts';
import type { ShownEvidence, StepError } from './ledger.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';

export interface ResultFailure extends ShownEvidence {
  replay: string;
}

export interface RequirementResult {
  id: string;
  level: string;
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

export type Verdict = 'conformant' | 'not conformant' | 'incomplete' | 'nothing checked' | 'fixtures not restored';

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
  envelope?: EnvelopeStats;
}

export interface EnvelopeStats {
  /** Requests sent, every retry included: what the target received. */
  sent: number;
  maxRequests: number;
  reserve: number;
  rate: number | null;
  burst: number | null;
  throttled: number;
  transportRetries: number;
  refusals: string[];
  /** Requests per step (the envelope's context), with the requirement IDs each checks. */
  steps: Record<string, { requirementIds: string[]; requests: number }>;
  /** With --record: the exchanges recorded. */
  recorded?: number;
}

export interface Results {
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
    verdict: Verdict;
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
}
