// What a run does after the engine: the baseline (written first with --update-baseline, then applied), the reports,
// what it prints — the failures (a failure the baseline lists as an expected failure, XFAIL), stale baseline
// entries, the steps that did not finish, the verdict line and why — and the exit code. The verdict is judged once
// (reports/verdict.ts judged) and every one of these states it: the console, results.json, index.html, junit.xml and
// the exit code (0 exactly when the verdict is CONFORMANT, with or without expected failures).
import type { Results } from '../engine/results.ts';
import { seedShown } from '../engine/options.ts';
import { throttlingStatusText } from '../engine/flow-control.ts';
import { readBaseline, updateBaselineFile, type Baseline } from '../reports/baseline.ts';
import { judged, verdictLine } from '../reports/verdict.ts';
import { writeReports, type Written } from '../reports/write.ts';
import type { Spec } from '../spec/index.ts';

export interface BaselineRequest {
  /** --baseline FILE. */
  file?: string;
  /** --update-baseline: write FILE from the run first. */
  update: boolean;
  /** FILE as read before the run (without --update-baseline). */
  data?: Baseline;
}

export interface Concluded {
  /** The exit code: 0 when the verdict is CONFORMANT, else 1. */
  code: number;
  /** The results as judged (with the baseline), as results.json records them. */
  results: Results;
  written: Written;
}

/** The baseline to judge the run against: FILE as read before the run, or with --update-baseline as written from it. */
function baselineOf(spec: Spec, results: Results, request: BaselineRequest): Baseline | undefined {
  if (!request.file) return undefined;
  if (!request.update)
    return (
      request.data ??
      readBaseline(
        request.file,
        spec.requirements.map((r) => r.id),
      )
    );
  const written = updateBaselineFile(
    request.file,
    results,
    spec.requirements.map((r) => r.id),
  );
  console.log(`baseline written: ${request.file}`);
  return written;
}

/** Judges the run (with the baseline), writes the reports into `reportDir`, prints the summary; returns the exit code. */
export function concludeRun(spec: Spec, results: Results, reportDir: string, request: BaselineRequest): Concluded {
  const baseline = baselineOf(spec, results, request);
  const final = judged(results, baseline ? { ...baseline, today: new Date() } : null);
  const written = writeReports(reportDir, final);
  printSummary(final, written.html);
  return { code: final.summary.passed ? 0 : 1, results: final, written };
}

/** The console's account of judged results: failures, expected failures, stale entries, unfinished steps, the verdict. */
function printSummary(results: Results, file: string): void {
  const view = results.baseline;
  const baselineFile = view?.file || 'the baseline';
  console.log('');
  for (const r of results.requirements) {
    if (r.level === 'OBSERVE') continue;
    const m = view?.marks[r.id];
    const head = (tag: string) => `${tag.padEnd(5)} ${r.level.padEnd(6)} ${r.id}  ${r.title}`;
    if (r.status === 'fail' && m?.state === 'expected-failure') {
      console.log(`${head('XFAIL')}\n      ${m.note} (baseline ${baselineFile})\n      ${r.failures[0]?.problem ?? ''}`);
    } else if (r.status === 'fail') {
      console.log(
        `${head('FAIL')}\n      ${r.failures[0]?.problem ?? ''}\n      replay: ${r.failures[0]?.replay ?? ''}${m ? `\n      baseline ${baselineFile}: ${m.note}` : ''}`,
      );
    } else if (m?.state === 'stale') {
      console.log(`${head('STALE')}\n      ${m.note}`);
    }
  }
  // Requirements not checked, one block per reason (a target that stopped answering leaves many with the same one).
  const unchecked = new Map<string, string[]>();
  for (const r of results.requirements.filter((x) => x.status === 'error')) {
    const reason = r.reason ?? 'a step did not finish';
    unchecked.set(reason, [...(unchecked.get(reason) ?? []), `${r.id} (${r.level})`]);
  }
  for (const [reason, ids] of unchecked)
    console.log(`${'ERROR'.padEnd(5)} ${ids.length === 1 ? ids[0] : `${ids.length} requirements: ${ids.join(', ')}`}\n      ${reason}`);
  const flow = results.execution?.flow;
  if (flow?.throttled) {
    console.log(
      `\nthrottled: ${flow.throttled} answer(s) (${throttlingStatusText()}), each backed off and sent again (${Math.round(flow.waitedMs)} ms waited); send rate at the end ${flow.rate === null ? 'unpaced' : `${flow.rate.toFixed(1)}/s`}`,
    );
  }
  const line = verdictLine(results);
  const headline = results.summary.headline;
  console.log(`\n${color(results.summary.passed ? 'green' : 'red', headline)}${line.slice(headline.length)}`);
  for (const reason of results.summary.reasons) console.log(`  ${reason}`);
  console.log(`seed ${seedShown(results)}; results: ${file}`);
}

/** ANSI colours, only on a terminal and never with NO_COLOR. */
export function color(name: 'green' | 'red', text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!stream.isTTY || process.env.NO_COLOR) return text;
  return `\x1b[${name === 'green' ? 32 : 31}m${text}\x1b[0m`;
}
