// bench/results.json: the four figures issue 7 asks for under the keys it names (paths, defaultRun, heap,
// boundaryPhase, each with exactly its named fields), and beside them the detail they come from (the floor, each
// round, the cost breakdown, the boundary scenarios, the targets) and where and when the run happened.
import { cpus, loadavg } from 'node:os';
import type { ScenarioResult } from './boundary.ts';
import type { DefaultRunResult, InProcessResult } from './default-run.ts';
import type { FloorRate } from './efficiency.ts';
import type { HelpTime } from './help-time.ts';
import type { PlanBudget } from './plan-budget.ts';
import type { TimeRun } from './time-variants.ts';
import type { HeapResult } from './heap.ts';
import type { PathName } from './paths.ts';
import { DIAGNOSTIC_PATHS, TARGET_PATHS } from './paths.ts';
import { round } from './stats.ts';
import type { TargetCheck } from './targets.ts';
import type { GroupResult, PathResult, ThroughputRun } from './throughput.ts';

export interface BenchResults {
  paths: { name: string; casesPerSecond: number; ratioToFloor: number }[];
  defaultRun: { wallSeconds: number; peakRssMb: number };
  heap: { mbAt1k: number; mbAt10k: number };
  boundaryPhase: { requests: number; requirements: number };
  [extra: string]: unknown;
}

export interface Measurements {
  throughput?: ThroughputRun;
  defaultRun?: DefaultRunResult;
  /** The same run from a folder laid out as the installed package (compiled dist/, no tsx). */
  installedRun?: DefaultRunResult;
  /** The same suites in one process without vitest (comparison). */
  inProcessRun?: InProcessResult;
  heap?: HeapResult;
  boundary?: ScenarioResult[];
  /** The in-memory floor beside the default run (before and after it), for its efficiency. */
  floorBeside?: { before: FloorRate; after: FloorRate };
  /** The budget-aware plan (dry run) per requirement. */
  plan?: PlanBudget;
  /** The installed bin's --help beside node -e 0. */
  help?: HelpTime;
  /** Time and requests to a verdict against the targets that misbehave in time. */
  time?: TimeRun[];
  targets: TargetCheck[];
}

/** The floor's requests per second beside the default run: the mean of the medians before and after it. */
const floorBesideRate = (f: NonNullable<Measurements['floorBeside']>) => (f.before.requestsPerSecond + f.after.requestsPerSecond) / 2;

/** Issue 13 item 2: (requests ÷ the floor's requests per second) ÷ wall time, with the run's peak RSS. */
export function efficiencyOf(m: Measurements, run: DefaultRunResult | undefined = m.defaultRun) {
  if (!run?.requests || !m.floorBeside) return undefined;
  const floor = floorBesideRate(m.floorBeside);
  const idealSeconds = run.requests / floor;
  return {
    requests: run.requests,
    floorRequestsPerSecond: round(floor),
    idealSeconds: round(idealSeconds, 3),
    wallSeconds: round(run.wallSeconds, 2),
    ...(run.engineSeconds !== undefined && { engineSeconds: round(run.engineSeconds, 2) }),
    efficiency: round(idealSeconds / run.wallSeconds, 4),
    peakRssMb: round(run.peakRssMb, 1),
    floorRounds: { before: m.floorBeside.before.rounds.map((v) => round(v)), after: m.floorBeside.after.rounds.map((v) => round(v)) },
  };
}

/** The time runs, rounded, with the worst broken ratio. */
export function timeToVerdict(runs: TimeRun[]) {
  const broken = runs.filter((r) => r.kind === 'broken' && r.ratioToCorrect !== undefined);
  const worst = broken.reduce<TimeRun | undefined>((w, r) => (!w || r.ratioToCorrect! > w.ratioToCorrect! ? r : w), undefined);
  return {
    correctWallSeconds: round(runs[0]?.wallSeconds ?? 0, 2),
    runs: runs.map((r) => ({
      ...r,
      wallSeconds: round(r.wallSeconds, 2),
      ratioToCorrect: r.ratioToCorrect === undefined ? undefined : round(r.ratioToCorrect, 2),
    })),
    worst: worst ? { name: worst.name, ratio: round(worst.ratioToCorrect!, 2) } : undefined,
    allAsExpected: runs.every((r) => r.caught && (r.kind === 'broken' || r.fixturesAsBefore !== false)),
  };
}

