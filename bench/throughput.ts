// Cases per second through each path, as a ratio to the floor measured in the same run and at the same time.
//
// The machines are shared and noisy (±40%, and load that comes and goes within seconds), so paths are not timed one
// after the other: the paths of a group are open together and take turns in short blocks (a tenth of a round each),
// so that every path of a round sees the same load. A path's ratio to the floor is the median over rounds of its
// cases per second divided by the floor's in the same round; its cases per second is the median over rounds.
//
// Groups: the in-memory reference with the loopback server and the loopback floor (the SDK against a trivial server
// on 127.0.0.1 answering the canned 200: the floor the serve path is compared with, `ratioToLoopback`); nock with a
// floor of its own (nock patches Node's http module while it is active, which would slow the loopback paths; the
// in-memory paths do not touch http); and the diagnostic paths. Which paths share a group changes the numbers a little (they share JIT feedback and the heap),
// so the issue's paths are not timed beside the diagnostic ones. Every block starts on a collected heap when node
// runs with --expose-gc (throughput-child.ts does), so that a path pays for its own garbage. Every path sends the
// same list of cases, cycled from its start; one untimed round warms every path up first.
import { openPath, type OpenPath, type PathContext, type PathName } from './paths.ts';
import { median, ratio, spread } from './stats.ts';

interface PathPlan {
  name: PathName;
  /** Cases timed per round (sent in `BLOCKS` blocks). */
  timed: number;
}

/** Turns per round: each path of a group sends timed / BLOCKS cases per turn. */
export const BLOCKS = 10;

/** A group of paths that take turns, with the floor among them. */
export interface Group {
  /** `paths`: the issue's paths (results.json); `diagnostic`: the split of the reference path's cost. */
  name: 'paths' | 'nock' | 'diagnostic';
  plans: PathPlan[];
}

/**
 * Bounded counts per round: nock keeps ~35 KB of heap per intercepted call for good, so it sends the fewest. The
 * diagnostic group (observed, replayed, handler, unverified, with the reference again) splits the reference path's cost; it
 * has a group of its own so that its paths do not change the conditions of the issue's paths.
 */
export const DEFAULT_GROUPS: Group[] = [
  {
    name: 'paths',
    plans: [
      { name: 'floor', timed: 2000 },
      { name: 'reference', timed: 2000 },
      { name: 'loopback', timed: 1000 },
      { name: 'serve', timed: 1000 },
    ],
  },
  {
    name: 'nock',
    plans: [
      { name: 'floor', timed: 1000 },
      { name: 'nock', timed: 300 },
    ],
  },
  {
    name: 'diagnostic',
    plans: [
      { name: 'floor', timed: 2000 },
      { name: 'observed', timed: 2000 },
      { name: 'replayed', timed: 2000 },
      { name: 'reference', timed: 2000 },
      { name: 'unverified', timed: 2000 },
      { name: 'handler', timed: 2000 },
    ],
  },
];

/** Scales every count (at least one case per block), for a quick run. */
export const scaleGroups = (groups: Group[], factor: number): Group[] =>
  groups.map((g) => ({ ...g, plans: g.plans.map((p) => ({ ...p, timed: Math.max(BLOCKS, Math.round(p.timed * factor)) })) }));

export interface PathResult {
  name: PathName;
  casesPerSecond: number;
  ratioToFloor: number;
  /** Each round's cases per second, in round order. */
  rounds: number[];
  /** (max - min) / median of the rounds' cases per second. */
  spread: number;
  /** Each round's ratio to the floor of the same round and group. */
  roundRatios: number[];
  /** In a group with the loopback floor: the median over rounds of the ratio to it, and each round's ratio. */
  ratioToLoopback?: number;
  loopbackRoundRatios?: number[];
}

/** The order of the paths in round `round`: rotated by one each round. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const k = items.length ? round % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Cases per second of each path from the cases it sent and the milliseconds they took. */
export const rates = (sent: Record<string, number>, ms: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(sent).map((k) => [k, ms[k]! > 0 ? (sent[k]! * 1000) / ms[k]! : 0]));

/** A full collection, when node runs with --expose-gc. */
const collect = (globalThis as { gc?: () => void }).gc;

