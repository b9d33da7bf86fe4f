// The safety envelope of --target aws, unit by unit: which labels can name something (ids.ts), the mail and phone
// rules (safe-values.ts), every rule of the guard, the token bucket, the budget and its reserve, retries of 429s and
// of unanswered requests, the safe-values generator options, and aiming generated cases at the run's own users.
import { DEFAULT_BINDING } from '../operations/index.ts';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGenerators, randomCases, type Case } from '../generators/index.ts';
import { encodeLabel } from '../core/label-encoding.ts';
import { injectedLabel, LABEL_INJECTIONS } from '../generators/labels.ts';
import { bodyProblems, isFictionalDigits, mailProblems, phoneProblems, phoneSafe } from '../core/safe-values.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { runConfig } from '../bin/run-config.ts';
import { aimSafely, SANDBOX_GENERATOR_OPTIONS } from '../engine/sandbox.ts';
import { coveringCases } from '../engine/plan.ts';
import { UsageError } from '../bin/usage.ts';
import { Budget, SafetyEnvelope, retryAfterMs, TokenBucket, type Clock } from '../targets/aws/index.ts';
import { Guard, type JournalCoverage } from '../targets/guard/guard.ts';
import { madeUpId, namesNothing, uuidsInLabel } from '../targets/guard/ids.ts';
import { SendStopped } from '../targets/stop.ts';
import { utf8, type WireRequest, type WireResponse } from '../core/wire.ts';

const INSTANCE = 'c0a1b2c3-0000-4000-8000-000000000001';
const SECOND_INSTANCE = 'c0a1b2c3-0000-4000-8000-000000000002';
const FOREIGN_INSTANCE = '9e1b7a44-5c3d-4f2e-8a6b-1d2c3b4a5f60';
const FIXTURE = 'a0000000-0000-4000-8000-000000000001';
const CREATED = 'b83fb2d1-b6dc-4272-b4c7-09a98dd07c04';
const FOREIGN_USER = '7308a936-aa4f-4654-8c1a-e822f4b0e0ea';

let spec: Spec;
beforeAll(async () => {
  spec = await defaultSpec();
});

const everything: JournalCoverage = { covers: () => true, coversCreate: () => true };

function guard(journal: JournalCoverage = everything): Guard {
  const g = new Guard({ allowInstances: [INSTANCE, SECOND_INSTANCE], fixtureUsers: [FIXTURE], journal, binding: DEFAULT_BINDING });
  g.addCreated(CREATED);
  return g;
}

const req = (method: string, path: string, body: unknown = ''): WireRequest => ({
  method,
  path,
  headers: {},
  body: utf8(typeof body === 'string' ? body : JSON.stringify(body)),
});
const update = (instance: string, user: string, info: Record<string, unknown> = { FirstName: 'Zoë' }) =>
  req('POST', `/users/${instance}/${user}/identity-info`, { IdentityInfo: info });
const refused = (g: Guard, r: WireRequest) => {
  try {
    g.check(r);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(SendStopped);
    expect((e as SendStopped).kind).toBe('refused');
    return (e as SendStopped).message;
  }
};

describe('which labels can name an instance or a user', () => {
  it('a label names something only if it holds a UUID, however it is spelled', () => {
    for (const nothing of [
      '',
      '%FF',
      '%C0%AF',
      'Zo%C3%AB%20%C3%85ngstr%C3%B6m'.repeat(5),
      madeUpId(7, 'user'),
      'conformance-missing-0123456789abcdef',
    ]) {
      expect(uuidsInLabel(nothing), nothing).toEqual([]);
    }
    expect(uuidsInLabel(FOREIGN_USER)).toHaveLength(1);
    expect(uuidsInLabel(FOREIGN_USER.replaceAll('-', ''))).toHaveLength(1);
    expect(uuidsInLabel(FOREIGN_USER.toUpperCase())).toHaveLength(1);
    expect(
      uuidsInLabel(encodeURIComponent(`arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE}/agent/${FOREIGN_USER}`)),
    ).toHaveLength(2);
    // percent-encoding every character does not hide it
    const hidden = [...FOREIGN_USER].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect(uuidsInLabel(hidden)).toEqual([FOREIGN_USER.replaceAll('-', '')]);
  });

  it('made-up IDs are seeded, recognisable and never UUID-shaped', () => {
    expect(madeUpId(7, 'user')).toBe(madeUpId(7, 'user'));
    expect(madeUpId(7, 'user')).not.toBe(madeUpId(8, 'user'));
    expect(madeUpId(7, 'user')).toMatch(/^conformance-missing-[0-9a-f]{16}$/);
    fc.assert(fc.property(fc.integer(), fc.string(), (seed, purpose) => namesNothing(madeUpId(seed, purpose))));
  });
});

