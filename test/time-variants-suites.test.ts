// Targets that misbehave in time (test/time-variants.test.ts says what and why), in process: each broken variant caught
// in the suite meant to catch it with the power tests' settings, and the late writes that only the clock brings.
import { describe, expect, it } from 'vitest';
import { runConformance } from '../api/run.ts';
import { judgeVariant, runVariant } from '../variants/run.ts';
import { leaksUpdateLate, TIME_BROKEN, writesRejectedLate } from '../variants/time.ts';
import type { Variant } from '../variants/variant.ts';
import { failing, MAX_REQUESTS, SEED } from './time-variant-kit.ts';

describe('broken in time, in process: caught by its requirement, within a bounded number of requests', () => {
  // What test/variants.test.ts will do once they are registered: the suite meant to catch each, no read-back window,
  // a check budget (the outcome must not depend on the clock: the late writes land a few requests on at the latest).
  it.each(TIME_BROKEN.map((v) => [v.name, v] as const))(
    "%s: caught in its suite with the power tests' settings",
    { timeout: 120_000 },
    async (_name, variant: Variant) => {
      const run = await runVariant(variant, {
        seed: 42,
        runs: 5,
        checkBudget: 30,
        readBackWindowMs: 0,
        requestTimeoutMs: 1000,
        suites: [variant.suite!],
        identityManagementType: variant.identityManagementType ?? 'CONNECT_MANAGED',
      });
      const judgement = await judgeVariant(variant, run);
      expect(judgement.ok, `${judgement.summary}\n${judgement.failures.join('\n')}`).toBe(true);
      expect(run.requests).toBeLessThan(MAX_REQUESTS);
    },
  );

  // Late by the clock only (no request brings them forward): what the run-wide hold is for.
  it.each([
    ['a leak to the other user', leaksUpdateLate({ ms: 300, requests: Number.POSITIVE_INFINITY }), 'NL-OTHER-USERS-UNCHANGED'],
    ['a write on rejection', writesRejectedLate({ ms: 300, requests: Number.POSITIVE_INFINITY }), 'NL-REJECTED-UNCHANGED'],
  ] as const)('%s 300 ms late, by the clock alone', { timeout: 120_000 }, async (_name, wrap, requirement) => {
    const r = await runConformance({
      seed: SEED,
      runs: 2,
      readBackWindowMs: 1000,
      identityManagementType: 'CONNECT_MANAGED',
      wrapHandler: wrap,
    });
    expect(r.summary.verdict).toBe('not conformant');
    expect(failing(r)).toContain(requirement);
    expect(r.execution!.requests).toBeLessThan(MAX_REQUESTS);
  });
});
