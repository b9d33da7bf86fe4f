// The summary of a results.json, computed from its requirements, its fixtures and whether the run stopped early:
// counts per level and the verdict. The verdict is computed against the plan: a MUST that failed makes the target
// NOT CONFORMANT; a step that did not finish, or a run that stopped before its plan was done, makes the run
// INCOMPLETE; a run that checked no MUST at all is NOTHING CHECKED; a fixture user left changed is a verdict of its
// own, whatever else happened. Only a run with none of these is CONFORMANT. buildResults and mergeResults use it.
import type { LevelSummary, RequirementResult, Results, Verdict } from './results-types.ts';

const emptySummary = (): LevelSummary => ({ passed: 0, failed: 0, errors: 0, skipped: 0, notApplicable: 0 });

export interface SummaryContext {
  /** Whether every fixture user was put back as it was. */
  fixturesRestored?: boolean;
  /** Why the run stopped before its plan was done. */
  stopped?: string;
}

export function summarize(requirements: readonly Pick<RequirementResult, 'level' | 'status'>[], context: SummaryContext = {}): Results['summary'] {
  const summary = { must: emptySummary(), should: emptySummary(), observe: emptySummary() };
  for (const r of requirements) {
    const s = summary[r.level.toLowerCase() as 'must' | 'should' | 'observe'];
    if (!s) continue;
    if (r.status === 'pass') s.passed++;
    else if (r.status === 'fail') s.failed++;
    else if (r.status === 'error') s.errors++;
    else if (r.status === 'skip') s.skipped++;
    else s.notApplicable++;
  }
  const errors = summary.must.errors + summary.should.errors + summary.observe.errors;
  const mustRun = summary.must.passed + summary.must.failed;
  const verdict: Verdict =
    context.fixturesRestored === false
      ? 'fixtures not restored'
      : summary.must.failed > 0
        ? 'not conformant'
        : summary.must.passed === 0
          ? 'nothing checked'
          : errors > 0 || context.stopped
            ? 'incomplete'
            : 'conformant';
  return { verdict, ...summary, score: mustRun ? summary.must.passed / mustRun : null, ...(context.stopped ? { stopped: context.stopped } : {}) };
}

/** "34/38 (89.5%)", or "none ran". */
export function scoreText(s: LevelSummary): string {
  const run = s.passed + s.failed;
  return run ? `${s.passed}/${run} (${((100 * s.passed) / run).toFixed(1)}%)` : 'none ran';
}

/** Why the verdict is what it is, in one line: what a person reads first. */
export function verdictReason(summary: Results['summary'], fixtures: readonly { restored: boolean; userId: string }[] = []): string {
  const { must, should, observe } = summary;
  const errors = must.errors + should.errors + observe.errors;
  const parts = [`MUST ${must.passed}/${must.passed + must.failed} passed`];
  if (errors) parts.push(`${errors} requirement(s) not checked: a step did not finish`);
  if (summary.stopped) parts.push(`stopped early: ${summary.stopped}`);
  if (summary.verdict === 'nothing checked') parts.push('no MUST requirement was checked');
  const unrestored = fixtures.filter((f) => !f.restored).map((f) => f.userId);
  if (unrestored.length) parts.push(`fixture user(s) ${unrestored.join(', ')} NOT restored`);
  parts.push(`(${must.skipped} skipped, ${must.notApplicable} n/a); SHOULD ${should.passed}/${should.passed + should.failed}; OBSERVE ${observe.passed} recorded`);
  return parts.join('; ');
}
