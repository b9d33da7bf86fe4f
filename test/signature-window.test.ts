// The signature's scope and validity window (AUTH-WRONG-SCOPE, AUTH-STALE-SIGNATURE, AUTH-SKEW-TOLERATED,
// OBS-SIGNATURE-SKEW), end to end: the window is data of the spec (its bounds fill the requirements' titles, a window
// out of order does not load); the raw channel signs at a shifted clock or for another region or service with the
// SDK's own signer; the checks judge a target by its clock, within the spec's clock margin.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../api/run.ts';
import { DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, defaultSpec, loadSpec, SpecError } from '../spec/index.ts';
import { rawChannel } from '../targets/raw-channel.ts';
import { verifySignature } from '../targets/reference/auth.ts';
import { createReferenceService, defaultFixtures, EXAMPLE_CREDENTIALS } from '../api/reference.ts';
import { utf8, type WireRequest } from '../core/wire.ts';

const spec = await defaultSpec();
const RAW_DOCUMENT = parse(readFileSync(DEFAULT_DOCUMENT, 'utf8')) as { 'x-protocol': { signatureWindow: Record<string, unknown> } };
const RAW_REQUIREMENTS = parse(readFileSync(DEFAULT_REQUIREMENTS, 'utf8')) as object;
const MINUTE = 60_000;

const title = (s: typeof spec, id: string) => s.requirements.find((r) => r.id === id)!.title;
const withWindow = (change: Record<string, unknown>) => {
  const doc = structuredClone(RAW_DOCUMENT);
  Object.assign(doc['x-protocol'].signatureWindow, change);
  return loadSpec({ document: doc as never, requirements: RAW_REQUIREMENTS as never });
};

