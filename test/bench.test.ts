// The benchmark's own helpers (bench/): statistics, the /proc readers, the boundary-case selections, the request
// counter, the tables and the shape of results.json. No timing is measured or asserted here: the benchmark's
// numbers are reported by `npm run bench`, never checked by a test.
import { describe, expect, it } from 'vitest';
import { RequestCounter } from '../bench/boundary.ts';
import { BENCH_TYPE, benchCases, fixtureUser, interleave, sdkInput } from '../bench/cases.ts';
import { slope } from '../bench/heap.ts';
import { descendants, parentOf, rssOf } from '../bench/process-tree.ts';
import { breakdown, buildResults, efficiencyOf, microseconds, type Measurements } from '../bench/results.ts';
import { efficiencyTable } from '../bench/render.ts';
import { median, perSecond, ratio, round, spread } from '../bench/stats.ts';
import { num, table } from '../bench/table.ts';
import { checkTargets } from '../bench/targets.ts';
import { BLOCKS, DEFAULT_GROUPS, rates, rotation, scaleGroups, summarize, type PathResult } from '../bench/throughput.ts';
import { defaultSpec } from '../spec/index.ts';

describe('stats', () => {
  it('median of odd and even counts, unsorted input left alone', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
  it('spread, ratio, perSecond, round', () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(ratio(50, 100)).toBe(0.5);
    expect(ratio(50, 0)).toBe(0);
    expect(perSecond(2000, 500)).toBe(4000);
    expect(round(1.23456, 2)).toBe(1.23);
  });
  it('least-squares slope', () => {
    expect(
      slope([
        { x: 1, y: 2 },
        { x: 2, y: 4 },
        { x: 3, y: 6 },
      ]),
    ).toBeCloseTo(2);
    expect(slope([{ x: 1, y: 5 }])).toBe(0);
  });
});

describe('throughput plans', () => {
  it('rotates the path order one step per round', () => {
    expect(rotation(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotation(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotation(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c']);
  });
  it('measures every target path beside a floor of its own group, nock with fewer cases (it retains heap per call)', () => {
    const plans = DEFAULT_GROUPS.flatMap((g) => g.plans);
    expect(plans.map((p) => p.name)).toEqual(expect.arrayContaining(['floor', 'reference', 'nock', 'serve']));
    expect(DEFAULT_GROUPS.every((g) => g.plans.some((p) => p.name === 'floor'))).toBe(true);
    // nock patches http globally: never in the same group as the loopback path.
    expect(DEFAULT_GROUPS.some((g) => g.plans.some((p) => p.name === 'nock') && g.plans.some((p) => p.name === 'serve'))).toBe(false);
    const timed = (n: string) => plans.find((p) => p.name === n)!.timed;
    expect(timed('nock')).toBeLessThan(timed('reference'));
    expect(
      scaleGroups(DEFAULT_GROUPS, 0.001)
        .flatMap((g) => g.plans)
        .every((p) => p.timed >= BLOCKS),
    ).toBe(true);
  });
  it('rates and per-round ratios to the floor of the same round', () => {
    expect(rates({ a: 100 }, { a: 50 })).toEqual({ a: 2000 });
    const [floor, ref] = summarize(
      ['floor', 'reference'],
      [
        { floor: 4000, reference: 2000 },
        { floor: 2000, reference: 1400 },
        { floor: 3000, reference: 1800 },
      ],
    );
    expect(floor!.ratioToFloor).toBe(1);
    expect(ref!.casesPerSecond).toBe(1800);
    expect(ref!.roundRatios).toEqual([0.5, 0.7, 0.6]);
    expect(ref!.ratioToFloor).toBe(0.6);
  });
});

describe('/proc readers', () => {
  it('reads the parent from a stat line whose command holds spaces and parentheses', () => {
    expect(parentOf('1234 (node (worker) x) S 77 1234 1234 0 -1')).toBe(77);
    expect(parentOf('garbage')).toBeUndefined();
  });
  it('reads VmRSS in bytes, 0 when absent', () => {
    expect(rssOf('Name:\tnode\nVmRSS:\t  2048 kB\nThreads: 7\n')).toBe(2048 * 1024);
    expect(rssOf('Name:\tkthreadd\n')).toBe(0);
  });
  it('walks a process tree from its root', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 11],
      [20, 1],
    ]);
    expect(descendants(10, parents).sort()).toEqual([10, 11, 12, 13]);
    expect(descendants(13, parents)).toEqual([13]);
  });
});