describe('no real mailboxes, no real phones', () => {
  it('an address is allowed only on reserved names, however it is hidden', () => {
    for (const ok of [
      'zoe@example.com',
      'a@sub.example.org',
      'x@example.net>',
      '402@valueOf.uJJobWO.invalid',
      'a@b.test',
      'a@b.example',
      'no address',
      'a@',
      'Zoë <z@example.com>',
      'trailing@x.invalid ',
    ]) {
      expect(mailProblems(ok), ok).toEqual([]);
    }
    for (const bad of [
      'zoe@gmail.com',
      'x@example.com,y@gmail.com',
      'a@example.com\u0000.gmail.com',
      'a@example.com.evil.org',
      'a@examp1e.com',
      'a@ｅｘａｍｐｌｅ.com',
      'a@b',
    ]) {
      expect(mailProblems(bad), bad).not.toEqual([]);
    }
  });

  it('a number of 7 to 15 digits is allowed only in the fictional range 555-01xx', () => {
    for (const ok of [
      '+12025550142',
      '12025550142',
      '+02025550142',
      '+1202555014x',
      '+1202555014\u0662',
      '+120255501422222',
      '+1 (202) 555-0142',
      '+94',
      '+9440',
      '+12345678901234567',
      'abc+12885550157',
    ]) {
      expect(phoneProblems(ok), ok).toEqual([]);
    }
    for (const bad of [
      '+442071234567',
      '+44 20 7123 4567',
      '+14155552671',
      '+9440897',
      '0033 1 23 45 67 89',
      '+\u0664\u0664\u0662\u0660\u0667\u0661\u0662\u0663\u0664\u0665\u0666\u0667',
    ]) {
      expect(phoneProblems(bad), bad).not.toEqual([]);
    }
    fc.assert(fc.property(fc.stringMatching(/^\+[1-9]\d{1,14}$/), (v) => phoneProblems(phoneSafe(v)).length === 0));
    expect(isFictionalDigits('12025550199')).toBe(true);
  });

  it('a body is read as text: duplicate keys, escapes and a body cut short hide nothing', () => {
    expect(bodyProblems('{"IdentityInfo":{"Email":"a@gmail.com","Email":"b@example.com"}}')).not.toEqual([]);
    expect(bodyProblems('{"IdentityInfo":{"Email":"a\\u0040gmail.com"}}')).not.toEqual([]);
    expect(bodyProblems('{"IdentityInfo":{"Email":"a@gmail.com')).not.toEqual([]);
    expect(bodyProblems('{"IdentityInfo":{"Mobile":442071234567}}')).not.toEqual([]);
    expect(bodyProblems('{"IdentityInfo":{"Email":"a@example.com","Mobile":"+12025550142","FirstName":"Zoë"}}')).toEqual([]);
  });
});

