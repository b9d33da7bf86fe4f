// Heap growth on the in-memory path: heap-child.ts in a child node with --expose-gc (this process cannot force a
// collection), heapUsed after a full collection at 1k and at 10k cases, and at every 1k in between.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mb } from './stats.ts';

export interface HeapResult {
  mbAt1k: number;
  mbAt10k: number;
  /** mbAt10k - mbAt1k, over 9,000 cases. */
  growthMb: number;
  /** Growth per 1,000 cases, from the least-squares slope over the 1k..10k checkpoints. */
  slopeMbPer1k: number;
  /** The same over 5k..10k only: a leak keeps its slope, JIT warm-up (code, feedback) flattens out. */
  lateSlopeMbPer1k: number;
  /** Growth from 1k to 10k per V8 heap space (code_space grows while the JIT warms up; a leak grows old_space without bound). */
  spaceGrowthMb: Record<string, number>;
  checkpoints: { cases: number; mb: number }[];
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function measureHeap(root: string, options: { seed: number; randomRuns: number; timeoutMs?: number }): Promise<HeapResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join('bench', 'heap-child.ts'), String(options.seed), String(options.randomRuns), '1000', '10000'],
    {
      cwd: root,
      timeout: options.timeoutMs ?? 180_000,
      maxBuffer: 1 << 20,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const { checkpoints } = JSON.parse(line) as { checkpoints: { cases: number; heapUsed: number; spaces: Record<string, number> }[] };
  const find = (cases: number) => {
    const c = checkpoints.find((x) => x.cases === cases);
    if (!c) throw new Error(`heap-child.ts printed no checkpoint at ${cases} cases`);
    return c;
  };
  const at = (cases: number) => mb(find(cases).heapUsed);
  const first = find(1000).spaces;
  const last = find(10_000).spaces;
  const spaceGrowthMb = Object.fromEntries(
    Object.keys(last)
      .map((name) => [name, mb((last[name] ?? 0) - (first[name] ?? 0))])
      .filter(([, v]) => Math.abs(v as number) >= 0.01),
  );
  const series = checkpoints.filter((c) => c.cases >= 1000).map((c) => ({ x: c.cases / 1000, y: mb(c.heapUsed) }));
  return {
    mbAt1k: at(1000),
    mbAt10k: at(10_000),
    growthMb: at(10_000) - at(1000),
    slopeMbPer1k: slope(series),
    lateSlopeMbPer1k: slope(series.filter((p) => p.x >= 5)),
    spaceGrowthMb,
    checkpoints: checkpoints.map((c) => ({ cases: c.cases, mb: mb(c.heapUsed) })),
  };
}
