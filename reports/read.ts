// Reading a results.json given on the command line: a missing, unreadable or foreign file is one line (UsageError).
// The file is checked against the schema its writer checked it against (reports/results-schema.ts), and its verdict
// is computed again from its facts (reports/verdict.ts judged), so that a file written before the verdict was
// recorded in full reads like a new one.
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import type { Results } from '../engine/results.ts';
import { resultsProblem } from './results-schema.ts';
import { judged } from './verdict.ts';

/** Reads, checks and judges one results.json. */
export function readResults(file: string): Results {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === 'ENOENT' ? 'no such file (connect-conformance run --report-dir DIR writes DIR/results.json)' : `cannot be read (${code ?? (e as Error).message})`}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const problem = resultsProblem(value);
  if (problem) throw new UsageError(`${file}: not a results.json of connect-conformance: ${problem}`);
  try {
    return judged(value as Results);
  } catch (e) {
    // A recorded baseline that names a requirement the file does not have.
    if (e instanceof UsageError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}
