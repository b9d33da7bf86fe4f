// Targets that misbehave in time (issue 11, item 4; variants/time.ts). Each broken one is caught by its requirement
// and the run ends within a bounded number of requests — asserted on the count, never on the clock: in process
// (wrapHandler) for the variants of the handler, through `connect-conformance run --target endpoint` against a server
// on 127.0.0.1 for those of the socket (connections reset; a server that never answers: one line, exit 2; the one
// that drops only the first connection is test/preflight-retry.test.ts's, beside a clean run). The
// correct target whose reads lag its writes by 200 ms passes over HTTP, and every fixture user reads back exactly as
// before the run. Small --runs and one seed here; the ten seeds in a row are bench/lag-seeds.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportResults } from '../reports/html.ts';
import { runConformance } from '../api/run.ts';
import { defaultSpec } from '../spec/index.ts';
import { judgeVariant, runVariant } from '../variants/run.ts';
import {
  endpointEnv,
  endpointFlags,
  fullFixtures,
  ANSWERED_UPDATES,
  DIES_AFTER,
  LAG_MS,
  leaksUpdateLate,
  readsFromReplicas,
  REPLICA_LAGS_MS,
  stopsAnsweringUpdates,
  throttled,
  readsLagWrites,
  SOCKET_BROKEN,
  startVariantServer,
  TIME_BROKEN,
  TIME_CORRECT,
  writesRejectedLate,
  type VariantServer,
} from '../variants/time.ts';
import type { Variant } from '../variants/variant.ts';
import { modelledMembers, runBin } from './helpers.ts';

/** Issue 11: a broken target's run ends "under 5,000 requests". */
const MAX_REQUESTS = 5_000;
const SEED = 3;
const cli = (args: string[], env: NodeJS.ProcessEnv) => runBin(args, env);
const modelled = modelledMembers;

const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ReportResults;
const failing = (r: { requirements: { id: string; status: string }[] }) => r.requirements.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.id);

let servers: VariantServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(options: Parameters<typeof startVariantServer>[1]): Promise<VariantServer> {
  const server = await startVariantServer(await defaultSpec(), options);
  servers.push(server);
  return server;
}

/** A run's seed and size in these tests, and a short read-back window. */
const SMALL = ['--seed', String(SEED), '--runs', '2'];
const WINDOW = ['--read-back-window', '1000'];

/** `connect-conformance run --target endpoint` against a server, with `flags`, quietly, into a new report folder. */
async function endpointRun(server: VariantServer, name: string, flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), `cc-${name}-`));
  const r = await cli(['run', ...endpointFlags(server), ...flags, '--quiet', '--report-dir', dir], endpointEnv(process.env, server.fixtures));
  return { r, dir };
}

/** Requirements skipped for lack of an answer, which a run must never report (a request without one is an error). */
const skippedForLackOfAnswer = (res: ReportResults) => res.requirements.filter((x) => x.status === 'skip' && /not reached|no check ran|no case reached/.test(x.reason ?? '')).map((x) => x.id);

describe('the catalogue of time variants', () => {
  it('gives every broken one a requirement of the catalogue and a suite, and none of them lags', async () => {
    const spec = await defaultSpec();
    const ids = new Set(spec.requirements.map((r) => r.id));
    for (const v of TIME_BROKEN) {
      expect(v.kind, v.name).toBe('broken');
      expect(v.caughtBy?.length, v.name).toBeGreaterThan(0);
      expect(v.caughtBy!.filter((id) => !ids.has(id)), v.name).toEqual([]);
      expect(['validation', 'acceptance', 'existence', 'statefulModel', 'authentication'], v.name).toContain(v.suite);
      expect(v.lagsReadBack, v.name).toBeFalsy();
    }
    for (const v of TIME_CORRECT) expect(v.kind, v.name).toBe('correct');
    for (const v of SOCKET_BROKEN) expect(v.caughtBy.filter((id) => !ids.has(id)), v.name).toEqual([]);
  });
});