describe('bench cases', () => {
  it('are SDK-channel cases aimed at the fixture user, valid and invalid, with their SDK input', async () => {
    const spec = await defaultSpec();
    const b = benchCases(spec, { seed: 7, randomRuns: 20 });
    const user = fixtureUser();
    expect(b.cases.every((c) => c.channel === 'sdk')).toBe(true);
    expect(b.cases.every((c) => c.identityManagementType === BENCH_TYPE)).toBe(true);
    expect(b.mix.accepted).toBeGreaterThan(0);
    expect(b.mix.rejected).toBeGreaterThan(0);
    expect(b.inputs).toHaveLength(b.cases.length);
    // A case keeps the labels it is about (an invalid label); every other case is aimed at the fixture user.
    const aimed = b.cases.filter((c) => c.labels.InstanceId === user.InstanceId && c.labels.UserId === user.UserId);
    expect(aimed.length).toBeGreaterThan(b.cases.length / 2);
    const first = b.cases[0]!;
    expect(sdkInput(first)).toMatchObject(first.labels);
  });
  it('interleaves lists of different lengths', () => {
    expect(interleave<number | string>([1, 2, 3], ['a'])).toEqual([1, 'a', 2, 3]);
  });
});

describe('request counter', () => {
  it('routes requests to operations by method and path template, per phase', async () => {
    const spec = await defaultSpec();
    const counter = new RequestCounter(spec);
    const op = spec.operation;
    const path = op.pathTemplate.replace(/\{[^}]+\}/g, 'x');
    expect(counter.operationOf({ method: op.method, path })).toBe(op.name);
    expect(counter.operationOf({ method: 'GET', path: '/nowhere/at/all' })).toBe('other');
    counter.count({ method: op.method, path });
    counter.phase = 'boundary';
    counter.count({ method: op.method, path: `${path}?a=b` });
    counter.count({ method: op.method, path });
    expect(counter.total('open')).toBe(1);
    expect(counter.total('boundary')).toBe(2);
    expect(counter.total()).toBe(3);
  });
});

/** bench/results.json from a throughput run and a default run, with the other measurements fixed. */
function resultsOf(throughput: Measurements['throughput'], defaultRun: Measurements['defaultRun']) {
  const scenario = {
    name: 'default',
    rejectionBatch: 1,
    selection: 'all' as const,
    requests: 300,
    requirements: 50,
    applicable: 51,
    requestsPerRequirement: 6,
    boundaryCases: 100,
    byPhase: {},
    unreached: [],
    failed: [],
  };
  return buildResults(
    {
      throughput,
      defaultRun,
      heap: { mbAt1k: 28.5, mbAt10k: 29.1, growthMb: 0.6, slopeMbPer1k: 0.05, lateSlopeMbPer1k: 0.01, spaceGrowthMb: {}, checkpoints: [] },
      boundary: [scenario],
      targets: [],
    },
    { startedAt: new Date(0), loadBefore: [0, 0, 0] },
  );
}

