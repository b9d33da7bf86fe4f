// What a run prints: the failures, the steps that did not finish, and the verdict as the reports state it.
import type { Results } from '../engine/results.ts';
import { verdictReason } from '../engine/summary.ts';
import { runProblems, type BaselineView } from '../reports/baseline.ts';
import { verdictShown } from '../reports/verdict.ts';



export function printSummary(results: Results, file: string, view?: BaselineView): void {
  const failing = results.requirements.filter((r) => r.status === 'fail' && r.level !== 'OBSERVE');
  const errors = results.requirements.filter((r) => r.status === 'error');
  console.log('');
  for (const r of failing) console.log(`FAIL  ${r.level.padEnd(6)} ${r.id}  ${r.title}\n      ${r.failures[0]?.problem ?? ''}\n      replay: ${r.failures[0]?.replay ?? ''}`);
  for (const r of errors) console.log(`ERROR ${r.level.padEnd(6)} ${r.id}  ${r.title}\n      ${r.reason ?? 'a step did not finish'}`);
  const shown = verdictShown(results, view);
  const word = color(shown.ok ? 'green' : 'red', shown.word);
  console.log(`\n${word}: ${verdictReason(results.summary, results.fixtures)}`);
  const problems = runProblems(results);
  for (const reason of problems) console.log(`  ${reason}`);
  // What the baseline adds (stale and expired entries, failures it does not list).
  for (const reason of view?.gate.reasons.filter((x) => !problems.includes(x)) ?? []) console.log(`baseline: ${reason}`);
  console.log(`seed ${results.seed}; results: ${file}`);
}

/** ANSI colours, only on a terminal and never with NO_COLOR. */
export function color(name: 'green' | 'red', text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!stream.isTTY || process.env.NO_COLOR) return text;
  return `\x1b[${name === 'green' ? 32 : 31}m${text}\x1b[0m`;
}
