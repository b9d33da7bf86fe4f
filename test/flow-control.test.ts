// Flow control (engine/flow-control.ts) on a scripted target with a fake clock: a throttled answer (429 of any type, 503)
// is never the answer, it is sent again after the target's Retry-After or an exponential backoff, the rate of the rest
// of the run goes down and then up again, and a request throttled on every attempt (or past the time budget) stops the
// run. An operation that stops answering (requests in a row without a response) is not sent any more; other operations
// go on; the restore gets one more attempt.
import { DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../core/observation.ts';
import { utf8, type WireRequest, type WireResponse } from '../core/wire.ts';
import { AdaptiveRate, FlowControl, LOCAL_FLOW, type FlowSettings } from '../engine/flow-control.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import type { Clock } from '../targets/aws/index.ts';
import type { Target } from '../targets/index.ts';

let spec: Spec;
beforeAll(async () => {
  spec = await defaultSpec();
});

function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const response = (statusCode: number, headers: Record<string, string> = {}, body = ''): WireResponse => ({
  statusCode,
  headers,
  body: utf8(body),
});
const update: WireRequest = { method: 'POST', path: '/users/i-1/u-1/identity-info', headers: {}, body: utf8('{}') };
const describeUser: WireRequest = { method: 'GET', path: '/users/i-1/u-1', headers: {}, body: new Uint8Array() };

/** A target whose raw and SDK channels answer from a script (undefined: no response, ECONNRESET). */
function scripted(answers: (WireResponse | undefined)[]): Target & { sent: number } {
  const t = {
    sent: 0,
    async raw(request: WireRequest): Promise<Observation> {
      t.sent++;
      const r = answers.shift();
      return r ? { channel: 'raw', request, response: r } : { channel: 'raw', request, transportError: 'ECONNRESET: socket hang up' };
    },
    async send(command: object): Promise<Observation> {
      const request = command instanceof DescribeUserCommand ? describeUser : update;
      t.sent++;
      const r = answers.shift();
      return r
        ? {
            channel: 'sdk',
            request,
            response: r,
            sdk: r.statusCode < 300 ? { ok: true, output: {} } : { ok: false, name: 'E', message: '', status: r.statusCode },
          }
        : { channel: 'sdk', request, transportError: 'ETIMEDOUT: no response' };
    },
  };
  return t as unknown as Target & { sent: number };
}

function flowOf(settings: Partial<FlowSettings> = {}, extra: { deadline?: number } = {}) {
  const clock = fakeClock();
  const throttled: Observation[] = [];
  const flow = new FlowControl({ spec, settings: { ...LOCAL_FLOW, ...settings }, clock, onThrottled: (o) => throttled.push(o), ...extra });
  return { flow, clock, throttled };
}

describe('throttled answers are flow control', () => {
  it('a 429 and a 503 are sent again; the request is answered by the first answer that is not throttling', async () => {
    const { flow, clock, throttled } = flowOf();
    const target = scripted([
      response(429, { 'x-amzn-errortype': 'ThrottlingException' }),
      response(503),
      response(400, { 'x-amzn-errortype': 'InvalidParameterException' }),
    ]);
    const obs = await flow.wrap(target).raw(update);
    expect(obs.response!.statusCode).toBe(400);
    expect(obs.throttled).toBe(2);
    expect(target.sent).toBe(3);
    expect(throttled.map((o) => o.response!.statusCode)).toEqual([429, 503]);
    expect(flow.stats.throttled).toBe(2);
    expect(flow.stats.throttledBySteps).toEqual({ fixtures: 2 });
    // Exponential backoff with jitter: the second wait is within [0.5, 1] of twice the base.
    const waits = clock.sleeps.filter((ms) => ms >= LOCAL_FLOW.backoffMs / 2);
    expect(waits[0]).toBeGreaterThanOrEqual(LOCAL_FLOW.backoffMs / 2);
    expect(waits[0]).toBeLessThanOrEqual(LOCAL_FLOW.backoffMs);
    expect(waits[1]).toBeGreaterThanOrEqual(LOCAL_FLOW.backoffMs);
    expect(waits[1]).toBeLessThanOrEqual(2 * LOCAL_FLOW.backoffMs);
  });

  it('honours Retry-After, in seconds or as a date, up to the longest wait', async () => {
    const { flow, clock } = flowOf({ maxWaitMs: 5_000 });
    await flow.wrap(scripted([response(429, { 'retry-after': '2' }), response(200)])).raw(update);
    expect(clock.sleeps).toContain(2000);
    await flow.wrap(scripted([response(429, { 'retry-after': '3600' }), response(200)])).raw(update);
    expect(clock.sleeps).toContain(5000);
  });

  it('a throttled SDK command is sent again (the same command object)', async () => {
    const { flow } = flowOf();
    const target = scripted([response(429), response(200)]);
    const obs = await flow.wrap(target).send(new UpdateUserIdentityInfoCommand({ InstanceId: 'i-1', UserId: 'u-1', IdentityInfo: {} }));
    expect(obs.sdk?.ok).toBe(true);
    expect(obs.throttled).toBe(1);
  });

  it('a request throttled on every attempt stops the run (SendStopped throttled), naming the operation and the step', async () => {
    const { flow } = flowOf({ maxThrottledAttempts: 4 });
    flow.step = 'CONNECT_MANAGED/boundary/x';
    const target = scripted(Array.from({ length: 10 }, () => response(429)));
    await expect(flow.wrap(target).raw(update)).rejects.toMatchObject({
      kind: 'throttled',
      message: expect.stringMatching(/every one of 4 attempts of UpdateUserIdentityInfo at step CONNECT_MANAGED\/boundary\/x/),
    });
    expect(target.sent).toBe(4);
  });

  it('a wait that would pass the time budget stops the run instead of waiting', async () => {
    const { flow, clock } = flowOf({}, { deadline: Date.now() + 1000 });
    await expect(flow.wrap(scripted([response(429, { 'retry-after': '10' })])).raw(update)).rejects.toMatchObject({
      kind: 'throttled',
      message: expect.stringMatching(/time budget/),
    });
    expect(clock.sleeps.filter((ms) => ms >= 1000)).toEqual([]);
  });
});

describe('the send rate: additive increase, multiplicative decrease', () => {
  it('is unpaced until throttled; then half the measured rate, halved again on throttling, and grows with each answer', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveRate(clock, 0.2);
    for (let i = 0; i < 40; i++) {
      await rate.acquire();
      clock.t += 10; // 100 requests a second
    }
    expect(rate.rate).toBe(Number.POSITIVE_INFINITY);
    expect(clock.sleeps).toEqual([]);
    rate.decrease();
    expect(rate.rate).toBeCloseTo(50, 0);
    // Paced now: 20 requests take at least 19/50 s of waiting and clock.
    const start = clock.t;
    for (let i = 0; i < 20; i++) await rate.acquire();
    expect(clock.t - start).toBeGreaterThanOrEqual((19 * 1000) / rate.rate - 1);
    clock.t += 1000;
    rate.decrease();
    expect(rate.rate).toBeCloseTo(25, 0);
    for (let i = 0; i < 10; i++) rate.increase();
    expect(rate.rate).toBeCloseTo(27, 0);
    for (let i = 0; i < 100; i++) {
      clock.t += 1000;
      rate.decrease();
    }
    expect(rate.rate).toBe(0.5);
  });
});

