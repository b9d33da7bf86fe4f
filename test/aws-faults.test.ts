// --target aws under stress, counted on the server: the default rate (2 requests/s, burst 5) and a small budget hold
// and the run stops cleanly, restores and reports what did not run as skip; 429 bursts are retried after
// Retry-After and counted (THR-429-TYPE judges them), 500s are reported, slow responses and dropped connections are
// retried, and through all of it no user outside the fixtures is written and every fixture is restored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../engine/results.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import {
  fixtureFlags,
  IDS,
  rateExcess,
  sandboxFlags,
  startCountingServer,
  unsafeValues,
  useExampleCredentials,
  writesOutside,
  type CountingServer,
} from './aws-server.ts';
import { readJson, runQuietly } from './aws-server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cc-aws-faults-'));
useExampleCredentials(tmp);
let spec: Spec;
beforeAll(async () => {
  spec = await defaultSpec();
});

const read = readJson;

function expectFixturesRestored(server: CountingServer, before: ReturnType<CountingServer['service']['store']['snapshot']>): void {
  const after = server.service.store.snapshot();
  for (const [instance, users] of Object.entries(before)) {
    for (const [user, info] of Object.entries(users)) {
      const fixture = instance === IDS.instance && (user === IDS.user || user === IDS.secondUser);
      // A fixture gets every member of its snapshot back (members the run added cannot be cleared by this API).
      if (fixture) for (const [k, v] of Object.entries(info)) expect(after[instance]![user]![k], `${user}.${k}`).toBe(v);
      else expect(after[instance]![user], user).toEqual(info);
    }
  }
}

