// The benchmark's tables, one per measurement, as printed by bench/run.ts.
import type { ScenarioResult } from './boundary.ts';
import type { DefaultRunResult, InProcessResult } from './default-run.ts';
import type { HelpTime } from './help-time.ts';
import type { PlanBudget } from './plan-budget.ts';
import type { TimeRun } from './time-variants.ts';
import type { HeapResult } from './heap.ts';
import type { PathName } from './paths.ts';
import { diagnosticBreakdown, efficiencyOf, microseconds, speedTargets, type Measurements } from './results.ts';
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
  return targets.length
    ? `${main}\n\n${table(
        'Targets (issue 13: ratios in this run)',
        ['target', 'measured', 'met'],
        targets.map((x) => [x.target, x.measured, x.met ? 'yes' : 'NO']),
      )}`
    : main;
}

export function breakdownTable(t: ThroughputRun): string {
  const parts = diagnosticBreakdown(t);
  if (!parts.length) return '';
  return table(
    "Where the reference path spends its time (diagnostic group; µs per case = the floor's median / each path's ratio)",
    ['part', 'µs/case'],
    parts.map((p) => [p.part, num(p.microsecondsPerCase, 1)]),
  );
}

export function defaultRunTable(r: DefaultRunResult, inProcess?: InProcessResult): string {
  const rows: (string | number)[][] = [
    [
      'node bin/connect-conformance.js run',
      num(r.wallSeconds, 1),
      r.requests ?? '',
      num(r.peakRssMb, 1),
      num(r.peakProcessRssMb, 1),
      r.peakProcesses,
      r.verdict ?? '',
    ],
  ];
  if (inProcess) {
    const q = inProcess.requirements;
    rows.push([
      '· the engine alone (runConformance, no CLI, no reports)',
      num(inProcess.wallSeconds, 1),
      '',
      num(inProcess.peakRssMb, 1),
      num(inProcess.peakProcessRssMb, 1),
      inProcess.peakProcesses,
      q ? `${q.pass} pass, ${q.fail} fail` : '',
    ]);
  }
  return table(
    `Default run (seed ${r.seed ?? '?'}; · = comparison)`,
    ['run', 'wall s', 'requests', 'peak RSS MB (tree)', 'largest process MB', 'processes', 'verdict'],
    rows,
  );
}

export function efficiencyTable(m: Measurements): string {
  const rows = (
    [
      ['the checkout (npm run conformance: TypeScript through tsx)', efficiencyOf(m)],
      ['the installed package (compiled dist/)', efficiencyOf(m, m.installedRun)],
    ] as const
  ).filter(([, e]) => e);
  if (!rows.length) return '';
  return table(
    "Default run efficiency (issue 13: (requests ÷ the in-memory floor's requests/s) ÷ wall time; floor measured right before and after the runs; engine s = the engine's own time, the rest is start-up, reports and exit)",
    ['run', 'requests', 'floor req/s', 'at the floor s', 'wall s', 'engine s', 'efficiency', 'peak RSS MB'],
    rows.map(([name, e]) => [
      name,
      num(e!.requests),
      num(e!.floorRequestsPerSecond),
      e!.idealSeconds.toFixed(2),
      e!.wallSeconds.toFixed(2),
      e!.engineSeconds?.toFixed(2) ?? '',
      e!.efficiency.toFixed(3),
      num(e!.peakRssMb, 1),
    ]),
  );
}

export function timeTable(runs: TimeRun[]): string {
  return table(
    "Time and requests to a verdict (connect-conformance run --target endpoint, default settings, a server on 127.0.0.1; × = wall time ÷ the correct run's)",
    ['target', 'kind', 'wall s', '× correct', 'requests', 'exit', 'as expected', 'failed (caught by)'],
    runs.map((r) => [
      r.name,
      r.kind,
      num(r.wallSeconds, 1),
      r.ratioToCorrect === undefined ? '' : `${r.ratioToCorrect.toFixed(2)}×`,
      num(r.requests),
      r.exitCode ?? 'killed',
      r.caught ? (r.fixturesAsBefore === false ? 'fixtures changed' : 'yes') : 'NO',
      r.line ? r.line.slice(0, 90) : r.failed.slice(0, 6).join(' ') + (r.failed.length > 6 ? ` … (${r.failed.length})` : ''),
    ]),
  );
}

export function helpTable(h: HelpTime): string {
  return table(
    `Installed bin's --help beside node -e 0 (compiled as npm run build does, in ${h.buildSeconds.toFixed(1)} s; ${h.nodeRounds.length} turns each, median)`,
    ['command', 'median ms', 'rounds ms'],
    [
      ['node -e 0', h.nodeMs.toFixed(1), h.nodeRounds.map((v) => v.toFixed(0)).join(' ')],
      ['node <installed>/bin/connect-conformance.js --help', h.helpMs.toFixed(1), h.helpRounds.map((v) => v.toFixed(0)).join(' ')],
      ['ratio', `${h.ratio.toFixed(2)}×`, ''],
    ],
  );
}

export function planTable(p: PlanBudget): string {
  const rows = [
    [
      p.type,
      p.requests,
      p.overhead,
      `${p.requirements}/${p.applicable}`,
      p.requestsPerRequirement.toFixed(2),
      p.replayedRequests === p.requests ? 'same' : `differs: ${p.replayedRequests}`,
    ],
  ];
  const heavy = [...p.byStep]
    .sort((a, b) => b.requests - a.requests)
    .slice(0, 6)
    .map((s) => `${s.step} ${s.requests}`);
  return [
    table(
      'Budget-aware plan (--target aws defaults, dry run: engine/dry-run.ts planCount; preflight, snapshot and restore included)',
      ['type', 'requests', 'without requirement', 'reached', 'per req.', 'second play'],
      rows,
    ),
    `largest steps: ${heavy.join('; ')}`,
    p.unreached.length ? `applicable but not reached: ${p.unreached.join(', ')}` : '',
    p.failures.length ? `failures on the reference (the suite's own problem): ${p.failures.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function heapTable(h: HeapResult): string {
  const spaces = Object.entries(h.spaceGrowthMb)
    .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v.toFixed(2)}`)
    .join(', ');
  return table(
    'Heap after gc, in-memory reference path',
    ['MB at 1k', 'MB at 10k', 'growth MB', 'bytes/case', 'MB per 1k, 1k-10k', 'MB per 1k, 5k-10k', 'growth by space (MB)'],
    [
      [
        num(h.mbAt1k, 2),
        num(h.mbAt10k, 2),
        `${h.growthMb >= 0 ? '+' : ''}${h.growthMb.toFixed(2)}`,
        num((h.growthMb * 1024 * 1024) / 9000, 0),
        h.slopeMbPer1k.toFixed(3),
        h.lateSlopeMbPer1k.toFixed(3),
        spaces,
      ],
    ],
  );
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
    table(
      'Requests to reach every requirement (CONNECT_MANAGED, embedded reference; boundary + existence + authentication + stateful minimum)',
      ['scenario', 'requests', 'reached', 'per req.', 'boundary: cases + reads', 'existence', 'auth', 'stateful', 'open+close'],
      rows,
    ),
    unreached.length ? `applicable but not reached: ${unreached.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function targetsTable(targets: TargetCheck[]): string {
  return table(
    'Targets (issue 7 item 3; issue 13 item 3; issue 11 item 4)',
    ['target', 'measured', 'met'],
    targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
  );
}
