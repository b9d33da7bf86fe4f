// Writing a run's reports into one directory (created with the folders above it): results.json (redacted once
// more), index.html and junit.xml, all three from the same judged results (reports/verdict.ts), so that they state
// one verdict. results.json is checked against its schema first: a results.json that does not match is a bug of the
// tool, an error, never a file written for the readers to refuse later.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderHtml } from './html.ts';
import type { Strength } from './strength.ts';
import { renderJunit } from './junit.ts';
import type { Results } from '../engine/results.ts';
import { resultsProblem } from './results-schema.ts';
import { envSecrets, redactResults } from './sanitize.ts';
import { judged, type BaselineInput } from './verdict.ts';

export interface WriteExtra {
  /** The baseline to judge the run against (default: the one the results were judged against before, if any). */
  baseline?: BaselineInput;
  strength?: Strength;
  /** Secret values never to write; default: the secret key and session token of this process's environment. */
  secrets?: readonly string[];
}

export interface Written {
  results: string;
  html: string;
  junit: string;
}

/** Writes DIR/results.json, DIR/index.html and DIR/junit.xml; returns their paths. */
export function writeReports(dir: string, results: Results, extra: WriteExtra = {}): Written {
  const out = resolve(dir);
  const secrets = extra.secrets ?? envSecrets();
  // The verdict (with the baseline) is recorded in results.json, so that `connect-conformance report` re-renders it.
  const clean = redactResults(judged(results, extra.baseline), secrets);
  const problem = resultsProblem(clean);
  if (problem)
    throw new Error(
      `connect-conformance: the results.json about to be written does not match its schema (reports/results-schema.ts): ${problem}. Nothing was written; this is a bug of the tool.`,
    );
  mkdirSync(out, { recursive: true });
  const files: Written = { results: join(out, 'results.json'), html: join(out, 'index.html'), junit: join(out, 'junit.xml') };
  writeFileSync(files.results, `${JSON.stringify(clean, null, 2)}\n`);
  writeFileSync(files.html, renderHtml(clean, { strength: extra.strength, secrets }));
  writeFileSync(files.junit, renderJunit(clean, { secrets }));
  return files;
}
