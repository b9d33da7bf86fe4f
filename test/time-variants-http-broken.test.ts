// Targets that misbehave in time (test/time-variants.test.ts says what and why), over HTTP on 127.0.0.1: servers that
// reset connections, stop answering updates, die mid-run or never answer are caught, within a bounded number of requests.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWERED_UPDATES, DIES_AFTER, fullFixtures, SOCKET_BROKEN, stopsAnsweringUpdates } from '../variants/time.ts';
import { endpointRun, failing, MAX_REQUESTS, results, serve, skippedForLackOfAnswer, SMALL, WINDOW } from './time-variant-kit.ts';

describe('over HTTP on 127.0.0.1, --target endpoint', () => {
  it('a server that resets every tenth connection: SRV-AVAILABLE fails, exit 1, fixtures restored', { timeout: 150_000 }, async () => {
    const variant = SOCKET_BROKEN.find((v) => v.name === 'resets-connections')!;
    const server = await serve({ socket: variant.socket, fixtures: fullFixtures() });
    const { r, dir } = await endpointRun(server, 'reset', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(variant.exitCode);
    const res = results(dir);
    expect(failing(res)).toEqual(expect.arrayContaining(variant.caughtBy));
    expect(
      res.fixtures.every((f) => f.restored),
      JSON.stringify(res.fixtures),
    ).toBe(true);
    expect(server.arrivals()).toBeLessThan(MAX_REQUESTS);
  });

  it('a server that stops answering updates part-way: the run stops sending them after three in a row, SRV-AVAILABLE fails, what it could not check is an error (never a skip), exit 1', {
    timeout: 150_000,
  }, async () => {
    const server = await serve({ wrap: stopsAnsweringUpdates(ANSWERED_UPDATES), fixtures: fullFixtures() });
    const flags = [...SMALL, ...WINDOW, '--request-timeout', '1000'];
    const { r, dir } = await endpointRun(server, 'half-dead', flags);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const res = results(dir);
    expect(res.requirements.find((x) => x.id === 'SRV-AVAILABLE')!.status).toBe('fail');
    expect(res.execution!.stopped).toMatch(
      /the target stopped answering UpdateUserIdentityInfo at step \S+ \(3 requests in a row without a response/,
    );
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

  it('a server that dies mid-run (connections refused): stops after three requests in a row without a response, SRV-AVAILABLE fails, no skip, exit 1', {
    timeout: 150_000,
  }, async () => {
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

  it('a server that never answers: one line on stderr, exit 2, after at most three attempts of the first read', {
    timeout: 60_000,
  }, async () => {
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
