// The check of a correct target in time (issue 11 item 4, issue 19): `connect-conformance run --target endpoint`
// against one of the correct time variants (variants/time.ts, served on 127.0.0.1: by default the reference whose
// reads lag its writes by 200 ms; `--target reads-from-stale-replicas`, `--target throttles-per-client`), on N seeds
// in a row: each run must pass (exit 0, no requirement failing) and leave every fixture user's modelled members
// exactly as before the run. Slow by design (every accepted update costs the suite a few poll intervals, a throttled
// request a backoff): a script, not a test.
//
//   npx tsx bench/lag-seeds.ts [--target NAME] [--seeds 10] [--first 1] [--runs N] [--out FILE]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultSpec } from '../spec/index.ts';
import { runTimeTarget, TIME_TARGETS, type TimeRun } from './time-variants.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    target: { type: 'string' },
    seeds: { type: 'string' },
    first: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
  },
});
const seeds = Number(values.seeds ?? 10);
const first = Number(values.first ?? 1);
const runs = values.runs ? Number(values.runs) : undefined;
const wanted = values.target ?? 'reads-lag-writes';
const lagging = TIME_TARGETS.find((t) => t.kind === 'correct' && t.name.startsWith(wanted));
if (!lagging) {
  console.error(
    `--target ${wanted}: no correct time target of that name (${TIME_TARGETS.filter((t) => t.kind === 'correct')
      .map((t) => t.name)
      .join(', ')})`,
  );
  process.exit(2);
}
const spec = await defaultSpec();
const loadBefore = loadavg();
const out: (TimeRun & { seed: number })[] = [];
for (let seed = first; seed < first + seeds; seed++) {
  const r = await runTimeTarget(ROOT, spec, lagging, { seed, runs });
  out.push({ ...r, seed });
  const ok = r.caught && r.fixturesAsBefore === true;
  console.log(
    `seed ${seed}: exit ${r.exitCode}, ${r.requests} requests, ${r.wallSeconds.toFixed(1)} s, fixtures ${r.fixturesAsBefore ? 'as before' : 'CHANGED'}${r.failed.length ? `, failed ${r.failed.join(' ')}` : ''}${ok ? '' : '  <-- NOT PASSED'}`,
  );
}
const passed = out.filter((r) => r.caught && r.fixturesAsBefore === true).length;
console.log(
  `${lagging.name}: ${passed}/${out.length} seeds passed in a row${passed === out.length ? '' : ' — NOT all'}; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (values.out)
  writeFileSync(
    values.out,
    `${JSON.stringify({ target: lagging.name, runs: runs ?? 'default', loadBefore, loadAfter: loadavg(), seeds: out }, null, 1)}\n`,
  );
process.exitCode = passed === out.length ? 0 : 1;
