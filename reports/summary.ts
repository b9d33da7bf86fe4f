// The summary of a results.json, computed from its requirements alone: counts per level, the verdict (no MUST
// failed) and the score (MUST passed / MUST run). buildResults and mergeResults both use it.
import type { LevelSummary, RequirementResult, Results } from './results.ts';

const emptySummary = (): LevelSummary => ({ passed: 0, failed: 0, skipped: 0, notApplicable: 0 });

export function summarize(requirements: readonly Pick<RequirementResult, 'level' | 'status'>[]): Results['summary'] {
  const summary = { must: emptySummary(), should: emptySummary(), observe: emptySummary() };
  for (const r of requirements) {
    const s = summary[r.level.toLowerCase() as 'must' | 'should' | 'observe'];
    if (!s) continue;
    if (r.status === 'pass') s.passed++;
    else if (r.status === 'fail') s.failed++;
    else if (r.status === 'skip') s.skipped++;
    else s.notApplicable++;
  }
  const mustRun = summary.must.passed + summary.must.failed;
  return {
    verdict: summary.must.failed === 0 ? 'conformant' : 'not conformant',
    ...summary,
    score: mustRun ? summary.must.passed / mustRun : null,
  };
}

/** "34/38 (89.5%)", or "none ran". */
export function scoreText(s: LevelSummary): string {
  const run = s.passed + s.failed;
  return run ? `${s.passed}/${run} (${((100 * s.passed) / run).toFixed(1)}%)` : 'none ran';
}
