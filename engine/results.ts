// Building results.json from a run's ledger: every requirement of the catalogue gets its status (with the reason for
// a skip, n/a or error), its cases and its first failures with a replay command; then the summary and its verdict.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../spec/index.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';
import type { Ledger, ShownEvidence } from './ledger.ts';
import { RESULTS_SCHEMA_VERSION, type Execution, type RequirementResult, type Results } from './results-types.ts';
import { summarize } from './summary.ts';

export type {
  BaselineEntry,
  BaselineMark,
  BaselineView,
  Execution,
  LevelSummary,
  RequirementResult,
  ResultFailure,
  Results,
  RunVerdict,
} from './results-types.ts';
export { BASELINE_STATES, RESULTS_SCHEMA_VERSION, RUN_VERDICTS } from './results-types.ts';
export { STATUSES, type Status } from '../checks/verdict.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ResultsInput {
  /** The operation under test: the binding's name. */
  operation: string;
  spec: Spec;
  ledger: Ledger;
  restore: RestoreNote[];
  tool: Results['tool'];
  target: Results['target'];
  seed: number;
  seedGiven?: string;
  runs: number;
  only: string[];
  /** Why requirements outside this shard are skipped, with the IDs this shard checks. */
  shard?: { text: string; ids: string[]; skipReason: string };
  startedAt: Date;
  finishedAt: Date;
  execution?: Execution;
  /** Builds the one-line command that re-runs a failure. */
  replay: (requirementId: string, evidence: ShownEvidence) => string;
}

export function buildResults(input: ResultsInput): Results {
  const { ledger } = input;
  const only = new Set(input.only);
  const types = input.target.identityManagementTypes;
  const inShard = new Set(input.shard?.ids ?? input.spec.requirements.map((r) => r.id));
  for (const r of input.spec.requirements) {
    if (input.shard && !inShard.has(r.id)) ledger.skip(r.id, input.shard.skipReason);
    if (only.size && !only.has(r.id)) ledger.skip(r.id, 'not selected by --only');
    if (!r.appliesTo.some((t) => types.includes(t)))
      ledger.notApplicable(r.id, `applies to ${r.appliesTo.join(', ')} instances only; the run tested ${types.join(', ')}`);
  }

  const requirements = input.spec.requirements.map((r): RequirementResult => {
    const e = ledger.entries[r.id];
    const { status, reason } = ledger.status(r.id);
    return {
      id: r.id,
      level: r.level,
      area: r.area,
      title: r.title,
      status,
      ...(reason ? { reason } : {}),
      cases: e?.cases ?? 0,
      failureCount: e?.failures ?? 0,
      failures: (e?.evidence ?? []).map((ev) => ({ ...ev, replay: input.replay(r.id, ev) })),
      ...(e?.observed.length ? { observed: e.observed } : {}),
      ...(status === 'error' && e?.errors?.length ? { errors: e.errors } : {}),
    };
  });

  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    operation: input.operation,
    tool: input.tool,
    target: input.target,
    spec: { model: input.spec.model, document: relative(ROOT, input.spec.files.document), operation: input.spec.operation.name },
    seed: input.seed,
    ...(input.seedGiven !== undefined ? { seedGiven: input.seedGiven } : {}),
    runs: input.runs,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    summary: summarize(requirements, { fixtures: input.restore, stopped: input.execution?.stopped }),
    requirements,
    fixtures: input.restore,
    ...(input.shard ? { shard: input.shard.text } : {}),
    ...(input.execution ? { execution: input.execution } : {}),
  };
}
