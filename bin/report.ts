// `connect-conformance report DIR/results.json`: renders index.html and junit.xml again from a results.json alone
// (after an upgrade of the tool, or to apply a baseline to an old run), and prints the verdict they state: the one
// the run stated (with the baseline it was judged against), or with --baseline the verdict against that baseline.
// It never fails for the run's outcome.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readBaseline } from '../reports/baseline.ts';
import { readResults } from '../reports/read.ts';
import { judged, verdictLine } from '../reports/verdict.ts';
import { writeReports } from '../reports/write.ts';
import { parseFlags, UsageError, writableDir } from './usage.ts';

export const REPORT_HELP = `Usage: connect-conformance report DIR/results.json [--out DIR] [--baseline FILE]

Renders DIR/index.html (the HTML report) and DIR/junit.xml again from a results.json alone.
  --out DIR          where the reports go (default: the folder of results.json); results.json is copied there
  --baseline FILE    judge the run against this baseline (default: the one it was judged against, if any) and
                     show each listed requirement's state (expected failure, stale, expired, not run)
Prints the verdict the reports state. Exit 0 when the reports were written, 2 for a missing or malformed file.`;

/** DIR or DIR/results.json → the results.json path. */
function resultsPath(arg: string): string {
  try {
    if (statSync(arg).isDirectory()) return join(arg, 'results.json');
  } catch {
    // not there: readResults says so
  }
  return arg;
}

export async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'report',
    args,
    { out: { type: 'string' }, baseline: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    { positionals: true },
  );
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`connect-conformance report: give one results.json (got ${positionals.length}; see --help)`);
  const file = resultsPath(positionals[0]!);
  const read = readResults(file);
  const results = values.baseline
    ? judged(read, {
        ...readBaseline(
          values.baseline,
          read.requirements.map((r) => r.id),
        ),
        today: new Date(),
      })
    : read;
  const out = values.out ? writableDir('--out', resolve(values.out)) : resolve(dirname(file));
  const written = writeReports(out, results);
  console.log(
    `connect-conformance report: wrote ${written.html} and ${written.junit}${results.baseline ? ` (baseline ${results.baseline.file}, judged on ${results.baseline.today})` : ''}`,
  );
  console.log(verdictLine(results));
  for (const r of results.summary.reasons) console.log(`  ${r}`);
  return 0;
}
