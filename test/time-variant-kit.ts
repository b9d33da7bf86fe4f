// What the tests of targets that misbehave in time share (test/time-variants*.test.ts): the bound on requests, the
// seed, a variant's server on 127.0.0.1 (closed when the test that started it ends), and `connect-conformance run
// --target endpoint` against it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Results } from '../engine/results.ts';
import { defaultSpec } from '../spec/index.ts';
import { endpointEnv, endpointFlags, startVariantServer, type VariantServer } from '../variants/time.ts';
import { modelledMembers, runBin } from './helpers.ts';

/** Issue 11: a broken target's run ends "under 5,000 requests". */
export const MAX_REQUESTS = 5_000;
export const SEED = 3;
const cli = (args: string[], env: NodeJS.ProcessEnv) => runBin(args, env);
export const modelled = modelledMembers;

export const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
export const failing = (r: { requirements: { id: string; status: string }[] }) =>
  r.requirements.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.id);

/** A variant's server on 127.0.0.1, closed when the test that started it ends (passed or failed). */
export async function serve(options: Parameters<typeof startVariantServer>[1]): Promise<VariantServer> {
  const server = await startVariantServer(await defaultSpec(), options);
  onTestFinished(() => server.close());
  return server;
}

/** A run's seed and size in these tests, and a short read-back window. */
export const SMALL = ['--seed', String(SEED), '--runs', '2'];
export const WINDOW = ['--read-back-window', '1000'];

/** `connect-conformance run --target endpoint` against a server, with `flags`, quietly, into a new report folder. */
export async function endpointRun(server: VariantServer, name: string, flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), `cc-${name}-`));
  const r = await cli(
    ['run', ...endpointFlags(server), ...flags, '--quiet', '--report-dir', dir],
    endpointEnv(process.env, server.fixtures),
  );
  return { r, dir };
}

/** Requirements skipped for lack of an answer, which a run must never report (a request without one is an error). */
export const skippedForLackOfAnswer = (res: Results) =>
  res.requirements.filter((x) => x.status === 'skip' && /not reached|no check ran|no case reached/.test(x.reason ?? '')).map((x) => x.id);