/** One round of a group: BLOCKS turns, each path sending its block; returns cases per second by path. */
async function round(
  open: Map<PathName, OpenPath>,
  plans: PathPlan[],
  inputs: PathContext['inputs'],
  order: number,
): Promise<Record<string, number>> {
  const sent: Record<string, number> = {};
  const ms: Record<string, number> = {};
  const next: Record<string, number> = {};
  for (let turn = 0; turn < BLOCKS; turn++) {
    for (const plan of rotation(plans, order + turn)) {
      const path = open.get(plan.name)!;
      const block = Math.ceil(plan.timed / BLOCKS);
      let i = next[plan.name] ?? 0;
      // Each block starts on a collected heap, so that it pays for its own garbage, not the previous path's.
      collect?.();
      const start = performance.now();
      for (let k = 0; k < block; k++, i++) await path.send(inputs[i % inputs.length]!);
      ms[plan.name] = (ms[plan.name] ?? 0) + (performance.now() - start);
      sent[plan.name] = (sent[plan.name] ?? 0) + block;
      next[plan.name] = i;
    }
  }
  return rates(sent, ms);
}

/** Results of one group: per round, cases per second and the ratio to the group's floor. */
export function summarize(names: PathName[], perRound: Record<string, number>[]): PathResult[] {
  const floorRounds = perRound.map((r) => r.floor!);
  const loopbackRounds = names.includes('loopback') ? perRound.map((r) => r.loopback!) : undefined;
  return names.map((name) => {
    const rounds = perRound.map((r) => r[name]!);
    const roundRatios = rounds.map((v, i) => ratio(v, floorRounds[i]!));
    const result: PathResult = {
      name,
      casesPerSecond: median(rounds),
      ratioToFloor: median(roundRatios),
      rounds,
      spread: spread(rounds),
      roundRatios,
    };
    if (loopbackRounds) {
      result.loopbackRoundRatios = rounds.map((v, i) => ratio(v, loopbackRounds[i]!));
      result.ratioToLoopback = median(result.loopbackRoundRatios);
    }
    return result;
  });
}

async function measureGroup(ctx: PathContext, plans: PathPlan[], rounds: number, log?: (line: string) => void): Promise<PathResult[]> {
  if (!plans.some((p) => p.name === 'floor')) throw new Error('every group measures its own floor');
  const open = new Map<PathName, OpenPath>();
  try {
    for (const plan of plans) open.set(plan.name, await openPath(plan.name, ctx));
    await round(open, plans, ctx.inputs, 0);
    const perRound: Record<string, number>[] = [];
    for (let r = 0; r < rounds; r++) {
      perRound.push(await round(open, plans, ctx.inputs, r));
      log?.(`  round ${r + 1}/${rounds}: ${plans.map((p) => `${p.name} ${Math.round(perRound[r]![p.name]!)}`).join(', ')} cases/s`);
    }
    return summarize(
      plans.map((p) => p.name),
      perRound,
    );
  } finally {
    for (const path of open.values()) await path.close();
  }
}

export interface GroupResult {
  name: Group['name'];
  floor: PathResult;
  /** The group's other paths, each with its ratio to this group's floor. */
  paths: PathResult[];
}

export async function measureThroughput(
  ctx: PathContext,
  options: { rounds: number; groups?: Group[]; log?: (line: string) => void },
): Promise<GroupResult[]> {
  const out: GroupResult[] = [];
  for (const group of options.groups ?? DEFAULT_GROUPS) {
    options.log?.(`group ${group.name}: ${group.plans.map((p) => p.name).join(', ')}`);
    const results = await measureGroup(ctx, group.plans, options.rounds, options.log);
    out.push({ name: group.name, floor: results.find((p) => p.name === 'floor')!, paths: results.filter((p) => p.name !== 'floor') });
  }
  return out;
}

export interface ThroughputRun {
  groups: GroupResult[];
  cases: { count: number; mix: Record<string, number>; seed: number };
  rounds: number;
}

/** The throughput groups in a child `node --expose-gc --import tsx bench/throughput-child.ts` (progress on stderr). */
export async function measureThroughputInChild(
  root: string,
  options: { seed: number; randomRuns: number; rounds: number; scale: number; timeoutMs?: number },
): Promise<ThroughputRun> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      'bench/throughput-child.ts',
      String(options.seed),
      String(options.randomRuns),
      String(options.rounds),
      String(options.scale),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`bench/throughput-child.ts exited ${code}`);
  const parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Omit<ThroughputRun, 'rounds'>;
  return { ...parsed, rounds: options.rounds };
}