describe('half-dead targets end fast', () => {
  it('after three requests of one operation in a row without a response, that operation is not sent again; the others are', async () => {
    const { flow } = flowOf();
    flow.step = 'STEP-7';
    const target = scripted([undefined, response(200), undefined, undefined, undefined, response(200)]);
    const t = flow.wrap(target);
    await t.raw(update); // unanswered 1
    await t.raw(describeUser); // a read is answered: the update's count goes on
    await t.raw(update); // 2
    const third = await t.raw(update); // 3: the operation stops here
    expect(third.response).toBeUndefined();
    await expect(t.raw(update)).rejects.toMatchObject({
      kind: 'unanswered',
      message: expect.stringMatching(/stopped answering UpdateUserIdentityInfo at step STEP-7 \(3 requests in a row/),
    });
    expect(target.sent).toBe(4);
    // DescribeUser was answered: it goes on (its next answer is unanswered, one in a row).
    expect((await t.raw(describeUser)).response).toBeUndefined();
    expect(flow.stats.stoppedOperations.map((s) => s.operation)).toEqual(['UpdateUserIdentityInfo']);
    expect(flow.stats.unanswered).toBe(4);
    // The restore gets one more attempt of each stopped operation.
    flow.allowOneMore();
    expect((await t.raw(update)).response?.statusCode).toBe(200);
  });

  it('a target that leaves only some inputs unanswered answers the probe (the last request it rejected, sent again): the run goes on', async () => {
    const { flow } = flowOf();
    // A 400 first; then three requests without a response; the probe (the 400's request again) is answered.
    const target = scripted([response(400), undefined, undefined, undefined, response(400), response(200)]);
    const t = flow.wrap(target);
    for (let i = 0; i < 4; i++) await t.raw(update);
    expect(target.sent).toBe(5);
    expect(flow.stats.probes).toEqual({ sent: 1, answered: 1 });
    expect(flow.stats.stoppedOperations).toEqual([]);
    expect((await t.raw(update)).response?.statusCode).toBe(200);
  });

  it('a target whose operation answers neither the requests nor the probe is stopped', async () => {
    const { flow } = flowOf();
    const t = flow.wrap(scripted([response(400), undefined, undefined, undefined, undefined]));
    for (let i = 0; i < 4; i++) await t.raw(update);
    expect(flow.stats.probes).toEqual({ sent: 1, answered: 0 });
    expect(flow.stats.unanswered).toBe(4);
    await expect(t.raw(update)).rejects.toMatchObject({
      kind: 'unanswered',
      message: expect.stringMatching(/no answer to a request it had answered before/),
    });
  });

  it('the one more attempt after a stop is not probed again: unanswered, the operation stops at once', async () => {
    const { flow } = flowOf();
    const target = scripted([response(400), undefined, undefined, undefined, undefined, undefined]);
    const t = flow.wrap(target);
    for (let i = 0; i < 4; i++) await t.raw(update);
    expect(target.sent).toBe(5);
    flow.allowOneMore();
    expect((await t.raw(update)).response).toBeUndefined();
    expect(target.sent).toBe(6);
    expect(flow.stats.probes).toEqual({ sent: 1, answered: 0 });
    expect(flow.stats.unanswered).toBe(5);
    await expect(t.raw(update)).rejects.toMatchObject({ kind: 'unanswered' });
  });

  it('an answer, whatever its status, resets the count', async () => {
    const { flow } = flowOf();
    const t = flow.wrap(scripted([undefined, undefined, response(500), undefined, undefined, response(200)]));
    for (let i = 0; i < 6; i++) await t.raw(update);
    expect(flow.stats.stoppedOperations).toEqual([]);
  });
});
