// The benchmark's tables, one per measurement, as printed by bench/run.ts.
import type { ScenarioResult } from './boundary.ts';
import type { DefaultRunResult, InProcessResult } from './default-run.ts';
import type { HeapResult } from './heap.ts';
import type { PathName } from './paths.ts';
import { diagnosticBreakdown, microseconds, speedTargets } from './results.ts';
import { num, table } from './table.ts';
import type { TargetCheck } from './targets.ts';
import type { ThroughputRun } from './throughput.ts';

const LABELS: Record<PathName, string> = {
  floor: 'floor (SDK, canned 200)',
  loopback: 'loopback floor (SDK, 127.0.0.1, canned 200)',
  reference: 'reference (in-memory)',
  nock: 'nock',
  serve: 'serve (127.0.0.1)',
  observed: 'floor + observer',
  replayed: "+ reference's responses",
  handler: 'reference handler alone',
  unverified: 'reference, verification off',
};

const GROUP_LABELS = { paths: 'paths', nock: 'nock', diagnostic: 'diagnostic' } as const;

export function throughputTable(t: ThroughputRun): string {
  const rows = t.groups.flatMap((g) =>
    [g.floor, ...g.paths].map((p) => [
      GROUP_LABELS[g.name],
      LABELS[p.name],
      num(p.casesPerSecond),
      `${p.ratioToFloor.toFixed(2)}×`,
      p.ratioToLoopback === undefined ? '' : `${p.ratioToLoopback.toFixed(2)}×`,
      num(microseconds(p.casesPerSecond), 0),
      p.roundRatios.map((v) => v.toFixed(2)).join(' / '),
      `${Math.round(p.spread * 100)}%`,
    ]),
  );
  const main = table(
    `Generated cases per second (${t.cases.count} SDK-channel cases, cycled; ${t.rounds} rounds; the paths of a group take turns; × floor = median of per-round ratios to the group's floor; × loopback = the same to the loopback floor)`,
    ['group', 'path', 'cases/s', '× floor', '× loopback', 'µs/case', 'ratio to floor per round', 'spread'],
    rows,
  );
  const targets = speedTargets(t);
  return targets.length ? `${main}\n\n${table('Targets (issue 13: ratios in this run)', ['target', 'measured', 'met'], targets.map((x) => [x.target, x.measured, x.met ? 'yes' : 'NO']))}` : main;
}

export function breakdownTable(t: ThroughputRun): string {
  const parts = diagnosticBreakdown(t);
  if (!parts.length) return '';
  return table("Where the reference path spends its time (diagnostic group; µs per case = the floor's median / each path's ratio)", ['part', 'µs/case'], parts.map((p) => [p.part, num(p.microsecondsPerCase, 1)]));
}

export function defaultRunTable(r: DefaultRunResult, inProcess?: InProcessResult): string {
  const rows: (string | number)[][] = [['node bin/connect-conformance.js run', num(r.wallSeconds, 1), num(r.peakRssMb, 1), num(r.peakProcessRssMb, 1), r.peakProcesses, r.verdict ?? '']];
  if (inProcess) {
    const q = inProcess.requirements;
    rows.push(['· same suites, one process, no vitest', num(inProcess.wallSeconds, 1), num(inProcess.peakRssMb, 1), num(inProcess.peakProcessRssMb, 1), inProcess.peakProcesses, q ? `${q.pass} pass, ${q.fail} fail` : '']);
  }
  return table(`Default run (seed ${r.seed ?? '?'}; · = comparison)`, ['run', 'wall s', 'peak RSS MB (tree)', 'largest process MB', 'processes', 'verdict'], rows);
}

export function heapTable(h: HeapResult): string {
  const spaces = Object.entries(h.spaceGrowthMb)
    .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v.toFixed(2)}`)
    .join(', ');
  return table('Heap after gc, in-memory reference path', ['MB at 1k', 'MB at 10k', 'growth MB', 'bytes/case', 'MB per 1k, 1k-10k', 'MB per 1k, 5k-10k', 'growth by space (MB)'], [
    [
      num(h.mbAt1k, 2),
      num(h.mbAt10k, 2),
      `${h.growthMb >= 0 ? '+' : ''}${h.growthMb.toFixed(2)}`,
      num((h.growthMb * 1024 * 1024) / 9000, 0),
      h.slopeMbPer1k.toFixed(3),
      h.lateSlopeMbPer1k.toFixed(3),
      spaces,
    ],
  ]);
}

const sum = (ops: Record<string, number> | undefined) => Object.values(ops ?? {}).reduce((a, b) => a + b, 0);

export function boundaryTable(scenarios: ScenarioResult[]): string {
  const rows = scenarios.map((s) => {
    const b = s.byPhase.boundary ?? {};
    return [
      s.name,
      s.requests,
      `${s.requirements}/${s.applicable}`,
      s.requestsPerRequirement.toFixed(2),
      `${s.boundaryCases} + ${b.DescribeUser ?? 0} reads`,
      sum(s.byPhase.existence),
      sum(s.byPhase.authentication),
      sum(s.byPhase.stateful),
      sum(s.byPhase.open) + sum(s.byPhase.close),
    ];
  });
  const ids = [...new Set(scenarios.flatMap((s) => s.unreached.map((u) => u.id)))];
  const unreached = ids.map((id) => {
    const where = scenarios.filter((s) => s.unreached.some((u) => u.id === id)).map((s) => s.name);
    return `${id} (${where.length === scenarios.length ? 'every scenario' : where.join('; ')})`;
  });
  return [
    table('Requests to reach every requirement (CONNECT_MANAGED, embedded reference; boundary + existence + authentication + stateful minimum)', [
      'scenario',
      'requests',
      'reached',
      'per req.',
      'boundary: cases + reads',
      'existence',
      'auth',
      'stateful',
      'open+close',
    ], rows),
    unreached.length ? `applicable but not reached: ${unreached.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function targetsTable(targets: TargetCheck[]): string {
  return table('Targets (issue 7, item 3)', ['target', 'measured', 'met'], targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']));
}
