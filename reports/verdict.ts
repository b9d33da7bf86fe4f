// One verdict everywhere. Every front end — the run's console and exit code, results.json, index.html, junit.xml,
// `report`, `compare` and `compare --merge` — states the verdict of `judged(results)`: the summary computed again
// (engine/summary.ts summarize, the one place a verdict is computed) from the run's facts — the requirements'
// statuses, the fixtures, whether the run stopped early — and the baseline, when one is applied. The facts are
// never changed: a baseline marks requirements, it does not change their status. A file written before the operation
// under test was recorded reads with it (operationOf).
import { RESULTS_SCHEMA_VERSION, type BaselineView, type Results } from '../engine/results.ts';
import { summarize, verdictReason } from '../engine/summary.ts';
import { applyBaseline, baselineOfView, dayOf, type Baseline } from './baseline.ts';
import { operationOf } from './results-schema.ts';

/** A baseline to judge against: a file's entries with the day to judge expiry dates on, or a view made earlier. */
export type BaselineInput = (Baseline & { today: Date }) | BaselineView;

const isView = (b: BaselineInput): b is BaselineView => 'marks' in b;

/**
 * The results with their summary (the verdict) computed again from their facts and `baseline`; without one, the
 * baseline the results were judged against before (results.baseline: its entries judged again on the day it was
 * applied), if any; with `null`, none. Idempotent: judged(judged(r)) states what judged(r) states.
 */
export function judged(results: Results, baseline?: BaselineInput | null): Results {
  const input = baseline === undefined ? results.baseline : (baseline ?? undefined);
  const view = input
    ? applyBaseline(results, isView(input) ? baselineOfView(input) : input, isView(input) ? dayOf(input.today) : input.today)
    : undefined;
  const { baseline: _old, schemaVersion: _version, operation: _operation, ...facts } = results;
  const summary = summarize(results.requirements, { fixtures: results.fixtures, stopped: results.summary.stopped, baseline: view });
  return { schemaVersion: RESULTS_SCHEMA_VERSION, operation: operationOf(results), ...facts, summary, ...(view ? { baseline: view } : {}) };
}

/** The verdict line every command prints: "HEADLINE (OPERATION): why". */
export function verdictLine(results: Results): string {
  return `${results.summary.headline} (${operationOf(results)}): ${verdictReason(results.summary, results.fixtures)}`;
}