/** The sections of issue 13 item 2 (beside issue 7's), as written to results.json when measured. */
function realTargetSections(m: Measurements) {
  return {
    ...(efficiencyOf(m) && { efficiency: efficiencyOf(m) }),
    ...(efficiencyOf(m, m.installedRun) && { installedEfficiency: efficiencyOf(m, m.installedRun) }),
    ...(m.time && { timeToVerdict: timeToVerdict(m.time) }),
    ...(m.help && {
      helpTime: {
        ...m.help,
        nodeMs: round(m.help.nodeMs, 1),
        helpMs: round(m.help.helpMs, 1),
        ratio: round(m.help.ratio, 2),
        nodeRounds: m.help.nodeRounds.map((v) => round(v, 1)),
        helpRounds: m.help.helpRounds.map((v) => round(v, 1)),
        buildSeconds: round(m.help.buildSeconds, 1),
      },
    }),
    ...(m.plan && { budgetPlan: { ...m.plan, requestsPerRequirement: round(m.plan.requestsPerRequirement, 3) } }),
  };
}

/** Per-case cost in microseconds of a path measured at `cps` cases per second. */
export const microseconds = (cps: number) => (cps > 0 ? 1e6 / cps : 0);

/**
 * The gap between the floor and the reference path, in microseconds per case, split along the diagnostic paths:
 * the observer middleware (observed − floor), reading the reference's responses instead of a canned 200 (replayed −
 * observed), and the in-memory hosting with the reference's handler (reference − replayed), beside the handler alone.
 * Each path's cost is the floor's median cost divided by the path's ratio to the floor (ratios are measured side by
 * side, so they hold up better on a noisy machine than each path's own median).
 */
export function breakdown(floor: PathResult, byName: ReadonlyMap<PathName, PathResult>): { part: string; microsecondsPerCase: number }[] {
  if (![...DIAGNOSTIC_PATHS, 'reference'].every((n) => byName.has(n as PathName))) return [];
  const base = microseconds(floor.casesPerSecond);
  const us = (n: PathName) => {
    const r = byName.get(n)!.ratioToFloor;
    return r > 0 ? base / r : 0;
  };
  return [
    { part: 'floor: SDK send, canned 200', microsecondsPerCase: base },
    { part: '+ observer middleware (observeCommand)', microsecondsPerCase: us('observed') - base },
    { part: "+ the reference's responses (SDK reads 4xx errors)", microsecondsPerCase: us('replayed') - us('observed') },
    { part: '+ in-memory hosting and reference handler', microsecondsPerCase: us('reference') - us('replayed') },
    { part: '= reference path', microsecondsPerCase: us('reference') },
    { part: '(reference handler alone, signed wire requests)', microsecondsPerCase: us('handler') },
    ...(byName.has('unverified')
      ? [
          {
            part: '(of the reference path: SigV4 verification = reference − unverified)',
            microsecondsPerCase: us('reference') - us('unverified'),
          },
        ]
      : []),
  ];
}

const group = (run: ThroughputRun, name: GroupResult['name']) => run.groups.find((g) => g.name === name);

/** Issue 13's targets, ratios measured in one run: the embedded reference against the in-memory floor, and the
 * serve path against the loopback floor (both in the group `paths`). */
const MIN_REFERENCE_TO_FLOOR = 0.8;
const MIN_SERVE_TO_LOOPBACK = 0.7;

/** The loopback floor of the group `paths`, when it was measured. */
const loopbackFloor = (run: ThroughputRun): PathResult | undefined => group(run, 'paths')?.paths.find((p) => p.name === 'loopback');

