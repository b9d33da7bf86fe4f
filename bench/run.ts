// `npm run bench`: the benchmarks of issue 7 (item 2) and their targets (item 3). Prints a table per measurement
// and writes bench/results.json. Loopback only; every count and every child process is bounded; every server it
// starts is closed. Never a timing assertion anywhere: the targets are reported, not enforced.
//
//   npx tsx bench/run.ts [--rounds N] [--quick] [--only paths,default-run,heap,boundary,plan,help,time] [--seed N] [--out FILE]
//
// Issue 13 item 2 adds: the default run's efficiency (section default-run: the in-memory floor measured right before
// and after it), the budget-aware plan per requirement (plan), the installed bin's --help beside node -e 0 (help), and
// the time and requests to a verdict against each target that misbehaves in time, beside a correct one's (time).
//
// --quick scales every count to a quarter (3 rounds); --only runs some sections and writes only with --out FILE
// (a file marked `partial`, with the keys of the sections that ran).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultSpec } from '../spec/index.ts';
import { measureBoundary } from './boundary.ts';
import { measureDefaultRun, measureInProcessRun } from './default-run.ts';
import { measureFloorRate } from './efficiency.ts';
import { buildInstalled, measureHelpTime } from './help-time.ts';
import { measurePlanBudget } from './plan-budget.ts';
import { measureTimeTargets } from './time-variants.ts';
import { measureHeap } from './heap.ts';
import { useExampleCredentials } from './paths.ts';
import {
  boundaryTable,
  breakdownTable,
  defaultRunTable,
  efficiencyTable,
  heapTable,
  helpTable,
  planTable,
  targetsTable,
  throughputTable,
  timeTable,
} from './render.ts';
import { buildResults, efficiencyOf, headlinePaths, partialResults, timeToVerdict, type Measurements } from './results.ts';
import { checkRealTargets, checkTargets } from './targets.ts';
import { measureThroughputInChild } from './throughput.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['paths', 'default-run', 'heap', 'boundary', 'plan', 'help', 'time'] as const;
type Section = (typeof SECTIONS)[number];

/** Random cases per generator (valid and invalid) in the throughput list, beside the boundary cases. */
const RANDOM_RUNS = 200;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`--only: unknown section(s) ${unknown.join(', ')} (${SECTIONS.join(', ')})`);
  const rounds = values.rounds ? Number(values.rounds) : values.quick ? 3 : 5;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new Error('--rounds must be an integer from 1 to 50');
  const seed = values.seed ? Number(values.seed) : 7;
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const complete = only.length === SECTIONS.length;
  return {
    help: values.help === true,
    sections: new Set(only as Section[]),
    rounds,
    scale: values.quick ? 0.25 : 1,
    seed,
    out: values.out ? resolve(values.out) : complete ? join(ROOT, 'bench', 'results.json') : undefined,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<void> {
  const o = options(argv);
  if (o.help) {
    console.log(`Usage: npx tsx bench/run.ts [--rounds N] [--quick] [--only ${SECTIONS.join(',')}] [--seed N] [--out FILE]`);
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  useExampleCredentials();
  const startedAt = new Date();
  const loadBefore = loadavg();
  const spec = await defaultSpec();
  const m: Measurements = { targets: [] };
  const printed: string[] = [];
  const show = (text: string) => {
    if (!text) return;
    printed.push(text);
    console.log(`\n${text}`);
  };

  if (o.sections.has('paths')) {
    log(`throughput: in a child node --expose-gc, ${o.rounds} rounds`);
    m.throughput = await measureThroughputInChild(ROOT, { seed: o.seed, randomRuns: RANDOM_RUNS, rounds: o.rounds, scale: o.scale });
    show(throughputTable(m.throughput));
    show(breakdownTable(m.throughput));
  }
  if (o.sections.has('boundary')) {
    log('boundary: counting requests per scenario');
    m.boundary = await measureBoundary(spec, { seed: o.seed });
    show(boundaryTable(m.boundary));
  }
  if (o.sections.has('plan')) {
    log('plan: the budget-aware plan, dry run (planCount)');
    m.plan = await measurePlanBudget(spec, { seed: o.seed });
    show(planTable(m.plan));
  }
  if (o.sections.has('help')) {
    log("help: the installed bin's --help beside node -e 0");
    m.help = measureHelpTime(ROOT, { rounds: o.scale < 1 ? 5 : 10 });
    show(helpTable(m.help));
  }
  if (o.sections.has('time')) {
    log('time: connect-conformance run --target endpoint against each target that misbehaves in time');
    m.time = await measureTimeTargets(ROOT, spec, { seed: o.seed, log });
    show(timeTable(m.time));
  }
  if (o.sections.has('heap')) {
    log('heap: 10,000 cases in a child node --expose-gc');
    m.heap = await measureHeap(ROOT, { seed: o.seed, randomRuns: RANDOM_RUNS });
    show(heapTable(m.heap));
  }
  if (o.sections.has('default-run')) {
    // Last, so that nothing of this process (nock's retained heap, JIT state) runs beside it.
    log('default run: the in-memory floor, node bin/connect-conformance.js run (checkout, then installed), the floor again');
    const installed = mkdtempSync(join(tmpdir(), 'connect-conformance-installed-'));
    try {
      buildInstalled(ROOT, installed);
      // Untimed first runs: the spec cache (spec/load-cache.ts) and tsx's transform cache hold their entries, as they
      // do for every run but the first after an edit.
      await measureDefaultRun(ROOT);
      await measureDefaultRun(installed);
      const before = await measureFloorRate(spec, { seed: o.seed });
      m.defaultRun = await measureDefaultRun(ROOT);
      m.installedRun = await measureDefaultRun(installed);
      const after = await measureFloorRate(spec, { seed: o.seed });
      m.floorBeside = { before, after };
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
    log('the engine alone in one process (comparison)');
    m.inProcessRun = await measureInProcessRun(ROOT, { seed: o.seed });
    show(defaultRunTable(m.defaultRun, m.inProcessRun));
    show(efficiencyTable(m));
  }

  m.targets = checkTargets({
    referenceRatio: m.throughput && headlinePaths(m.throughput).find((p) => p.name === 'reference')?.ratioToFloor,
    wallSeconds: m.defaultRun?.wallSeconds,
    heapGrowthMb: m.heap?.growthMb,
    requestsPerRequirement: m.boundary?.[0]?.requestsPerRequirement,
  });
  const time = m.time && timeToVerdict(m.time);
  m.targets.push(
    ...checkRealTargets({
      efficiency: efficiencyOf(m)?.efficiency,
      peakRssMb: m.defaultRun?.peakRssMb,
      planRequestsPerRequirement: m.plan?.requestsPerRequirement,
      worstTimeRatio: time?.worst,
      timeVerdicts: m.time && {
        ok: time!.allAsExpected,
        wrong: m.time.filter((r) => !r.caught || r.fixturesAsBefore === false).map((r) => r.name),
      },
    }),
  );
  show(targetsTable(m.targets));
  if (o.out) {
    const complete = m.throughput && m.defaultRun && m.heap && m.boundary && m.plan && m.help && m.time;
    writeFileSync(o.out, `${JSON.stringify(complete ? buildResults(m, { startedAt, loadBefore }) : partialResults(m), null, 2)}\n`);
    console.log(`\nresults: ${o.out}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
