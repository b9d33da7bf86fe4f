// The default conformance run, timed from outside: `node bin/connect-conformance.js run --report-dir <tmp>` (what
// `npm run conformance` runs, without npm's own process: the engine in the command's one process), its wall time from
// spawn to exit, the requests it sent (its results.json), and the peak resident memory of its whole process tree,
// sampled from /proc every 50 ms.
//
// Beside it, for comparison, the engine alone in one process (bench/suites-child.ts, runConformance without the CLI's
// start-up and reports).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeOf, watchPeak } from './process-tree.ts';
import { mb } from './stats.ts';

export interface TreeRun {
  wallSeconds: number;
  /** Peak of the summed VmRSS of the process and its descendants. */
  peakRssMb: number;
  /** The largest single process of the tree at its peak. */
  peakProcessRssMb: number;
  peakProcesses: number;
  exitCode: number | null;
  output: string;
}

/** Runs `node ...args` in `cwd`, sampling its process tree; kills the tree (by id, leaves first) on a timeout. */
export async function measureTree(cwd: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<TreeRun> {
  const start = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watch = watchPeak(child.pid!, 50);
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => {
    for (const pid of treeOf(child.pid!).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  const wallSeconds = (performance.now() - start) / 1000;
  const peak = watch.stop();
  return {
    wallSeconds,
    peakRssMb: mb(peak.peakRssBytes),
    peakProcessRssMb: mb(peak.peakLargestBytes),
    peakProcesses: peak.peakProcesses,
    exitCode,
    output,
  };
}

export interface DefaultRunResult extends Omit<TreeRun, 'output'> {
  /** The seed the run printed (the default run picks one at random). */
  seed?: number;
  /** The run's own verdict line (CONFORMANT (OPERATION): ...). */
  verdict?: string;
  /** Requests the run sent (results.json execution.requests). */
  requests?: number;
  /** The engine's own time (results.json execution.ms): the wall time less start-up, reports and exit. */
  engineSeconds?: number;
}

/** `node <root>/bin/connect-conformance.js run` in `root`: the checkout (TypeScript through tsx), or a folder laid out
 * as an installed package (help-time.ts buildInstalled: the compiled dist/). */
export async function measureDefaultRun(root: string, options: { timeoutMs?: number } = {}): Promise<DefaultRunResult> {
  const reportDir = mkdtempSync(join(tmpdir(), 'connect-conformance-bench-'));
  try {
    const { output, ...run } = await measureTree(
      root,
      [join(root, 'bin', 'connect-conformance.js'), 'run', '--report-dir', reportDir],
      options.timeoutMs ?? 300_000,
    );
    if (run.exitCode !== 0) throw new Error(`the default run exited ${run.exitCode}:\n${output.slice(-2000)}`);
    const seed = /seed (-?\d+);/.exec(output)?.[1];
    let execution: { requests?: number; ms?: number } | undefined;
    try {
      execution = (JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as { execution?: { requests?: number; ms?: number } })
        .execution;
    } catch {
      // no results.json: the counts stay unknown
    }
    return {
      ...run,
      seed: seed === undefined ? undefined : Number(seed),
      verdict: /^[A-Z][A-Za-z0-9 ]* \(\w+\): MUST .*$/m.exec(output)?.[0],
      requests: execution?.requests,
      engineSeconds: execution?.ms === undefined ? undefined : execution.ms / 1000,
    };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

export interface InProcessResult extends Omit<TreeRun, 'output'> {
  requirements?: { pass: number; fail: number };
}

/** The same suites, in one process, without vitest (comparison only: not what `npm run conformance` does). */
export async function measureInProcessRun(root: string, options: { seed: number; timeoutMs?: number }): Promise<InProcessResult> {
  const { output, ...run } = await measureTree(
    root,
    ['--import', 'tsx', join('bench', 'suites-child.ts'), String(options.seed)],
    options.timeoutMs ?? 300_000,
  );
  if (run.exitCode !== 0) throw new Error(`bench/suites-child.ts exited ${run.exitCode}:\n${output.slice(-2000)}`);
  const line = output.trim().split('\n').at(-1) ?? '{}';
  return { ...run, requirements: (JSON.parse(line) as { requirements?: { pass: number; fail: number } }).requirements };
}
