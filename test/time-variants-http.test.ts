// Targets that misbehave in time (test/time-variants.test.ts says what and why), over HTTP on 127.0.0.1: correct
// targets that lag, throttle or read from replicas pass, and leave every fixture user as it was.
import { describe, expect, it } from 'vitest';
import { fullFixtures, LAG_MS, readsFromReplicas, readsLagWrites, REPLICA_LAGS_MS, throttled } from '../variants/time.ts';
import { endpointRun, failing, MAX_REQUESTS, modelled, results, serve, SMALL, WINDOW } from './time-variant-kit.ts';

describe('over HTTP on 127.0.0.1, --target endpoint', () => {
  it(`a correct target whose reads lag its writes by ${LAG_MS} ms passes, and every fixture user reads back exactly as before`, {
    timeout: 150_000,
  }, async () => {
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

  it('a correct target that throttles per client (a token bucket, 429 ThrottlingException) passes: every throttled request is backed off and sent again, counted per step, fixtures as before', {
    timeout: 150_000,
  }, async () => {
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

  it('a correct target whose reads go back in time (replicas of different lags, in turn) passes, fixtures as before', {
    timeout: 150_000,
  }, async () => {
    const server = await serve({ wrap: readsFromReplicas(REPLICA_LAGS_MS), fixtures: fullFixtures() });
    const before = server.service.store.snapshot();
    const { r, dir } = await endpointRun(server, 'replicas', [...SMALL, ...WINDOW]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(failing(results(dir))).toEqual([]);
    expect(modelled(server.service.store.snapshot())).toEqual(modelled(before));
  });
});
