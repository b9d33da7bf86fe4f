// results.json: every requirement of the catalogue with its status, cases and failures (with evidence and a
// replay command), the target, the spec's model version, the seed and the summary. The HTML and JUnit reports
// are rendered from this file alone.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../spec/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
import type { Entry, LedgerData, ShownEvidence } from '../suites/ledger.ts';
import { Ledger } from '../suites/ledger.ts';
import type { RestoreNote } from '../suites/session.ts';
import type { Status } from '../suites/verdict.ts';
import type { BaselineView } from './baseline.ts';
import { summarize } from './summary.ts';

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
}

export interface LevelSummary {
  passed: number;
  failed: number;
  skipped: number;
  notApplicable: number;
}

export interface Results {
  tool: { name: string; version: string; commit?: string; sdk: string };
  target: { kind: string; endpoint: string; region: string; identityManagementTypes: string[] };
  spec: { model: Spec['model']; document: string; operation: string };
  seed: number;
  runs: number;
  startedAt: string;
  finishedAt: string;
  summary: {
    verdict: 'conformant' | 'not conformant';
    must: LevelSummary;
    should: LevelSummary;
    observe: LevelSummary;
    /** MUST passed / MUST run, as a fraction. */
    score: number | null;
  };
  requirements: RequirementResult[];
  fixtures: RestoreNote[];
  /** `i/n` when the run was one shard of several (`compare --merge` joins them). */
  shard?: string;
  /** The baseline's verdict, when the run had one. */
  baseline?: BaselineView;
}

export interface ResultsInput {
  spec: Spec;
  ledgers: LedgerData[];
  restore: RestoreNote[];
  tool: Results['tool'];
  target: Results['target'];
  seed: number;
  runs: number;
  only: string[];
  /** Why requirements outside this shard are skipped, with the IDs this shard checks. */
  shard?: { text: string; ids: string[]; skipReason: string };
  startedAt: Date;
  finishedAt: Date;
  /** Builds the one-line command that re-runs a failure. */
  replay: (requirementId: string, evidence: ShownEvidence) => string;
}

export function buildResults(input: ResultsInput): Results {
  const ledger = new Ledger();
  for (const l of input.ledgers) ledger.merge(l);
  const only = new Set(input.only);
  const types = input.target.identityManagementTypes;
  const inShard = new Set(input.shard?.ids ?? input.spec.requirements.map((r) => r.id));
  for (const r of input.spec.requirements) {
    if (input.shard && !inShard.has(r.id)) ledger.skip(r.id, input.shard.skipReason);
    if (only.size && !only.has(r.id)) ledger.skip(r.id, 'not selected by --only');
    if (!r.appliesTo.some((t) => types.includes(t))) ledger.notApplicable(r.id, `applies to ${r.appliesTo.join(', ')} instances only; the run tested ${types.join(', ')}`);
  }
  ledger.skip('THR-429-TYPE', 'no response was a 429 (the suite never provokes throttling)');

  const requirements = input.spec.requirements.map((r): RequirementResult => {
    const e: Entry | undefined = ledger.entries[r.id];
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
    };
  });

  return {
    tool: input.tool,
    target: input.target,
    spec: { model: input.spec.model, document: relative(ROOT, input.spec.files.document), operation: input.spec.operation.name },
    seed: input.seed,
    runs: input.runs,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    summary: summarize(requirements),
    requirements,
    fixtures: input.restore,
    ...(input.shard ? { shard: input.shard.text } : {}),
  };
}