describe('broken in time, in process: caught by its requirement, within a bounded number of requests', () => {
  it.each(TIME_BROKEN.map((v) => [v.name, v] as const))('%s', { timeout: 120_000 }, async (_name, variant: Variant) => {
    const r = await runConformance({ seed: SEED, runs: 2, readBackWindowMs: 1000, requestTimeoutMs: 1000, identityManagementType: variant.identityManagementType ?? 'CONNECT_MANAGED', wrapHandler: variant.wrap });
    // A target that stopped answering updates cannot be restored either: that verdict comes first.
    expect(['not conformant', 'fixtures not restored']).toContain(r.summary.verdict);
    expect(failing(r).filter((id) => variant.caughtBy!.some((c) => c === id)), `failed: ${failing(r).join(', ')}`).not.toEqual([]);
    expect(r.execution!.requests).toBeLessThan(MAX_REQUESTS);
  });

  // What test/variants.test.ts will do once they are registered: the suite meant to catch each, no read-back window,
  // a check budget (the outcome must not depend on the clock: the late writes land a few requests on at the latest).
  it.each(TIME_BROKEN.map((v) => [v.name, v] as const))('%s: caught in its suite with the power tests\' settings', { timeout: 120_000 }, async (_name, variant: Variant) => {
    const run = await runVariant(variant, { seed: 42, runs: 5, checkBudget: 30, readBackWindowMs: 0, requestTimeoutMs: 1000, suites: [variant.suite!], identityManagementType: variant.identityManagementType ?? 'CONNECT_MANAGED' });
    const judgement = await judgeVariant(variant, run);
    expect(judgement.ok, `${judgement.summary}\n${judgement.failures.join('\n')}`).toBe(true);
    expect(run.requests).toBeLessThan(MAX_REQUESTS);
  });

  // Late by the clock only (no request brings them forward): what the run-wide hold is for.
  it.each([
    ['a leak to the other user', leaksUpdateLate({ ms: 300, requests: Number.POSITIVE_INFINITY }), 'NL-OTHER-USERS-UNCHANGED'],
    ['a write on rejection', writesRejectedLate({ ms: 300, requests: Number.POSITIVE_INFINITY }), 'NL-REJECTED-UNCHANGED'],
  ] as const)('%s 300 ms late, by the clock alone', { timeout: 120_000 }, async (_name, wrap, requirement) => {
    const r = await runConformance({ seed: SEED, runs: 2, readBackWindowMs: 1000, identityManagementType: 'CONNECT_MANAGED', wrapHandler: wrap });
    expect(r.summary.verdict).toBe('not conformant');
    expect(failing(r)).toContain(requirement);
    expect(r.execution!.requests).toBeLessThan(MAX_REQUESTS);
  });
});

