// The summary of a results.json and its verdict: the one place the verdict is computed. buildResults (a run),
// mergeResults (shards) and reports/verdict.ts judged() (every writer and reader of results.json, with the
// baseline when one is applied) all call summarize, so that the console, results.json, index.html, junit.xml, the
// exit code, `report` and `compare` state the same verdict.
//
// The verdict is computed against the plan. In order:
//   FIXTURES NOT RESTORED  a fixture user was left changed, whatever else happened;
//   NOT CONFORMANT         a MUST failed that no baseline entry excuses (not listed, or its entry expired);
//   NOTHING CHECKED        no MUST requirement was checked;
//   INCOMPLETE             a step that was to check a requirement did not finish (`error`), or the run stopped early;
//   BASELINE OUT OF DATE   nothing else is wrong, but a listed requirement passes now (stale) or an entry expired;
//   CONFORMANT             none of these ("CONFORMANT with N expected failures" when a baseline excused some).
// A baseline lists failures: it excuses a failing requirement and nothing else. It never turns a requirement that
// was not checked, a run that stopped early, a run that checked nothing or a fixture not restored into a pass.
import type { BaselineView, LevelSummary, RequirementResult, Results, RunVerdict } from './results-types.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';

const emptySummary = (): LevelSummary => ({ passed: 0, failed: 0, errors: 0, skipped: 0, notApplicable: 0 });

/** What the verdict is computed from, per requirement. */
export type RequirementFacts = Pick<RequirementResult, 'id' | 'level' | 'status' | 'reason'> & {
  failures?: readonly { problem: string }[];
};

export interface SummaryContext {
  /** The fixture users the run restored (or could not). */
  fixtures?: readonly RestoreNote[];
  /** Why the run stopped before its plan was done. */
  stopped?: string;
  /** The baseline the run is judged against (reports/baseline.ts applyBaseline). */
  baseline?: BaselineView;
}

export type Summary = Results['summary'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Counts per level, the verdict with the baseline (if any), and why the run does not pass. */
export function summarize(requirements: readonly RequirementFacts[], context: SummaryContext = {}): Summary {
  const counts = { must: emptySummary(), should: emptySummary(), observe: emptySummary() };
  for (const r of requirements) {
    const s = counts[r.level.toLowerCase() as 'must' | 'should' | 'observe'];
    if (!s) continue;
    if (r.status === 'pass') s.passed++;
    else if (r.status === 'fail') s.failed++;
    else if (r.status === 'error') s.errors++;
    else if (r.status === 'skip') s.skipped++;
    else s.notApplicable++;
  }
  const { stopped, baseline } = context;
  const marks = baseline?.marks ?? {};
  const file = baseline?.file || 'the baseline';
  const problem = (r: RequirementFacts) => r.failures?.[0]?.problem ?? 'see the report';
  const unexcused = requirements.filter((r) => r.level === 'MUST' && r.status === 'fail' && marks[r.id]?.state !== 'expected-failure');
  const outOfDate = requirements.filter((r) => marks[r.id]?.failsGate);
  const errors = requirements.filter((r) => r.status === 'error');
  const unrestored = (context.fixtures ?? []).filter((f) => !f.restored);
  const mustRun = counts.must.passed + counts.must.failed;
  const expectedFailures = requirements.filter((r) => r.status === 'fail' && marks[r.id]?.state === 'expected-failure').length;

  const verdict: RunVerdict = unrestored.length
    ? 'fixtures not restored'
    : unexcused.length
      ? 'not conformant'
      : mustRun === 0
        ? 'nothing checked'
        : errors.length || stopped
          ? 'incomplete'
          : outOfDate.length
            ? 'baseline out of date'
            : 'conformant';

  const reasons: string[] = [];
  // What a baseline cannot hide, in one line first: it lists failures, and these are not failures.
  if (baseline && (verdict === 'fixtures not restored' || verdict === 'nothing checked' || verdict === 'incomplete')) {
    const unanswered = [
      errors.length ? `${plural(errors.length, 'requirement')} ${errors.length === 1 ? 'is' : 'are'} error (not checked)` : '',
      stopped ? 'the run stopped before its plan was done' : '',
      mustRun === 0 ? 'no MUST requirement was checked' : '',
      unrestored.length ? `${plural(unrestored.length, 'fixture user')} not restored` : '',
    ].filter(Boolean);
    reasons.push(`the baseline lists failures only: ${unanswered.join(', ')}; the run is ${verdict.toUpperCase()} whatever ${file} lists`);
  }
  for (const r of unexcused)
    if (!marks[r.id])
      reasons.push(baseline ? `MUST ${r.id} fails and is not in ${file}: ${problem(r)}` : `MUST ${r.id} fails: ${problem(r)}`);
  for (const r of outOfDate) {
    const m = marks[r.id]!;
    reasons.push(`${m.state === 'stale' ? 'stale baseline' : 'expired baseline entry'}: ${r.level} ${r.id} ${m.note}`);
  }
  for (const r of errors) reasons.push(`${r.level} ${r.id} was not checked: ${r.reason ?? 'a step did not finish'}`);
  if (stopped) reasons.push(`the run stopped before its plan was done: ${stopped}`);
  if (mustRun === 0) reasons.push('no MUST requirement was checked');
  for (const f of unrestored) reasons.push(`fixture user ${f.userId} was not restored${f.note ? `: ${f.note}` : ''}`);

  const headline =
    verdict === 'conformant' && expectedFailures
      ? `CONFORMANT with ${plural(expectedFailures, 'expected failure')}`
      : verdict.toUpperCase();
  return {
    verdict,
    headline,
    passed: verdict === 'conformant',
    reasons: verdict === 'conformant' ? [] : reasons,
    expectedFailures,
    ...counts,
    score: mustRun ? counts.must.passed / mustRun : null,
    ...(stopped ? { stopped } : {}),
  };
}

/** "34/38 (89.5%)", or "none ran". */
export function scoreText(s: LevelSummary): string {
  const run = s.passed + s.failed;
  return run ? `${s.passed}/${run} (${((100 * s.passed) / run).toFixed(1)}%)` : 'none ran';
}

/** Why the verdict is what it is, in one line: what a person reads first, after the headline. */
export function verdictReason(summary: Summary, fixtures: readonly { restored: boolean; userId: string }[] = []): string {
  const { must, should, observe } = summary;
  const errors = must.errors + should.errors + observe.errors;
  const parts = [`MUST ${must.passed}/${must.passed + must.failed} passed`];
  if (summary.expectedFailures) parts.push(`${plural(summary.expectedFailures, 'expected failure')} listed in the baseline`);
  if (errors) parts.push(`${errors} requirement(s) not checked: a step did not finish`);
  if (summary.stopped) parts.push(`stopped early: ${summary.stopped}`);
  if (summary.verdict === 'nothing checked') parts.push('no MUST requirement was checked');
  const unrestored = fixtures.filter((f) => !f.restored).map((f) => f.userId);
  if (unrestored.length) parts.push(`fixture user(s) ${unrestored.join(', ')} NOT restored`);
  parts.push(
    `(${must.skipped} skipped, ${must.notApplicable} n/a); SHOULD ${should.passed}/${should.passed + should.failed}; OBSERVE ${observe.passed} recorded`,
  );
  return parts.join('; ');
}
