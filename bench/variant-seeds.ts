// Issue 20's check of its faults: every broken variant of variants/coverage.ts (over-strict validators, a normalising
// Mobile store, a router that decodes labels) run as `npm run strength` runs a variant (every suite, every identity
// management type, in process), on N seeds in a row at the default number of random examples: each must be caught on
// every seed. The cases that catch them do not depend on the seed (test/variants.test.ts checks that, and two seeds);
// this script shows it on twenty. Slow by design (a full run per variant and seed): a script, not a test.
//
//   npx tsx bench/variant-seeds.ts [--seeds 20] [--first 1] [--runs 25] [--variant A,B] [--out FILE]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { COVERAGE_BROKEN, judgeVariant, runVariant } from '../variants/index.ts';

/** As `npm run strength` bounds a broken variant's fast-check runs. */
const BROKEN_CHECK_LIMIT_MS = 2_000;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seeds: { type: 'string' },
    first: { type: 'string' },
    runs: { type: 'string' },
    variant: { type: 'string' },
    out: { type: 'string' },
  },
});
const seeds = Number(values.seeds ?? 20);
const first = Number(values.first ?? 1);
const runs = Number(values.runs ?? 25);
const names = values.variant?.split(',').map((s) => s.trim());
const variants = COVERAGE_BROKEN.filter((v) => !names || names.includes(v.name));
if (names && variants.length !== names.length)
  throw new Error(`--variant: no such variant among ${COVERAGE_BROKEN.map((v) => v.name).join(', ')}`);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const loadBefore = loadavg();
const rows: { variant: string; caught: number[]; missed: { seed: number; summary: string }[]; requests: number[]; seconds: number }[] = [];
for (const v of variants) {
  const started = Date.now();
  const row = {
    variant: v.name,
    caught: [] as number[],
    missed: [] as { seed: number; summary: string }[],
    requests: [] as number[],
    seconds: 0,
  };
  for (let seed = first; seed < first + seeds; seed++) {
    const run = await runVariant(v, { seed, runs, checkTimeLimitMs: BROKEN_CHECK_LIMIT_MS });
    const judgement = await judgeVariant(v, run);
    row.requests.push(run.requests);
    if (judgement.ok) row.caught.push(seed);
    else row.missed.push({ seed, summary: judgement.summary });
  }
  row.seconds = (Date.now() - started) / 1000;
  rows.push(row);
  const all = row.missed.length === 0;
  console.log(
    `${v.name.padEnd(38)} caught on ${row.caught.length}/${seeds} seeds (${first}..${first + seeds - 1}), ${Math.min(...row.requests)}..${Math.max(...row.requests)} requests, ${row.seconds.toFixed(0)} s${all ? '' : `  <-- MISSED on ${row.missed.map((m) => `${m.seed} (${m.summary})`).join('; ')}`}`,
  );
}
const missed = rows.filter((r) => r.missed.length);
console.log(
  `${rows.length - missed.length}/${rows.length} variants caught on every seed; ${runs} random examples per property; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (values.out)
  writeFileSync(
    values.out,
    `${JSON.stringify({ seeds: { first, count: seeds }, runs, loadBefore, loadAfter: loadavg(), variants: rows }, null, 1)}\n`,
  );
process.exitCode = missed.length ? 1 : 0;