/** Issue 13's targets for a throughput run (those it measured). */
export function speedTargets(run: ThroughputRun): TargetCheck[] {
  const paths = group(run, 'paths')?.paths ?? [];
  const reference = paths.find((p) => p.name === 'reference');
  const serve = paths.find((p) => p.name === 'serve');
  const out: TargetCheck[] = [];
  if (reference) {
    out.push({
      target: `embedded reference ≥ ${MIN_REFERENCE_TO_FLOOR} × in-memory floor`,
      measured: `${reference.ratioToFloor.toFixed(2)} × floor`,
      met: reference.ratioToFloor >= MIN_REFERENCE_TO_FLOOR,
    });
  }
  if (serve?.ratioToLoopback !== undefined) {
    out.push({
      target: `serve ≥ ${MIN_SERVE_TO_LOOPBACK} × loopback floor`,
      measured: `${serve.ratioToLoopback.toFixed(2)} × loopback floor`,
      met: serve.ratioToLoopback >= MIN_SERVE_TO_LOOPBACK,
    });
  }
  return out;
}

const machine = () => ({
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  platform: process.platform,
  loadavg: loadavg().map((l) => round(l, 2)),
});

/** The paths, in its order (reference, nock, serve), each with its ratio to the floor of its own group. */
export function headlinePaths(run: ThroughputRun): PathResult[] {
  const candidates = [...(group(run, 'paths')?.paths ?? []), ...(group(run, 'nock')?.paths ?? [])];
  return TARGET_PATHS.map((name) => candidates.find((p) => p.name === name)).filter((p): p is PathResult => !!p);
}

/** The diagnostic group's split of the reference path's cost. */
export function diagnosticBreakdown(run: ThroughputRun): ReturnType<typeof breakdown> {
  const d = group(run, 'diagnostic');
  return d ? breakdown(d.floor, new Map(d.paths.map((p) => [p.name, p]))) : [];
}

const pathDetail = (p: PathResult) => ({
  name: p.name,
  casesPerSecond: round(p.casesPerSecond),
  ratioToFloor: round(p.ratioToFloor, 3),
  rounds: p.rounds.map((v) => round(v)),
  roundRatios: p.roundRatios.map((v) => round(v, 3)),
  spread: round(p.spread, 2),
  ...(p.ratioToLoopback !== undefined && {
    ratioToLoopback: round(p.ratioToLoopback, 3),
    loopbackRoundRatios: p.loopbackRoundRatios!.map((v) => round(v, 3)),
  }),
});

/** The loopback floor beside the in-memory one, and the serve path's ratio to it. */
function loopbackDetail(run: ThroughputRun) {
  const loopback = loopbackFloor(run);
  const serve = group(run, 'paths')?.paths.find((p) => p.name === 'serve');
  if (!loopback) return undefined;
  return {
    casesPerSecond: round(loopback.casesPerSecond),
    ratioToFloor: round(loopback.ratioToFloor, 3),
    rounds: loopback.rounds.map((v) => round(v)),
    serveRatioToLoopback: serve?.ratioToLoopback !== undefined ? round(serve.ratioToLoopback, 3) : undefined,
  };
}