describe('the window in the spec', () => {
  it('is read from x-protocol.signatureWindow, and its bounds are what the titles say', async () => {
    expect(spec.protocol.signatureWindow).toEqual({
      acceptedWithinMinutes: 4,
      observedMinutes: [5, 15],
      refusedBeyondMinutes: 15,
      clockMarginSeconds: 60,
    });
    expect(title(spec, 'AUTH-STALE-SIGNATURE')).toMatch(/more than 15 minutes before or after/);
    expect(title(spec, 'AUTH-SKEW-TOLERATED')).toMatch(/less than 4 minutes/);
    expect(title(spec, 'OBS-SIGNATURE-SKEW')).toMatch(/dated 5–15 minutes/);
    const wider = await withWindow({ refusedBeyondMinutes: 20, observedMinutes: [5, 20] });
    expect(title(wider, 'AUTH-STALE-SIGNATURE')).toMatch(/more than 20 minutes/);
  });

  it('does not load when a bound is missing, out of order, or the margin swallows the accepted bound', async () => {
    for (const [change, message] of [
      [{ refusedBeyondMinutes: undefined }, /signatureWindow: needs acceptedWithinMinutes, refusedBeyondMinutes and clockMarginSeconds/],
      [{ observedMinutes: [5] }, /signatureWindow\/observedMinutes: must be \[from, to\]/],
      [{ acceptedWithinMinutes: 6 }, /signatureWindow: must hold acceptedWithinMinutes <= observedMinutes\[0\]/],
      [{ refusedBeyondMinutes: 10 }, /signatureWindow: must hold/],
      [{ clockMarginSeconds: 240 }, /signatureWindow\/clockMarginSeconds: must be shorter than acceptedWithinMinutes/],
    ] as const) {
      const error = await withWindow(change).catch((e: unknown) => e);
      expect(error, JSON.stringify(change)).toBeInstanceOf(SpecError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('the raw channel signs otherwise, with the SDK signer', () => {
  const update: WireRequest = {
    method: 'POST',
    path: '/users/i/u/identity-info',
    headers: { 'content-type': 'application/json' },
    body: utf8('{"IdentityInfo": {}}'),
  };
  const sentWith = async (signing: Parameters<ReturnType<typeof rawChannel>['send']>[1]) => {
    const channel = rawChannel(async () => ({ statusCode: 200, headers: {}, body: new Uint8Array() }), {
      host: 'connect.us-east-1.amazonaws.com',
      region: 'us-east-1',
      credentials: async () => EXAMPLE_CREDENTIALS,
    });
    return (await channel.send(update, signing)).request;
  };
  const dateOf = (r: WireRequest) => {
    const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(r.headers['x-amz-date']!)!;
    return Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
  };

  it('dates the request skewMs away from now, in the credential scope too, and the signature holds for that date', async () => {
    for (const skewMs of [-16 * MINUTE, 16 * MINUTE, -3 * MINUTE]) {
      const before = Date.now();
      const sent = await sentWith({ skewMs });
      expect(dateOf(sent)).toBeGreaterThanOrEqual(Math.floor((before + skewMs) / 1000) * 1000);
      expect(dateOf(sent)).toBeLessThanOrEqual(Date.now() + skewMs);
      expect(sent.headers.authorization).toContain(`/${sent.headers['x-amz-date']!.slice(0, 8)}/us-east-1/connect/aws4_request`);
      // Correct for its own date (no window given), refused by a verifier that keeps one of 15 minutes when beyond it.
      expect(await verifySignature(sent, [EXAMPLE_CREDENTIALS], { region: 'us-east-1', service: 'connect' })).toEqual({ ok: true });
      const windowed = await verifySignature(sent, [EXAMPLE_CREDENTIALS], { maxSkewMs: 15 * MINUTE });
      expect(windowed.ok).toBe(Math.abs(skewMs) < 15 * MINUTE);
    }
  });

  it('scopes the signature to another region or service when told, and it is correct for that scope', async () => {
    const region = await sentWith({ region: 'eu-west-2' });
    expect(region.headers.authorization).toMatch(/\/eu-west-2\/connect\/aws4_request/);
    expect(await verifySignature(region, [EXAMPLE_CREDENTIALS], { region: 'eu-west-2', service: 'connect' })).toEqual({ ok: true });
    expect(await verifySignature(region, [EXAMPLE_CREDENTIALS], { region: 'us-east-1' })).toEqual({
      ok: false,
      reason: 'badSignature',
      message: "Credential should be scoped to a valid region, not 'eu-west-2'.",
    });
    const service = await sentWith({ service: 'execute-api' });
    expect(service.headers.authorization).toMatch(/\/us-east-1\/execute-api\/aws4_request/);
    expect(await verifySignature(service, [EXAMPLE_CREDENTIALS], { service: 'connect' })).toEqual({
      ok: false,
      reason: 'badSignature',
      message: "Credential should be scoped to correct service: 'connect'.",
    });
    // The plain modes are as they were.
    expect(
      await verifySignature(await sentWith('signed'), [EXAMPLE_CREDENTIALS], {
        region: 'us-east-1',
        service: 'connect',
        maxSkewMs: MINUTE,
      }),
    ).toEqual({ ok: true });
  });
});

describe('the checks, against a target whose clock is off', () => {
  const AUTH = [
    'AUTH-UNSIGNED',
    'AUTH-BAD-SIGNATURE',
    'AUTH-WRONG-SCOPE',
    'AUTH-STALE-SIGNATURE',
    'AUTH-SKEW-TOLERATED',
    'OBS-SIGNATURE-SKEW',
  ];
  const instance = defaultFixtures().instances[0]!;
  async function authOn(clockOffsetMs: number, options: { expectAuth?: boolean } = { expectAuth: true }) {
    const service = createReferenceService(spec, { fixtures: defaultFixtures(), now: () => Date.now() + clockOffsetMs });
    const results = await runConformance({
      target: 'module',
      handler: service.handle,
      fixtures: { instanceId: instance.id, userId: instance.users[0]!.id },
      identityManagementType: instance.identityManagementType,
      suites: ['authentication'],
      seed: 1,
      runs: 1,
      ...options,
    });
    const byId = new Map(results.requirements.map((r) => [r.id, r]));
    return { results, status: Object.fromEntries(AUTH.map((id) => [id, byId.get(id)!.status])), byId, service };
  }

  it("pass on a target whose clock is within the margin of the suite's; and the fixture user is restored", async () => {
    const { status, byId, service } = await authOn(30_000);
    expect(status).toEqual(Object.fromEntries(AUTH.map((id) => [id, 'pass'])));
    expect(JSON.stringify(byId.get('OBS-SIGNATURE-SKEW'))).toMatch(/10 minutes in the past: 200/);
    // The accepted skews wrote to the fixture user, and the run put back every member it had (the reference merges:
    // members the user did not have stay).
    expect(service.store.snapshot()[instance.id]![instance.users[0]!.id]).toMatchObject(instance.users[0]!.identityInfo!);
  });

  it("fail AUTH-STALE-SIGNATURE with the request as evidence when the target's clock is further off than the margin", async () => {
    const { status, byId } = await authOn(-90_000);
    expect(status['AUTH-STALE-SIGNATURE']).toBe('fail');
    expect(status['AUTH-SKEW-TOLERATED']).toBe('pass');
    const failure = byId.get('AUTH-STALE-SIGNATURE')!.failures[0]!;
    // Served: the change it made is named in its own failure (never left for the hold to call a late write).
    expect(failure.problem).toMatch(/^a request signed 16 minutes in the past got 200 and changed the user: FirstName /);
    expect(JSON.stringify(failure)).toMatch(/x-amz-date/);
  });

  it('are skipped with the reason when the configuration does not say the target enforces authentication', async () => {
    const { status, byId } = await authOn(0, { expectAuth: false });
    expect(Object.values(status)).toEqual(AUTH.map(() => 'skip'));
    expect(JSON.stringify(byId.get('AUTH-STALE-SIGNATURE'))).toMatch(/--expect-auth/);
  });
});