describe('the guard', () => {
  it('lets the run write to its fixture user, its created users and IDs that cannot exist', () => {
    const g = guard();
    for (const r of [
      update(INSTANCE, FIXTURE),
      update(INSTANCE, CREATED),
      update(SECOND_INSTANCE, FIXTURE),
      update(INSTANCE, madeUpId(1, 'user')),
      update(madeUpId(1, 'instance'), FIXTURE),
      update('', FIXTURE),
      update(INSTANCE, ''),
      update('%FF', FIXTURE),
      update(INSTANCE, '%C0%AF'),
      update('Zo%C3%AB%20'.repeat(20), FIXTURE),
      update(INSTANCE, encodeURIComponent(`arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE}/agent/${FIXTURE}`)),
      req('GET', `/users/${INSTANCE}/${FIXTURE}`),
      req('GET', `/instance/${INSTANCE}`),
      req('DELETE', `/users/${INSTANCE}/${CREATED}`),
      req('PUT', `/users/${INSTANCE}`, {
        Username: 'conformance-0a1b2c3d',
        Tags: { conformance: 'true' },
        IdentityInfo: { Email: 'conformance-0a1b2c3d@example.com' },
      }),
    ]) {
      expect(refused(g, r), `${r.method} ${r.path}`).toBeUndefined();
    }
  });

  it.each([
    ['an instance that is not allowlisted', update(FOREIGN_INSTANCE, FIXTURE), /not an allowlisted instance/],
    ['a user the run does not own', update(INSTANCE, FOREIGN_USER), /not a user this run owns/],
    [
      'a foreign user hidden in an ARN',
      update(INSTANCE, encodeURIComponent(`arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE}/agent/${FOREIGN_USER}`)),
      /not a user this run owns/,
    ],
    [
      'a foreign user percent-encoded',
      update(INSTANCE, [...FOREIGN_USER].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')),
      /not a user this run owns/,
    ],
    ['a foreign user next to an empty instance', update('', FOREIGN_USER), /not a user this run owns/],
    ['a read of a user the run does not own', req('GET', `/users/${INSTANCE}/${FOREIGN_USER}`), /not a user this run owns/],
    ['a read of an instance that is not allowlisted', req('GET', `/instance/${FOREIGN_INSTANCE}`), /not an allowlisted instance/],
    ['deleting a fixture user', req('DELETE', `/users/${INSTANCE}/${FIXTURE}`), /only delete a user this run created/],
    [
      'deleting in an instance that is not allowlisted',
      req('DELETE', `/users/${FOREIGN_INSTANCE}/${CREATED}`),
      /not an allowlisted instance/,
    ],
    [
      'creating a user without the prefix',
      req('PUT', `/users/${INSTANCE}`, { Username: 'agent-1', Tags: { conformance: 'true' } }),
      /Username starting conformance-/,
    ],
    ['creating a user without the tag', req('PUT', `/users/${INSTANCE}`, { Username: 'conformance-1', Tags: {} }), /tag conformance=true/],
    [
      'creating a user with a real address',
      req('PUT', `/users/${INSTANCE}`, {
        Username: 'conformance-1',
        Tags: { conformance: 'true' },
        IdentityInfo: { Email: 'a@gmail.com' },
      }),
      /can receive mail/,
    ],
    ['an Email that can receive mail', update(INSTANCE, FIXTURE, { Email: 'someone@gmail.com' }), /can receive mail/],
    ['a SecondaryEmail that can receive mail', update(INSTANCE, FIXTURE, { SecondaryEmail: 'x@corp.example.co.uk' }), /can receive mail/],
    ['a Mobile that is a real number', update(INSTANCE, FIXTURE, { Mobile: '+442071234567' }), /not reserved for fiction/],
    ['an operation the suite does not send', req('GET', `/users-summary/${INSTANCE}`), /none of the operations/],
    ['another write', req('POST', `/users/${INSTANCE}/${FIXTURE}/security-profiles`, {}), /none of the operations/],
  ])('refuses %s', (_, r, message) => {
    expect(refused(guard(), r)).toMatch(message);
  });

  it('judges the authentication cases by what they send, not how they are signed: owned users pass, others do not', async () => {
    const { rawChannel } = await import('../targets/raw-channel.ts');
    const g = guard();
    // The guard sees each request as the raw channel sends it (signed), as the envelope hands it over.
    const channel = rawChannel(
      async (r) => {
        g.check(r);
        return { statusCode: 403, headers: {}, body: new Uint8Array() };
      },
      {
        host: 'connect.us-east-1.amazonaws.com',
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
      },
    );
    const signings = [
      'unsigned',
      'wrong-signature',
      { region: 'eu-west-2' },
      { service: 'execute-api' },
      { skewMs: -16 * 60_000 },
      { skewMs: 16 * 60_000 },
      { skewMs: 3 * 60_000 },
    ] as const;
    for (const signing of signings) {
      await expect(channel.send(update(INSTANCE, FIXTURE), signing), JSON.stringify(signing)).resolves.toMatchObject({
        response: { statusCode: 403 },
      });
      await expect(channel.send(update(INSTANCE, FOREIGN_USER), signing)).rejects.toThrow(/not a user this run owns/);
    }
    expect(g.refusals).toHaveLength(signings.length);
  });

  // Label injections (generators/labels.ts): a label that names nothing, which a server decoding labels before routing
  // would read as the path of the user or instance after the encoded separator. They write to owned users or nowhere.
  it('lets the run send label injections that reach its own users and instances, and refuses those that reach another', () => {
    const g = guard();
    const unknown = madeUpId(1, 'injection:UserId');
    const unknownInstance = madeUpId(1, 'injection:InstanceId');
    // Every injection the generators make, on the wire as the run sends it.
    const reachable = (user: string) =>
      LABEL_INJECTIONS.map((kind) => {
        const label = injectedLabel(kind, unknown, user);
        return label.encoded ?? encodeLabel(label.value);
      });
    expect(reachable(FIXTURE)).toEqual([
      `${unknown}%2F${FIXTURE}`,
      `${unknown}%2F..%2F${FIXTURE}`,
      `${unknown}%2F%2e%2e%2F${FIXTURE}`,
      `${unknown}%252F..%252F${FIXTURE}`,
    ]);
    for (const label of [...reachable(FIXTURE), ...reachable(CREATED), encodeLabel(`${FIXTURE}/../${CREATED}`)])
      expect(refused(g, update(INSTANCE, label)), label).toBeUndefined();
    expect(refused(g, update(encodeLabel(`${unknownInstance}/../${INSTANCE}`), FIXTURE))).toBeUndefined();
    for (const label of [...reachable(FOREIGN_USER), encodeLabel(`${FIXTURE}/../${FOREIGN_USER}`)])
      expect(refused(g, update(INSTANCE, label)), label).toMatch(/not a user this run owns/);
    expect(refused(g, update(encodeLabel(`${unknownInstance}/../${FOREIGN_INSTANCE}`), FIXTURE))).toMatch(/not an allowlisted instance/);
  });

  it('refuses a label injection that names an owned user the journal does not hold yet, even after one it holds', () => {
    const g = guard({ covers: (id) => id === FIXTURE, coversCreate: () => true });
    expect(refused(g, update(INSTANCE, encodeLabel(`${FIXTURE}/../${CREATED}`)))).toMatch(
      new RegExp(`user ${CREATED} is not in the run's journal`),
    );
    expect(refused(g, update(INSTANCE, encodeLabel(`${madeUpId(1, 'x')}/../${FIXTURE}`)))).toBeUndefined();
  });

  it('refuses a write to an owned user, or a creation, the journal does not hold yet', () => {
    const g = guard({ covers: () => false, coversCreate: () => false });
    expect(refused(g, update(INSTANCE, FIXTURE))).toMatch(/not in the run's journal/);
    expect(refused(g, req('PUT', `/users/${INSTANCE}`, { Username: 'conformance-1', Tags: { conformance: 'true' } }))).toMatch(
      /not in the run's journal/,
    );
    expect(refused(g, update(INSTANCE, madeUpId(1, 'user')))).toBeUndefined();
    expect(g.refusals).toHaveLength(2);
  });
});

function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

describe('configuration of a sandbox run, checked before anything exists', () => {
  const base = ['--target', 'aws', '--allow-instance', INSTANCE, '--instance-id', INSTANCE, '--user-id', FIXTURE];
  it.each([
    [['--target', 'aws', '--instance-id', INSTANCE, '--user-id', FIXTURE], /--instance-id .* is not allowlisted/],
    [[...base, '--second-instance-id', SECOND_INSTANCE], /--second-instance-id .* is not allowlisted/],
    [['--target', 'aws', '--allow-instance', INSTANCE, '--instance-id', INSTANCE], /--user-id .* or .* --provision/],
    [[...base, '--rate', '10'], /may only be lowered against AWS itself/],
    [[...base, '--burst', '20'], /may only be lowered against AWS itself/],
    [[...base, '--max-requests', '0'], /--max-requests must be a whole number/],
    [['--allow-instance', INSTANCE], /--allow-instance is for --target aws or replay; did you mean --target aws\?/],
    [['--dry-run'], /--dry-run plans a --target aws run; did you mean --target aws\?/],
    [['--target', 'replay', '--instance-id', INSTANCE, '--user-id', FIXTURE], /--target replay needs --cassette/],
    [[...base, '--config', '/no/such/file.yaml'], /--config \/no\/such\/file.yaml: no such file/],
  ])('run %j', (args, message) => {
    expect(() => runConfig(spec, args)).toThrow(UsageError);
    expect(() => runConfig(spec, args)).toThrow(message);
  });

  it('defaults: 300 requests, 2 per second, burst 5, 3 random cases, 25 rejections per read-back; faster only elsewhere', () => {
    const { config } = runConfig(spec, base);
    expect([config.maxRequests, config.rate, config.burst, config.runs, config.rejectionBatch]).toEqual([300, 2, 5, 3, 25]);
    expect(runConfig(spec, [...base, '--endpoint-url', 'http://127.0.0.1:9', '--rate', '50']).config.rate).toBe(50);
    expect(runConfig(spec, [...base, '--rate', '0.5']).config.rate).toBe(0.5);
  });
});

describe('token bucket, budget, retries', () => {
  it('the bucket allows the burst at once, then the rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(2, 5, clock);
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      await bucket.take();
      times.push(clock.t);
    }
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(times.at(-1)).toBe(10_000);
    for (let i = 0; i < times.length; i++)
      for (let j = i; j < times.length; j++) expect(j - i + 1).toBeLessThanOrEqual(5 + (2 * (times[j]! - times[i]!)) / 1000 + 1e-9);
    expect(TokenBucket.timeFor(300, 2, 5)).toBe(147_500);
  });

  const ok: WireResponse = { statusCode: 200, headers: {}, body: new Uint8Array() };
  const throttled = (retryAfter?: string): WireResponse => ({
    statusCode: 429,
    headers: retryAfter ? { 'retry-after': retryAfter } : {},
    body: utf8('{"message":"Rate exceeded"}'),
  });
  const envelope = (max: number, reserve = 0, clock = fakeClock()) =>
    new SafetyEnvelope({
      guard: guard(),
      budget: new Budget(max, reserve),
      bucket: new TokenBucket(1000, 1000, clock),
      clock,
      retries: { transport: 1 },
    });

  it('the budget stops the run phase at max - reserve and lets restore use the reserve', async () => {
    const e = envelope(5, 2);
    const send = () => e.send(update(INSTANCE, FIXTURE), async () => ok, 'https://x');
    for (let i = 0; i < 3; i++) await send();
    await expect(send()).rejects.toMatchObject({ kind: 'budget' });
    e.beginRestore();
    await send();
    await send();
    await expect(send()).rejects.toMatchObject({ kind: 'budget' });
    expect(e.budget.sent).toBe(5);
  });

  it('a refused request costs nothing and is never handed to the transport', async () => {
    const e = envelope(5);
    let sent = 0;
    await expect(
      e.send(
        update(INSTANCE, FOREIGN_USER),
        async () => {
          sent++;
          return ok;
        },
        'https://x',
      ),
    ).rejects.toMatchObject({ kind: 'refused' });
    expect(sent).toBe(0);
    expect(e.budget.sent).toBe(0);
  });

  it("a 429 is counted and handed up, never retried by the envelope (the run's flow control sends it again)", async () => {
    const e = envelope(10);
    const answers = [throttled('2'), ok];
    const r = await e.send(update(INSTANCE, FIXTURE), async () => answers.shift()!, 'https://x');
    expect(r.statusCode).toBe(429);
    expect(e.budget.sent).toBe(1);
    expect(e.throttled).toHaveLength(1);
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('an unanswered request is retried, except CreateUser (its answer may hide a user that now exists)', async () => {
    const e = envelope(10);
    let calls = 0;
    const flaky = async () => {
      if (calls++ === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return ok;
    };
    expect((await e.send(update(INSTANCE, FIXTURE), flaky, 'https://x')).statusCode).toBe(200);
    expect(e.transportRetries).toBe(1);
    calls = 0;
    const create = req('PUT', `/users/${INSTANCE}`, { Username: 'conformance-1', Tags: { conformance: 'true' } });
    await expect(e.send(create, flaky, 'https://x')).rejects.toThrow('socket hang up');
    expect(calls).toBe(1);
  });

  it("learns the users it creates from CreateUser's answer", async () => {
    const e = envelope(10);
    const create = req('PUT', `/users/${INSTANCE}`, { Username: 'conformance-1', Tags: { conformance: 'true' } });
    await e.send(
      create,
      async () => ({ statusCode: 200, headers: {}, body: utf8(JSON.stringify({ UserId: FOREIGN_USER, UserArn: 'arn' })) }),
      'https://x',
    );
    expect(refused(e.guard, req('DELETE', `/users/${INSTANCE}/${FOREIGN_USER}`))).toBeUndefined();
  });
});

describe('generated values under the safe-values options', () => {
  const safe = (c: Case) => bodyProblems(c.wire.body);

  it("every boundary and random case of every type passes the guard's body rules, and reaches the same requirements", () => {
    for (const type of spec.identityManagementTypes) {
      const plain = createGenerators(spec, type);
      const g = createGenerators(spec, type, SANDBOX_GENERATOR_OPTIONS);
      const cases = g.boundaryCases();
      for (const c of cases) expect(safe(c), c.id).toEqual([]);
      const ids = (list: Case[]) => [...new Set(list.flatMap((c) => c.requirementIds))].sort();
      expect(ids(cases)).toEqual(ids(plain.boundaryCases()));
      for (const generator of ['valid', 'invalid', 'wire']) {
        for (const c of randomCases(g, { generator, seed: 11, runs: 60 })) expect(safe(c), c.id).toEqual([]);
      }
    }
  });

  it('valid and ambiguous Mobile values are fictional; invalid ones still violate exactly their label', () => {
    const g = createGenerators(spec, 'CONNECT_MANAGED', SANDBOX_GENERATOR_OPTIONS);
    const mobiles = g.boundaryCases().flatMap((c) => {
      const m = (c.body as { IdentityInfo?: { Mobile?: unknown } } | undefined)?.IdentityInfo?.Mobile;
      return typeof m === 'string' ? [{ c, m }] : [];
    });
    for (const { c, m } of mobiles) {
      const digits = m.replace(/\D/g, '');
      if (c.expected.outcome !== 'rejected' && digits.length >= 7) expect(m, c.id).toMatch(/^(?:\D*\+)?1[2-9]\d{2}55501\d{2}\d*$/);
    }
    const pattern = mobiles.filter(({ c }) => c.requirementIds.includes('IN-MOBILE-PATTERN'));
    expect(pattern.length).toBeGreaterThan(3);
    for (const { c } of pattern) expect(c.requirementIds).toEqual(['IN-MOBILE-PATTERN']);
  });
});

describe("aiming cases at the run's own users", () => {
  it("a case keeps the label it tests; a label that only carries a generated UUID becomes the fixture's", () => {
    const g = createGenerators(spec, 'CONNECT_MANAGED', SANDBOX_GENERATOR_OPTIONS);
    const labels = { InstanceId: INSTANCE, UserId: FIXTURE };
    const gd = guard();
    const known = (u: string) => gd.knows(u);
    for (const c of g.boundaryCases()) {
      const aimed = aimSafely(g, g.withLabels(c, labels), labels, known);
      expect(refused(gd, req(aimed.wire.method, aimed.wire.path, aimed.wire.body)), aimed.id).toBeUndefined();
      expect(aimed.requirementIds).toEqual(c.requirementIds);
    }
    const empty = g.boundaryCases().find((c) => c.id === 'boundary:IN-LABEL-EMPTY:InstanceId:empty')!;
    expect(g.withLabels(empty, labels).labels.UserId).not.toBe(FIXTURE);
    expect(aimSafely(g, g.withLabels(empty, labels), labels, known).wire.path).toBe(`/users//${FIXTURE}/identity-info`);
    for (const c of randomCases(g, { generator: 'invalid:IN-INSTANCEID-MAXLEN', seed: 3, runs: 30 })) {
      const aimed = aimSafely(g, g.withLabels(c, labels), labels, known);
      expect(refused(gd, req(aimed.wire.method, aimed.wire.path, aimed.wire.body)), aimed.wire.path).toBeUndefined();
    }
  });

  it('the sandbox boundary selection reaches every requirement the boundary phase reaches, with fewer cases', () => {
    for (const type of spec.identityManagementTypes) {
      const all = createGenerators(spec, type, SANDBOX_GENERATOR_OPTIONS).boundaryCases();
      const covering = coveringCases(all);
      const chosen = all.filter((c) => covering.has(c.id));
      const ids = (list: Case[]) => [...new Set(list.flatMap((c) => c.requirementIds))].sort();
      expect(ids(chosen)).toEqual(ids(all));
      expect(chosen.length).toBeLessThan(all.length / 2);
    }
  });
});