describe('report', () => {
  const result = (name: PathResult['name'], cps: number): PathResult => ({
    name,
    casesPerSecond: cps,
    ratioToFloor: cps / 4000,
    rounds: [cps],
    spread: 0,
    roundRatios: [cps / 4000],
  });

  it('splits the reference path into additive parts, from the floor and each path ratio', () => {
    const floor = result('floor', 4000);
    const byName = new Map(
      [result('observed', 2000), result('replayed', 1000), result('reference', 500), result('handler', 10000)].map((p) => [p.name, p]),
    );
    const parts = breakdown(floor, byName);
    const us = (i: number) => parts[i]!.microsecondsPerCase;
    expect(us(0)).toBe(250);
    expect(us(0) + us(1) + us(2) + us(3)).toBeCloseTo(us(4));
    expect(us(4)).toBeCloseTo(microseconds(500));
    expect(breakdown(floor, new Map())).toEqual([]);
  });
  it('writes results.json with exactly the keys issue 7 names', () => {
    const groups = [
      { name: 'paths' as const, floor: result('floor', 4000), paths: [result('reference', 2400), result('serve', 1200)] },
      { name: 'nock' as const, floor: result('floor', 4000), paths: [result('nock', 300)] },
    ];
    const r = resultsOf(
      { groups, rounds: 1, cases: { count: 10, mix: {}, seed: 1 } },
      { wallSeconds: 20.04, peakRssMb: 700.123, peakProcessRssMb: 400, peakProcesses: 3, exitCode: 0 },
    );
    expect(r.paths.map((p) => Object.keys(p).sort())).toEqual([0, 1, 2].map(() => ['casesPerSecond', 'name', 'ratioToFloor']));
    expect(r.paths.map((p) => p.name)).toEqual(['reference', 'nock', 'serve']);
    expect(r.paths[0]!.ratioToFloor).toBe(0.6);
    expect(Object.keys(r.defaultRun).sort()).toEqual(['peakRssMb', 'wallSeconds']);
    expect(Object.keys(r.heap).sort()).toEqual(['mbAt10k', 'mbAt1k']);
    expect(r.boundaryPhase).toEqual({ requests: 300, requirements: 50 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it("computes the default runs' efficiency, the checkout's and the installed package's, against the floor beside them", () => {
    const floor = (rps: number) => ({ requestsPerSecond: rps, rounds: [rps] });
    const run = (wallSeconds: number, engineSeconds: number) => ({
      wallSeconds,
      engineSeconds,
      requests: 1500,
      peakRssMb: 190,
      peakProcessRssMb: 190,
      peakProcesses: 1,
      exitCode: 0,
    });
    const m: Measurements = {
      targets: [],
      floorBeside: { before: floor(2000), after: floor(4000) },
      defaultRun: run(5, 3),
      installedRun: run(2.5, 2),
    };
    expect(efficiencyOf(m)).toMatchObject({ floorRequestsPerSecond: 3000, idealSeconds: 0.5, efficiency: 0.1, engineSeconds: 3 });
    expect(efficiencyOf(m, m.installedRun)).toMatchObject({ efficiency: 0.2, engineSeconds: 2 });
    const shown = efficiencyTable(m);
    expect(shown).toMatch(/the checkout .*0\.100/);
    expect(shown).toMatch(/the installed package .*0\.200/);
    expect(efficiencyOf({ ...m, floorBeside: undefined })).toBeUndefined();
    expect(efficiencyTable({ targets: [] })).toBe('');
  });
  it('checks each measured target', () => {
    const t = checkTargets({ referenceRatio: 0.6, wallSeconds: 45, heapGrowthMb: 0.5, requestsPerRequirement: 6.8 });
    expect(t.map((x) => x.met)).toEqual([true, false, true, false]);
    expect(checkTargets({ referenceRatio: 0.4, wallSeconds: 12, heapGrowthMb: 9, requestsPerRequirement: 2 }).map((x) => x.met)).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect(checkTargets({})).toEqual([]);
  });
  it('pads table columns and right-aligns numbers', () => {
    const text = table(
      'T',
      ['name', 'n'],
      [
        ['a', num(1234)],
        ['bbb', '5×'],
      ],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('T');
    expect(lines[1]).toBe('name      n');
    expect(table('U', ['x', 'y'], [['a', 'text']]).split('\n')[3]).toBe('a  text');
    expect(lines[3]).toBe('a     1,234');
    expect(lines[4]).toBe('bbb      5×');
  });
});

describe('loopback floor', () => {
  const result = (name: PathResult['name'], cps: number): PathResult => ({
    name,
    casesPerSecond: cps,
    ratioToFloor: cps / 4000,
    rounds: [cps],
    spread: 0,
    roundRatios: [cps / 4000],
  });

  it('is timed in the group of the serve path, never beside nock', () => {
    const paths = DEFAULT_GROUPS.find((g) => g.name === 'paths')!.plans.map((p) => p.name);
    expect(paths).toEqual(expect.arrayContaining(['floor', 'reference', 'loopback', 'serve']));
    expect(DEFAULT_GROUPS.some((g) => g.plans.some((p) => p.name === 'nock') && g.plans.some((p) => p.name === 'loopback'))).toBe(false);
  });
  it('gives every path of its group a per-round ratio to it, beside the ratio to the in-memory floor', () => {
    const [floor, loopback, serve] = summarize(
      ['floor', 'loopback', 'serve'],
      [
        { floor: 4000, loopback: 2000, serve: 1600 },
        { floor: 2000, loopback: 1000, serve: 700 },
        { floor: 3000, loopback: 1500, serve: 1200 },
      ],
    );
    expect(loopback!.ratioToLoopback).toBe(1);
    expect(serve!.loopbackRoundRatios).toEqual([0.8, 0.7, 0.8]);
    expect(serve!.ratioToLoopback).toBe(0.8);
    expect(serve!.ratioToFloor).toBe(0.4);
    expect(floor!.ratioToLoopback).toBe(2);
    expect(summarize(['floor', 'reference'], [{ floor: 1, reference: 1 }])[1]!.ratioToLoopback).toBeUndefined();
  });
  it("checks issue 13's targets from one run's ratios, and writes them beside the keys of issue 7", async () => {
    const { speedTargets } = await import('../bench/results.ts');
    const { throughputTable } = await import('../bench/render.ts');
    const serve = { ...result('serve', 1200), ratioToLoopback: 0.75, loopbackRoundRatios: [0.75] };
    const loopback = { ...result('loopback', 1600), ratioToLoopback: 1, loopbackRoundRatios: [1] };
    const run = (reference: number) => ({
      groups: [
        { name: 'paths' as const, floor: result('floor', 4000), paths: [result('reference', reference), loopback, serve] },
        { name: 'nock' as const, floor: result('floor', 4000), paths: [result('nock', 300)] },
      ],
      rounds: 1,
      cases: { count: 10, mix: {}, seed: 1 },
    });
    expect(speedTargets(run(3400)).map((t) => t.met)).toEqual([true, true]);
    expect(speedTargets(run(3000)).map((t) => [t.measured, t.met])).toEqual([
      ['0.75 × floor', false],
      ['0.75 × loopback floor', true],
    ]);
    expect(throughputTable(run(3000))).toContain('serve ≥ 0.7 × loopback floor');
    const r = resultsOf(run(3000), { wallSeconds: 20, peakRssMb: 700, peakProcessRssMb: 400, peakProcesses: 3, exitCode: 0 });
    expect(r.paths.map((p) => Object.keys(p).sort())).toEqual([0, 1, 2].map(() => ['casesPerSecond', 'name', 'ratioToFloor']));
    expect(r.paths.map((p) => p.name)).toEqual(['reference', 'nock', 'serve']);
    expect(r.loopbackFloor).toEqual({ casesPerSecond: 1600, ratioToFloor: 0.4, rounds: [1600], serveRatioToLoopback: 0.75 });
    expect(r.speedTargets).toHaveLength(2);
  });
  it('is the SDK against a trivial server on 127.0.0.1 answering a canned 200, closed afterwards', async () => {
    const { openLoopbackFloor } = await import('../bench/paths.ts');
    const spec = await defaultSpec();
    const { inputs } = benchCases(spec, { seed: 7, randomRuns: 2 });
    const path = await openLoopbackFloor();
    try {
      // send() throws unless the SDK got its success: the canned 200 came back over loopback.
      for (const input of inputs.slice(0, 5)) await path.send(input);
      expect(path.name).toBe('loopback');
    } finally {
      await path.close();
    }
  });
});

describe('verification in the reference path', () => {
  const result = (name: PathResult['name'], cps: number): PathResult => ({
    name,
    casesPerSecond: cps,
    ratioToFloor: cps / 4000,
    rounds: [cps],
    spread: 0,
    roundRatios: [cps / 4000],
  });

  it('is timed as the reference path with verification off, in the diagnostic group, and split out of the breakdown', () => {
    expect(DEFAULT_GROUPS.find((g) => g.name === 'diagnostic')!.plans.map((p) => p.name)).toEqual(
      expect.arrayContaining(['reference', 'unverified']),
    );
    const byName = new Map(
      [
        result('observed', 2000),
        result('replayed', 1000),
        result('reference', 500),
        result('unverified', 800),
        result('handler', 10000),
      ].map((p) => [p.name, p]),
    );
    const parts = breakdown(result('floor', 4000), byName);
    expect(parts.at(-1)!.part).toContain('SigV4 verification');
    expect(parts.at(-1)!.microsecondsPerCase).toBeCloseTo(microseconds(500) - microseconds(800));
    expect(breakdown(result('floor', 4000), new Map([...byName].filter(([k]) => k !== 'unverified')))).toHaveLength(6);
  });
  it('opens over the same default fixtures, answers every case, and closes', async () => {
    const { openPath, pathContext } = await import('../bench/paths.ts');
    const spec = await defaultSpec();
    const { inputs } = benchCases(spec, { seed: 7, randomRuns: 2 });
    const path = await openPath('unverified', pathContext(spec, inputs));
    try {
      for (const input of inputs.slice(0, 5)) await path.send(input);
    } finally {
      await path.close();
    }
  });
});
