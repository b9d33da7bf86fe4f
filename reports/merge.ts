// Sharding: `run --shard i/n` checks a part of the catalogue in each CI job, and `compare --merge` joins the
// shards' results.json into one. Per requirement, a failure wins, then a pass, then a skip for a reason of its own,
// then n/a, and last the skip a shard writes for a requirement another shard checks; cases and failures add up,
// and the summary is computed again from the merged requirements. Shards judged against one baseline (the same
// file and entries) give the merged run that baseline (shardsBaseline); `compare --merge --baseline FILE` another.
import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../core/errors.ts';
import { MAX_FAILURES_KEPT } from '../engine/ledger.ts';
import type { RequirementResult, Results } from '../engine/results.ts';
import { baselineOfView, dayOf, type Baseline } from './baseline.ts';
import { summarize } from '../engine/summary.ts';
import { operationOf } from './results-schema.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

const MAX_OBSERVED_KEPT = 12;
const SHARD_SKIP_PREFIX = 'not in shard';

/** Parses "i/n" (1 ≤ i ≤ n ≤ 256). */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count || count > 256)
    throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n ≤ 256, e.g. 2/4 (got ${value})`);
  return { index, count };
}

export const shardText = (s: Shard) => `${s.index}/${s.count}`;

/** Whether the requirement at `position` (0-based, in catalogue order) belongs to a shard: round-robin, so every shard gets every area. */
export const inShard = (position: number, shard: Shard) => position % shard.count === shard.index - 1;

/** The skip reason a shard gives a requirement that another shard checks (merge ranks it below everything). */
export const shardSkipReason = (shard: Shard) => `${SHARD_SKIP_PREFIX} ${shardText(shard)}: another shard checks it`;

const isShardSkip = (r: Pick<RequirementResult, 'status' | 'reason'>) =>
  r.status === 'skip' && (r.reason ?? '').startsWith(SHARD_SKIP_PREFIX);

const rank = (r: RequirementResult) =>
  r.status === 'fail' ? 5 : r.status === 'error' ? 4 : r.status === 'pass' ? 3 : isShardSkip(r) ? 0 : r.status === 'skip' ? 2 : 1;

function same(list: Results[], what: string, pick: (r: Results) => unknown): void {
  const first = pick(list[0]!);
  const other = list.findIndex((r) => !isDeepStrictEqual(pick(r), first));
  if (other >= 0)
    throw new UsageError(
      `compare --merge: the results are not shards of one run: ${what} differs (${JSON.stringify(first)} in the first, ${JSON.stringify(pick(list[other]!))} in result ${other + 1})`,
    );
}

function checkShards(list: Results[]): void {
  const withShard = list.filter((r) => r.shard !== undefined);
  if (withShard.length === 0) return;
  if (withShard.length !== list.length)
    throw new UsageError('compare --merge: some results carry a shard (i/n) and some do not; merge the shards of one sharded run');
  const shards = list.map((r) => {
    try {
      return parseShard(r.shard!);
    } catch {
      throw new UsageError(`compare --merge: shard "${r.shard}" is not i/n`);
    }
  });
  const n = shards[0]!.count;
  if (shards.some((s) => s.count !== n))
    throw new UsageError(`compare --merge: the shards disagree on their count (${list.map((r) => r.shard).join(', ')})`);
  const seen = new Set<number>();
  for (const s of shards) {
    if (seen.has(s.index)) throw new UsageError(`compare --merge: shard ${shardText(s)} is given twice`);
    seen.add(s.index);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length)
    throw new UsageError(
      `compare --merge: shard(s) ${missing.map((i) => `${i}/${n}`).join(', ')} missing; a merged report needs every shard`,
    );
}

function mergeRequirement(parts: RequirementResult[]): RequirementResult {
  const best = parts.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const failures = parts.flatMap((p) => p.failures).slice(0, MAX_FAILURES_KEPT);
  const observed = [...new Set(parts.flatMap((p) => p.observed ?? []))].slice(0, MAX_OBSERVED_KEPT);
  const { reason: _reason, observed: _observed, ...rest } = best;
  return {
    ...rest,
    status: best.status,
    ...(best.reason !== undefined && best.status !== 'pass' && best.status !== 'fail' ? { reason: best.reason } : {}),
    ...(best.status === 'error' ? { errors: parts.flatMap((p) => p.errors ?? []).slice(0, MAX_FAILURES_KEPT) } : {}),
    cases: parts.reduce((n, p) => n + p.cases, 0),
    failures,
    failureCount: parts.reduce((n, p) => n + p.failureCount, 0),
    ...(observed.length ? { observed } : {}),
  };
}

/** Joins the results of the shards of one run (same operation, seed, target, spec and tool) into the results of the whole run. */
export function mergeResults(list: Results[]): Results {
  if (list.length === 0) throw new UsageError('compare --merge: give the results.json of every shard');
  const operations = list.map(operationOf);
  const other = operations.findIndex((o) => o !== operations[0]);
  if (other >= 0)
    throw new UsageError(
      `compare --merge: the results are of different operations (${operations[0]} in the first, ${operations[other]} in result ${other + 1}); merge the shards of one run`,
    );
  same(list, 'the seed', (r) => r.seed);
  same(list, 'the runs per property', (r) => r.runs);
  same(list, 'the target', (r) => ({ ...r.target, identityManagementTypes: [...r.target.identityManagementTypes].sort() }));
  same(list, 'the spec', (r) => r.spec);
  same(list, 'the suite version', (r) => r.tool);
  same(list, 'the requirement catalogue', (r) => r.requirements.map((q) => q.id).sort());
  checkShards(list);
  const byId = new Map<string, RequirementResult[]>();
  for (const r of list) for (const q of r.requirements) byId.set(q.id, [...(byId.get(q.id) ?? []), q]);
  const requirements = list[0]!.requirements.map((q) => mergeRequirement(byId.get(q.id)!));
  const times = (key: 'startedAt' | 'finishedAt') => list.map((r) => r[key]).sort();
  const { shard: _shard, baseline: _baseline, ...first } = list[0]!;
  return {
    ...first,
    operation: operations[0]!,
    startedAt: times('startedAt')[0]!,
    finishedAt: times('finishedAt').at(-1)!,
    summary: summarize(requirements, {
      fixtures: list.flatMap((r) => r.fixtures),
      stopped: list.map((r) => r.summary.stopped).find((s) => s),
    }),
    requirements,
    fixtures: list.flatMap((r) => r.fixtures),
  };
}

/**
 * The baseline the shards were judged against, to judge the merged run against: undefined when none was; the
 * shards' common baseline (its entries, judged on the latest day a shard was judged) when every shard was judged
 * against the same file and entries; a UsageError when some were and some were not, or their baselines differ.
 */
export function shardsBaseline(list: readonly Results[]): (Baseline & { today: Date }) | undefined {
  const views = list.map((r) => r.baseline);
  if (views.every((v) => v === undefined)) return undefined;
  const first = views.find((v) => v !== undefined)!;
  const base = baselineOfView(first);
  const differs = views.findIndex((v) => v === undefined || !isDeepStrictEqual(baselineOfView(v), base));
  if (differs >= 0) {
    throw new UsageError(
      `compare --merge: the results were judged against different baselines (${views.map((v) => (v ? v.file || 'one in memory' : 'none')).join(', ')}); give the baseline to judge the merged run against with --baseline FILE`,
    );
  }
  const today = views
    .map((v) => v!.today)
    .sort()
    .at(-1)!;
  return { ...base, today: dayOf(today) };
}
