// What a run prints and stamps on its results, shared by the suite runner (run.ts) and the sandbox runner
// (sandbox.ts).
import { fileURLToPath } from 'node:url';
import type { Results } from '../reports/results.ts';

export { toolInfo } from '../reports/tool-info.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function printSummary(results: Results, file: string): void {
  const { must, should, observe } = results.summary;
  const failing = results.requirements.filter((r) => r.status === 'fail');
  console.log('');
  for (const r of failing) console.log(`FAIL ${r.level.padEnd(6)} ${r.id}  ${r.title}\n     ${r.failures[0]?.problem ?? ''}\n     replay: ${r.failures[0]?.replay ?? ''}`);
  console.log(
    `\n${results.summary.verdict.toUpperCase()}: MUST ${must.passed}/${must.passed + must.failed} passed` +
      ` (${must.skipped} skipped, ${must.notApplicable} n/a); SHOULD ${should.passed}/${should.passed + should.failed}; OBSERVE ${observe.passed} recorded` +
      `\nseed ${results.seed}; results: ${file}`,
  );
}