export function buildResults(m: Measurements, meta: { startedAt: Date; loadBefore: number[] }): BenchResults {
  if (!m.throughput || !m.defaultRun || !m.heap || !m.boundary)
    throw new Error('results.json needs every section (paths, default run, heap, boundary)');
  const t = m.throughput;
  const main = group(t, 'paths');
  const [standard] = m.boundary;
  if (!main || !standard) throw new Error('no throughput group "paths" or no boundary scenario');
  return {
    paths: headlinePaths(t).map((p) => ({ name: p.name, casesPerSecond: round(p.casesPerSecond), ratioToFloor: round(p.ratioToFloor, 3) })),
    defaultRun: { wallSeconds: round(m.defaultRun.wallSeconds, 1), peakRssMb: round(m.defaultRun.peakRssMb, 1) },
    heap: { mbAt1k: round(m.heap.mbAt1k, 2), mbAt10k: round(m.heap.mbAt10k, 2) },
    boundaryPhase: { requests: standard.requests, requirements: standard.requirements },

    floor: { casesPerSecond: round(main.floor.casesPerSecond), rounds: main.floor.rounds.map((v) => round(v)) },
    loopbackFloor: loopbackDetail(t),
    speedTargets: speedTargets(t),
    throughputDetail: {
      method:
        'paths of a group open together, taking turns in blocks of a tenth of a round, a full gc before each block; ratio = median over rounds of (path / floor of the same round and group)',
      rounds: t.rounds,
      cases: t.cases,
      groups: t.groups.map((g) => ({ name: g.name, floor: pathDetail(g.floor), paths: g.paths.map(pathDetail) })),
      breakdown: diagnosticBreakdown(t).map((b) => ({ ...b, microsecondsPerCase: round(b.microsecondsPerCase, 1) })),
    },
    defaultRunDetail: {
      ...m.defaultRun,
      wallSeconds: round(m.defaultRun.wallSeconds, 2),
      peakRssMb: round(m.defaultRun.peakRssMb, 1),
      peakProcessRssMb: round(m.defaultRun.peakProcessRssMb, 1),
      installed: m.installedRun && {
        ...m.installedRun,
        wallSeconds: round(m.installedRun.wallSeconds, 2),
        peakRssMb: round(m.installedRun.peakRssMb, 1),
        peakProcessRssMb: round(m.installedRun.peakProcessRssMb, 1),
      },
      inProcessWithoutVitest: m.inProcessRun && {
        wallSeconds: round(m.inProcessRun.wallSeconds, 2),
        peakRssMb: round(m.inProcessRun.peakRssMb, 1),
        requirements: m.inProcessRun.requirements,
      },
    },
    heapDetail: {
      growthMb: round(m.heap.growthMb, 2),
      slopeMbPer1k: round(m.heap.slopeMbPer1k, 3),
      lateSlopeMbPer1k: round(m.heap.lateSlopeMbPer1k, 3),
      spaceGrowthMb: Object.fromEntries(Object.entries(m.heap.spaceGrowthMb).map(([k, v]) => [k, round(v, 2)])),
      checkpoints: m.heap.checkpoints.map((c) => ({ cases: c.cases, mb: round(c.mb, 2) })),
    },
    boundaryPhaseDetail: {
      requestsPerRequirement: round(standard.requestsPerRequirement, 2),
      scenarios: m.boundary.map((s) => ({ ...s, requestsPerRequirement: round(s.requestsPerRequirement, 2) })),
    },
    ...realTargetSections(m),
    targets: m.targets,
    machine: { ...machine(), loadavgBefore: meta.loadBefore.map((l) => round(l, 2)) },
    startedAt: meta.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/** What a run of some sections (--only) measured, under the same keys where it measured them (for --out FILE). */
export function partialResults(m: Measurements): Record<string, unknown> {
  return {
    partial: true,
    ...(m.throughput && {
      paths: headlinePaths(m.throughput).map((p) => ({
        name: p.name,
        casesPerSecond: round(p.casesPerSecond),
        ratioToFloor: round(p.ratioToFloor, 3),
      })),
      loopbackFloor: loopbackDetail(m.throughput),
      speedTargets: speedTargets(m.throughput),
      throughput: m.throughput,
    }),
    ...(m.defaultRun && {
      defaultRun: { wallSeconds: round(m.defaultRun.wallSeconds, 1), peakRssMb: round(m.defaultRun.peakRssMb, 1) },
      defaultRunDetail: m.defaultRun,
      installedRun: m.installedRun,
      inProcessRun: m.inProcessRun,
    }),
    ...(m.heap && { heap: { mbAt1k: round(m.heap.mbAt1k, 2), mbAt10k: round(m.heap.mbAt10k, 2) }, heapDetail: m.heap }),
    ...(m.boundary?.[0] && {
      boundaryPhase: { requests: m.boundary[0].requests, requirements: m.boundary[0].requirements },
      boundaryScenarios: m.boundary,
    }),
    ...realTargetSections(m),
    targets: m.targets,
  };
}