describe('the budget and the rate', () => {
  it('at the default rate, a budget of 24 holds: the run stops cleanly, restores, and reports the rest as skip', {
    timeout: 60_000,
  }, async () => {
    const server = await startCountingServer(spec);
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'budget');
    try {
      const started = performance.now();
      const r = await runQuietly([...sandboxFlags(server, fixtureFlags), '--seed', '7', '--max-requests', '24', '--report-dir', dir]);
      const seconds = (performance.now() - started) / 1000;
      // A run that stopped before its plan was done is INCOMPLETE: exit 1, whatever passed.
      expect(r.code, r.out).toBe(1);
      expect(server.arrivals.length).toBeLessThanOrEqual(24);
      expect(read<{ requests: number }>(join(dir, 'sandbox.json')).requests).toBe(server.arrivals.length);
      // 2 requests/s, burst 5, on the server's clock; and no faster than that in all.
      expect(rateExcess(server.arrivals, 2, 5)).toBeLessThan(0.5);
      // The measure has teeth: the same arrivals break a bucket of 1 request/s, burst 3.
      expect(rateExcess(server.arrivals, 1, 3)).toBeGreaterThan(1);
      expect(seconds).toBeGreaterThanOrEqual((server.arrivals.length - 5) / 2 - 0.5);
      expect(r.out).toMatch(/stopped early: the request budget ran out \(--max-requests 24/);
      const results = read<Results>(join(dir, 'results.json'));
      const skipped = results.requirements.filter((x) => x.status === 'skip' && x.area !== 'throttling');
      expect(skipped.length).toBeGreaterThan(10);
      for (const s of skipped) expect(s.reason, s.id).toMatch(/not reached: the request budget ran out/);
      expect(results.summary.verdict).toBe('incomplete');
      expect(results.fixtures.every((f) => f.restored)).toBe(true);
      expectFixturesRestored(server, before);
      expect(writesOutside(server, [IDS.instance, IDS.secondInstance, IDS.user, IDS.secondUser])).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('faults', () => {
  it('429 bursts, a 500, slow responses and dropped connections: budget, rate, own users and restore all hold', {
    timeout: 120_000,
  }, async () => {
    let failed = 0;
    const server = await startCountingServer(spec, {
      faults: {
        throttle: (n) => (n >= 20 && n <= 22 ? { retryAfter: '1' } : undefined),
        // The first update of the operation under test from the 40th request on (reads are not what is judged).
        fail: (n, request) => n >= 40 && request.method === 'POST' && request.path.endsWith('/identity-info') && !failed++,
        delayMs: (n) => (n === 50 || n === 51 ? 600 : 0),
        drop: (n) => n === 60 || n === 61,
      },
    });
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'faults');
    const RATE = 25;
    try {
      const r = await runQuietly([
        ...sandboxFlags(server, fixtureFlags),
        '--seed',
        '7',
        '--rate',
        String(RATE),
        '--request-timeout',
        '300',
        '--report-dir',
        dir,
      ]);
      const stats = read<{ requests: number; throttled: number; transportRetries: number; refusals: string[] }>(join(dir, 'sandbox.json'));
      // Every attempt, retries included, is counted against the budget and arrives at the server.
      expect(server.arrivals.length).toBe(stats.requests);
      expect(stats.requests).toBeLessThanOrEqual(300);
      expect(rateExcess(server.arrivals, RATE, 5)).toBeLessThan(0.5);
      // The 429 burst: three in a row, each retried after its Retry-After of 1 s, then answered.
      expect(server.handled.filter((h) => h.fault === '429').map((h) => h.n)).toEqual([20, 21, 22]);
      expect(stats.throttled).toBe(3);
      const gap = server.arrivals[22]!.at - server.arrivals[19]!.at;
      expect(gap).toBeGreaterThanOrEqual(2900);
      // Two time-outs and two dropped connections, each retried.
      expect(stats.transportRetries).toBe(4);
      expect(stats.refusals).toEqual([]);
      const results = read<Results>(join(dir, 'results.json'));
      expect(results.requirements.find((x) => x.id === 'THR-429-TYPE')!.status).toBe('pass');
      // The 500 is a finding: the run fails, and says so.
      expect(r.code).toBe(1);
      expect(results.summary.must.failed).toBeGreaterThan(0);
      expect(results.fixtures.every((f) => f.restored)).toBe(true);
      expectFixturesRestored(server, before);
      expect(writesOutside(server, [IDS.instance, IDS.secondInstance, IDS.user, IDS.secondUser])).toEqual([]);
      expect(unsafeValues(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a request throttled five times in a row: the run backs off and its sixth attempt is the answer; nothing ends early', {
    timeout: 120_000,
  }, async () => {
    const server: CountingServer = await startCountingServer(spec, {
      faults: { throttle: (n) => (n >= 30 && n <= 34 ? { retryAfter: '0' } : undefined) },
    });
    const dir = join(tmp, 'throttled');
    try {
      const r = await runQuietly([...sandboxFlags(server, fixtureFlags), '--seed', '7', '--rate', '25', '--report-dir', dir]);
      const stats = read<{ requests: number; throttled: number; ended: unknown[] }>(join(dir, 'sandbox.json'));
      expect(server.arrivals.length).toBe(stats.requests);
      expect(stats.throttled).toBe(5);
      expect(stats.ended).toEqual([]);
      const results = read<Results>(join(dir, 'results.json'));
      expect(results.execution!.flow!.throttled).toBe(5);
      expect(results.requirements.find((x) => x.id === 'THR-429-TYPE')!.status).toBe('pass');
      expect(results.fixtures.every((f) => f.restored)).toBe(true);
      expect(r.code, r.out).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a target that throttles every attempt of a request: the run stops INCOMPLETE with one line saying so, never NOT CONFORMANT; fixtures restored', {
    timeout: 120_000,
  }, async () => {
    // Six answers in a row throttled (every attempt of one request), then the restore gets through.
    const server: CountingServer = await startCountingServer(spec, {
      faults: { throttle: (n) => (n >= 30 && n <= 35 ? { retryAfter: '0' } : undefined) },
    });
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'throttled-out');
    try {
      const r = await runQuietly([...sandboxFlags(server, fixtureFlags), '--seed', '7', '--rate', '25', '--report-dir', dir]);
      const results = read<Results>(join(dir, 'results.json'));
      expect(results.summary.verdict, r.out).toBe('incomplete');
      expect(results.summary.must.failed).toBe(0);
      expect(results.execution!.stopped).toMatch(/the target throttled every one of 6 attempts/);
      expect(r.out).toMatch(/stopped early: the target throttled every one of 6 attempts/);
      // What the plan was still to check is an error with the reason, never a skip for lack of an answer.
      const unchecked = results.requirements.filter((x) => x.status === 'error');
      expect(unchecked.length).toBeGreaterThan(5);
      for (const x of unchecked) expect(x.reason, x.id).toMatch(/throttled every one of 6 attempts/);
      expect(results.requirements.filter((x) => x.status === 'skip' && /not reached/.test(x.reason ?? ''))).toEqual([]);
      expect(results.requirements.find((x) => x.id === 'THR-WRITE-UNCHANGED')!.status).toBe('pass');
      expect(results.fixtures.every((f) => f.restored)).toBe(true);
      expectFixturesRestored(server, before);
      expect(r.code).toBe(1);
    } finally {
      await server.close();
    }
  });
});
