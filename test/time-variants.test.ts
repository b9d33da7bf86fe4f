// Targets that misbehave in time (issue 11, item 4; variants/time.ts). Each broken one is caught by its requirement
// and the run ends within a bounded number of requests — asserted on the count, never on the clock: in process
// (wrapHandler) for the variants of the handler, through `connect-conformance run --target endpoint` against a server
// on 127.0.0.1 for those of the socket (connections reset; a server that never answers: one line, exit 2; the one
// that drops only the first connection is test/preflight-retry.test.ts's, beside a clean run). The
// correct target whose reads lag its writes by 200 ms passes over HTTP, and every fixture user reads back exactly as
// before the run. Small --runs and one seed here; the ten seeds in a row are bench/lag-seeds.ts.
// The tests are in four files, so that the workers of the waiting group (vitest.config.ts) run them at once: this one
// (the catalogue, and each broken variant in process), -suites (in process, with the power tests' settings; late by the
// clock), -http (correct targets over HTTP) and -http-broken (broken servers over HTTP); what they share is
// test/time-variant-kit.ts.
import { describe, expect, it } from 'vitest';
import { runConformance } from '../api/run.ts';
import { defaultSpec } from '../spec/index.ts';
import { SOCKET_BROKEN, TIME_BROKEN, TIME_CORRECT } from '../variants/time.ts';
import type { Variant } from '../variants/variant.ts';
import { failing, MAX_REQUESTS, SEED } from './time-variant-kit.ts';

describe('the catalogue of time variants', () => {
  it('gives every broken one a requirement of the catalogue and a suite, and none of them lags', async () => {
    const spec = await defaultSpec();
    const ids = new Set(spec.requirements.map((r) => r.id));
    for (const v of TIME_BROKEN) {
      expect(v.kind, v.name).toBe('broken');
      expect(v.caughtBy?.length, v.name).toBeGreaterThan(0);
      expect(
        v.caughtBy!.filter((id) => !ids.has(id)),
        v.name,
      ).toEqual([]);
      expect(['validation', 'acceptance', 'existence', 'statefulModel', 'authentication'], v.name).toContain(v.suite);
      expect(v.lagsReadBack, v.name).toBeFalsy();
    }
    for (const v of TIME_CORRECT) expect(v.kind, v.name).toBe('correct');
    for (const v of SOCKET_BROKEN)
      expect(
        v.caughtBy.filter((id) => !ids.has(id)),
        v.name,
      ).toEqual([]);
  });
});

describe('broken in time, in process: caught by its requirement, within a bounded number of requests', () => {
  it.each(TIME_BROKEN.map((v) => [v.name, v] as const))('%s', { timeout: 120_000 }, async (_name, variant: Variant) => {
    const r = await runConformance({
      seed: SEED,
      runs: 2,
      readBackWindowMs: 1000,
      requestTimeoutMs: 1000,
      identityManagementType: variant.identityManagementType ?? 'CONNECT_MANAGED',
      wrapHandler: variant.wrap,
    });
    // A target that stopped answering updates cannot be restored either: that verdict comes first.
    expect(['not conformant', 'fixtures not restored']).toContain(r.summary.verdict);
    expect(
      failing(r).filter((id) => variant.caughtBy!.some((c) => c === id)),
      `failed: ${failing(r).join(', ')}`,
    ).not.toEqual([]);
    expect(r.execution!.requests).toBeLessThan(MAX_REQUESTS);
  });
});
