// `npm run bench`: the benchmarks of issue 7 (item 2) and their targets (item 3). Prints a table per measurement
// and writes bench/results.json. Loopback only; every count and every child process is bounded; every server it
// starts is closed. Never a timing assertion anywhere: the targets are reported, not enforced.
//
//   npx tsx bench/run.ts [--rounds N] [--quick] [--only paths,default-run,heap,boundary] [--seed N] [--out FILE]
//
// --quick scales every count to a quarter (3 rounds); --only runs some sections and writes only with --out FILE
// (a file marked `partial`, with the keys of the sections that ran).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultSpec } from '../spec/index.ts';
import { measureBoundary } from './boundary.ts';
import { measureDefaultRun, measureInProcessRun } from './default-run.ts';
import { measureHeap } from './heap.ts';
import { useExampleCredentials } from './paths.ts';
import { boundaryTable, breakdownTable, defaultRunTable, heapTable, targetsTable, throughputTable } from './render.ts';
import { buildResults, headlinePaths, partialResults, type Measurements } from './results.ts';
import { checkTargets } from './targets.ts';
import { measureThroughputInChild } from './throughput.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['paths', 'default-run', 'heap', 'boundary'] as const;
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
    console.log('Usage: npx tsx bench/run.ts [--rounds N] [--quick] [--only paths,default-run,heap,boundary] [--seed N] [--out FILE]');
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
  if (o.sections.has('heap')) {
    log('heap: 10,000 cases in a child node --expose-gc');
    m.heap = await measureHeap(ROOT, { seed: o.seed, randomRuns: RANDOM_RUNS });
    show(heapTable(m.heap));
  }
  if (o.sections.has('default-run')) {
    // Last, so that nothing of this process (nock's retained heap, JIT state) runs beside it.
    log('default run: node bin/connect-conformance.js run');
    m.defaultRun = await measureDefaultRun(ROOT);
    log('the same suites in one process, without vitest (comparison)');
    m.inProcessRun = await measureInProcessRun(ROOT, { seed: o.seed });
    show(defaultRunTable(m.defaultRun, m.inProcessRun));
  }

  m.targets = checkTargets({
    referenceRatio: m.throughput && headlinePaths(m.throughput).find((p) => p.name === 'reference')?.ratioToFloor,
    wallSeconds: m.defaultRun?.wallSeconds,
    heapGrowthMb: m.heap?.growthMb,
    requestsPerRequirement: m.boundary?.[0]?.requestsPerRequirement,
  });
  show(targetsTable(m.targets));
  if (o.out) {
    const complete = m.throughput && m.defaultRun && m.heap && m.boundary;
    writeFileSync(o.out, `${JSON.stringify(complete ? buildResults(m, { startedAt, loadBefore }) : partialResults(m), null, 2)}\n`);
    console.log(`\nresults: ${o.out}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
