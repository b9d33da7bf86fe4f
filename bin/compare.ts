// `connect-conformance compare`: a column per results.json (a wpt.fyi-style matrix that marks what newly fails or
// newly passes between runs of the same target), or with --merge, the shards of one run joined into one
// results.json, index.html and junit.xml.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { readBaseline } from '../reports/baseline.ts';
import { compareRuns, renderCompare } from '../reports/compare.ts';
import { mergeResults, shardsBaseline } from '../reports/merge.ts';
import { readResults } from '../reports/read.ts';
import { envSecrets } from '../reports/sanitize.ts';
import { scoreText } from '../engine/summary.ts';
import { judged, verdictLine } from '../reports/verdict.ts';
import { writeReports } from '../reports/write.ts';
import { parseFlags, UsageError, writableDir } from './usage.ts';

export const COMPARE_HELP = `Usage: connect-conformance compare A/results.json B/results.json ... [--out DIR]
       connect-conformance compare --merge SHARD1/results.json SHARD2/results.json ... [--out DIR] [--baseline FILE]

Without --merge: writes DIR/index.html (default DIR: reports/compare), a column per results.json and a row per
requirement, each column headed by its run's verdict; a requirement that fails after passing in the previous run of
the same target (same kind and endpoint, in startedAt order) is marked newly failing, and one that passes after
failing, newly passing. Exit 0 (it shows, it does not judge).

With --merge: joins the results of the shards of one run (run --shard i/n; same seed and target, every shard
given once) into DIR/results.json, DIR/index.html and DIR/junit.xml (default DIR: reports/out). Per requirement a
failure wins, then a pass, then skip and n/a; cases and failures add up. The merged run is judged like a run:
against --baseline FILE, or else the baseline the shards were judged against (when they all were, against the
same one). Exit 0 when the verdict is CONFORMANT (with a baseline: "CONFORMANT with N expected failures"), 1 when
it is not, 2 for bad input.`;

function resultsPath(arg: string): string {
  try {
    if (statSync(arg).isDirectory()) return join(arg, 'results.json');
  } catch {
    // readResults names a missing file
  }
  return arg;
}

/** The column name of a results file: its folder for DIR/results.json, else the file name. */
function labels(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = basename(f) === 'results.json' ? basename(dirname(resolve(f))) : basename(f).replace(/\.json$/, '');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n > 1 ? `${base} (${n})` : base;
  });
}

export async function compare(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'compare',
    args,
    {
      out: { type: 'string' },
      merge: { type: 'boolean' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    { positionals: true },
  );
  if (values.help) {
    console.log(COMPARE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('connect-conformance compare: give at least one results.json (see --help)');
  const files = positionals.map(resultsPath);
  const list = files.map(readResults);

  if (values.merge) {
    const merged = mergeResults(list);
    const baseline = values.baseline
      ? {
          ...readBaseline(
            values.baseline,
            merged.requirements.map((r) => r.id),
          ),
          today: new Date(),
        }
      : shardsBaseline(list);
    const final = judged(merged, baseline ?? null);
    const out = writableDir('--out', resolve(values.out ?? 'reports/out'));
    const written = writeReports(out, final);
    const { must, should } = final.summary;
    console.log(
      `connect-conformance compare --merge: ${list.length} results joined; MUST ${scoreText(must)}, SHOULD ${scoreText(should)}${final.baseline ? `; baseline ${final.baseline.file}${values.baseline ? '' : ' (the one the shards were judged against)'}` : ''}`,
    );
    console.log(`wrote ${written.results}, ${written.html} and ${written.junit}`);
    console.log(verdictLine(final));
    for (const r of final.summary.reasons) console.log(`  ${r}`);
    for (const n of final.fixtures.filter((f) => !f.restored)) console.error(`fixture user ${n.userId} was NOT restored: ${n.note ?? ''}`);
    return final.summary.passed ? 0 : 1;
  }

  if (values.baseline) throw new UsageError('connect-conformance compare: --baseline goes with --merge only');
  const out = resolve(values.out ?? 'reports/compare');
  const names = labels(files);
  const link = (file: string) => {
    const index = join(dirname(resolve(file)), 'index.html');
    return existsSync(index) ? relative(out, index).split(sep).join('/') : undefined;
  };
  // Runs of different operations are refused before anything is written.
  const comparison = compareRuns(list.map((results, i) => ({ label: names[i]!, results, href: link(files[i]!) })));
  writableDir('--out', out);
  mkdirSync(out, { recursive: true });
  const file = join(out, 'index.html');
  writeFileSync(file, renderCompare(comparison, { secrets: envSecrets() }));
  const failing = comparison.changes.filter((c) => c.change === 'newly-failing').length;
  const passing = comparison.changes.length - failing;
  console.log(
    `connect-conformance compare: ${list.length} runs of ${comparison.operation}, ${comparison.rows.length} requirements; ${failing} newly failing, ${passing} newly passing; wrote ${file}`,
  );
  for (const [i, c] of comparison.columns.entries()) console.log(`  ${i + 1}. ${c.label}: ${c.results.summary.headline}`);
  for (const c of comparison.changes)
    console.log(
      `  ${c.change === 'newly-failing' ? 'newly failing' : 'newly passing'} ${c.id} in ${comparison.columns[c.column]!.label} (after ${comparison.columns[c.previous]!.label})`,
    );
  return 0;
}
