// What produced a report: this suite's name, version and commit, and the SDK version it drives.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from './results.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function toolInfo(): Results['tool'] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const sdk = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@aws-sdk/client-connect/package.json'), 'utf8')) as { version: string }).version;
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    commit = undefined;
  }
  return { name: pkg.name, version: pkg.version, commit, sdk };
}
