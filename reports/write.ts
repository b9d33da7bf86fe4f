// Writing a run's reports into one directory: results.json (redacted once more), index.html and junit.xml.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BaselineView } from './baseline.ts';
import { renderHtml } from './html.ts';
import type { Strength } from './strength.ts';
import { renderJunit } from './junit.ts';
import type { Results } from '../engine/results.ts';
import { envSecrets, redactResults } from './sanitize.ts';

export interface WriteExtra {
  baseline?: BaselineView;
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
  mkdirSync(out, { recursive: true });
  const secrets = extra.secrets ?? envSecrets();
  // A baseline's verdict is kept in results.json, so that `connect-conformance report` re-renders it.
  const clean = redactResults(extra.baseline ? { ...results, baseline: extra.baseline } : results, secrets);
  const files: Written = { results: join(out, 'results.json'), html: join(out, 'index.html'), junit: join(out, 'junit.xml') };
  writeFileSync(files.results, `${JSON.stringify(clean, null, 2)}\n`);
  writeFileSync(files.html, renderHtml(clean, { strength: extra.strength, secrets }));
  writeFileSync(files.junit, renderJunit(clean, { secrets }));
  return files;
}