describe('over HTTP on 127.0.0.1, --target endpoint', () => {
  it(`a correct target whose reads lag its writes by ${LAG_MS} ms passes, and every fixture user reads back exactly as before`, { timeout: 150_000 }, async () => {
    const server = await serve({ wrap: readsLagWrites(LAG_MS), fixtures: fullFixtures() });
    const before = server.service.store.snapshot();
    const { r, dir } = await endpointRun(server, 'lag', SMALL);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = results(dir);
    expect(res.summary.must.failed).toBe(0);
    expect(failing(res)).toEqual([]);
    expect(res.fixtures.every((f) => f.restored)).toBe(true);
    // Every user of every instance, every member of the model (the fixture users hold all five, so all can be put back).
    expect(modelled(server.service.store.snapshot())).toEqual(modelled(before));
    expect(server.arrivals()).toBeLessThan(MAX_REQUESTS);
  });

  it('a server that resets every tenth connection: SRV-AVAILABLE fails, exit 1, fixtures restored', { timeout: 150_000 }, async () => {
    const variant = SOCKET_BROKEN.find((v) => v.name === 'resets-connections')!;
    const server = await serve({ socket: variant.socket, fixtures: fullFixtures() });
    const { r, dir } = await endpointRun(server, 'reset', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(variant.exitCode);
    const res = results(dir);
    expect(failing(res)).toEqual(expect.arrayContaining(variant.caughtBy));
    expect(res.fixtures.every((f) => f.restored), JSON.stringify(res.fixtures)).toBe(true);
    expect(server.arrivals()).toBeLessThan(MAX_REQUESTS);
  });

  it('a correct target that throttles per client (a token bucket, 429 ThrottlingException) passes: every throttled request is backed off and sent again, counted per step, fixtures as before', { timeout: 150_000 }, async () => {
    const server = await serve({ wrap: throttled({ rate: 20, burst: 3 }), fixtures: fullFixtures() });
    const before = server.service.store.snapshot();
    const { r, dir } = await endpointRun(server, 'throttle', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = results(dir);
    expect(failing(res)).toEqual([]);
    // The bucket is far below what the suite sends at first: it was throttled, slowed down, and judged nothing by it.
    const flow = res.execution!.flow!;
    expect(flow.throttled).toBeGreaterThan(0);
    expect(Object.values(flow.throttledBySteps).reduce((a, b) => a + b, 0)).toBe(flow.throttled);
    expect(flow.rate).toBeLessThan(100);
    expect(res.requirements.find((x) => x.id === 'THR-429-TYPE')!.status).toBe('pass');
    expect(res.fixtures.every((f) => f.restored)).toBe(true);
    expect(modelled(server.service.store.snapshot())).toEqual(modelled(before));
    expect(server.arrivals()).toBeLessThan(MAX_REQUESTS);
  });

  it('a correct target whose reads go back in time (replicas of different lags, in turn) passes, fixtures as before', { timeout: 150_000 }, async () => {
    const server = await serve({ wrap: readsFromReplicas(REPLICA_LAGS_MS), fixtures: fullFixtures() });
    const before = server.service.store.snapshot();
    const { r, dir } = await endpointRun(server, 'replicas', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(failing(results(dir))).toEqual([]);
    expect(modelled(server.service.store.snapshot())).toEqual(modelled(before));
  });

  it('a server that stops answering updates part-way: the run stops sending them after three in a row, SRV-AVAILABLE fails, what it could not check is an error (never a skip), exit 1', { timeout: 150_000 }, async () => {
    const server = await serve({ wrap: stopsAnsweringUpdates(ANSWERED_UPDATES), fixtures: fullFixtures() });
    const flags = [...SMALL, ...WINDOW, '--request-timeout', '1000'];
    const { r, dir } = await endpointRun(server, 'half-dead', flags);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const res = results(dir);
    expect(res.requirements.find((x) => x.id === 'SRV-AVAILABLE')!.status).toBe('fail');
    expect(res.execution!.stopped).toMatch(/the target stopped answering UpdateUserIdentityInfo at step \S+ \(3 requests in a row without a response/);
    expect(res.execution!.flow!.stoppedOperations[0]!.operation).toBe('UpdateUserIdentityInfo');
    expect(skippedForLackOfAnswer(res)).toEqual([]);
    expect(res.requirements.filter((x) => x.status === 'error').length).toBeGreaterThan(5);
    // Three unanswered updates, the probe, then the restore's one more attempt: no more hung requests than that.
    expect(res.execution!.flow!.unanswered).toBeLessThanOrEqual(5);
    expect(res.execution!.flow!.probes).toEqual({ sent: 1, answered: 0 });
    // The console names the unchecked requirements once per reason, and the report says how the run went.
    expect(r.stdout).toMatch(/ERROR \d+ requirements: .*\n +not checked: the target stopped answering UpdateUserIdentityInfo/);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toMatch(/How the run went[\s\S]*Stopped answering/);
    // A baseline lists failures: listing SRV-AVAILABLE does not make a run with unchecked requirements green.
    const baseline = join(dir, 'baseline.yaml');
    writeFileSync(baseline, '- id: SRV-AVAILABLE\n  reason: "the write pool hangs"\n');
    const { r: again } = await endpointRun(server, 'half-dead-baseline', [...flags, '--baseline', baseline]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toMatch(/the baseline lists failures only/);
  });

  it('a server that dies mid-run (connections refused): stops after three requests in a row without a response, SRV-AVAILABLE fails, no skip, exit 1', { timeout: 150_000 }, async () => {
    const variant = SOCKET_BROKEN.find((v) => v.name === 'dies-mid-run')!;
    const server = await serve({ socket: variant.socket, fixtures: fullFixtures() });
    const { r, dir } = await endpointRun(server, 'dies', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(variant.exitCode);
    const res = results(dir);
    expect(failing(res)).toEqual(expect.arrayContaining(variant.caughtBy));
    expect(res.execution!.stopped).toMatch(/stopped answering/);
    expect(skippedForLackOfAnswer(res)).toEqual([]);
    // The server died at its DIES_AFTER-th request: a few more attempts (three in a row per operation, the probe, the
    // restore's one more), no more.
    expect(res.execution!.requests).toBeLessThan(DIES_AFTER + 15);
    expect(res.fixtures.some((f) => !f.restored)).toBe(true);
  });

  it('a server that never answers: one line on stderr, exit 2, after at most three attempts of the first read', { timeout: 60_000 }, async () => {
    const variant = SOCKET_BROKEN.find((v) => v.name === 'never-answers')!;
    const server = await serve({ socket: variant.socket });
    const { r } = await endpointRun(server, 'silent', ['--request-timeout', '1000']);
    expect(r.code, r.stdout + r.stderr).toBe(variant.exitCode);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/does not answer/);
    expect(server.arrivals()).toBeGreaterThan(0);
    expect(server.arrivals()).toBeLessThanOrEqual(3);
  });
});
