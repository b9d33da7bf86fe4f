// The SDK-level target: a ConnectClient handed in by code (`target: { client }`, the vitest adapter's `client`),
// stubbed with aws-sdk-client-mock, checked through its send. What the SDK can send is sent and judged on the SDK's
// outcome; what only the wire can check is n/a with the reason, never a pass; fixtures, read-back and restore go
// through the same client; a stub without a behaviour for a command the run sends is one line naming what to stub.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectClient,
  DescribeInstanceCommand,
  DescribeUserCommand,
  InternalServiceException,
  InvalidParameterException,
  ResourceNotFoundException,
  UpdateUserIdentityInfoCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { describeConformance } from '../api/vitest.ts';
import { runConformance, TargetConfigError, TargetFault, UsageError, type Results } from '../api/index.ts';
import { errorEnvelopeVerdicts, type ErrorEnvelopeContext } from '../checks/error-envelope.ts';
import { answerOf } from '../checks/answer.ts';
import { configOf } from '../engine/options.ts';
import { planFor, sendableBy, uncheckedOn } from '../engine/plan.ts';
import { createGenerators } from '../generators/index.ts';
import { defaultSpec } from '../spec/index.ts';
import { observeClientCommand } from '../targets/sdk-client.ts';
import fc from 'fast-check';
import { vitestChild } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');
const spec = await defaultSpec();

/** What a CONNECT_MANAGED run through an SDK client cannot check: only wire requests reach it, or it is judged on
 * HTTP details an SDK outcome does not have. */
const WITHOUT_WIRE = [
  'IN-BODY-JSON',
  'IN-BODY-TYPE',
  'IN-IDENTITYINFO-TYPE',
  'IN-FIRSTNAME-TYPE',
  'IN-LASTNAME-TYPE',
  'IN-EMAIL-TYPE',
  'IN-SECONDARYEMAIL-TYPE',
  'IN-MOBILE-TYPE',
  'IN-LABEL-ENCODING',
  'OK-SUCCESS-ENVELOPE',
  'ERR-MESSAGE',
  'ERR-HEADER-FORM',
  'AUTH-UNSIGNED',
  'AUTH-BAD-SIGNATURE',
  'AUTH-WRONG-SCOPE',
  'AUTH-STALE-SIGNATURE',
  'AUTH-SKEW-TOLERATED',
  'OBS-SIGNATURE-SKEW',
  'OBS-NULL-MEMBER',
  'OBS-UNKNOWN-MEMBER',
  'OBS-CONTENT-TYPE',
  'OBS-BODY-SIZE',
  'OBS-DUPLICATE-KEYS',
  'FX-STATUS',
  'FX-CONTENT-TYPE',
  'FX-JSON-BODY',
  'FX-MEMBERS',
  'FX-BODY-TYPES',
  'FX-ERROR-ENVELOPE',
].sort();

/** The example stub (examples/aws-sdk-client-mock/connect-stub.ts), evaluated afresh with STUB_BUG as given. */
async function exampleStub(bug?: string) {
  vi.resetModules();
  if (bug) process.env.STUB_BUG = bug;
  else delete process.env.STUB_BUG;
  try {
    return await import('../examples/aws-sdk-client-mock/connect-stub.ts');
  } finally {
    delete process.env.STUB_BUG;
  }
}

const status = (r: Results, id: string) => r.requirements.find((q) => q.id === id)!;
const notApplicableByTheTarget = (r: Results) =>
  r.requirements
    .filter((q) => q.status === 'n/a' && !q.reason?.startsWith('applies to'))
    .map((q) => q.id)
    .sort();
const failingMusts = (r: Results) => r.requirements.filter((q) => q.status === 'fail' && q.level === 'MUST').map((q) => q.id);

describe('a ConnectClient stubbed with aws-sdk-client-mock, through the library (target: { client })', () => {
  it('a stub that behaves like the reference is CONFORMANT; the wire-only requirements are n/a with the reason; everything goes through its send', {
    timeout: 120_000,
  }, async () => {
    const { client, connectMock, fixtures } = await exampleStub();
    const results = await runConformance({ target: { client }, fixtures, identityManagementType: 'CONNECT_MANAGED', seed: 1, runs: 5 });
    expect(results.summary.verdict).toBe('conformant');
    expect(results.target.kind).toBe('client');
    expect(notApplicableByTheTarget(results)).toEqual(WITHOUT_WIRE);
    for (const id of WITHOUT_WIRE) expect(status(results, id).reason).toMatch(/^the target is an SDK client: /);
    expect(status(results, 'AUTH-UNSIGNED').reason).toMatch(/wire-only cases cannot be sent .*authentication\/unsigned/);
    expect(results.requirements.filter((q) => q.status === 'error')).toEqual([]);
    // Judged on the SDK's outcome: the input rules the SDK can express, existence, read-back, the error envelope's
    // type and status (the stub behind it reports $metadata.httpStatusCode).
    for (const id of [
      'IN-CM-FIRSTNAME-MINLEN',
      'IN-FIRSTNAME-NFC',
      'IN-IDENTITYINFO-REQUIRED',
      'EX-UNKNOWN-USER',
      'EX-FOREIGN-USER',
      'PREC-VALIDATION-FIRST',
      'RB-READBACK',
      'NL-REJECTED-UNCHANGED',
      'NL-OTHER-USERS-UNCHANGED',
      'ERR-TYPE-DECLARED',
      'ERR-STATUS-MATCHES-TYPE',
      'ERR-FAULT',
      'SENS-NO-ECHO',
      'SRV-AVAILABLE',
    ]) {
      expect(status(results, id).status, id).toBe('pass');
      expect(status(results, id).cases, id).toBeGreaterThan(0);
    }
    // Fixtures, read-back and restore went through the stub, and every update it got is one the SDK can express.
    expect(connectMock.commandCalls(DescribeInstanceCommand).length).toBeGreaterThan(0);
    expect(connectMock.commandCalls(DescribeUserCommand).length).toBeGreaterThan(10);
    const updates = connectMock.commandCalls(UpdateUserIdentityInfoCommand).map((c) => c.args[0].input);
    expect(updates.length).toBeGreaterThan(50);
    for (const input of updates) {
      const info = input.IdentityInfo as unknown;
      expect(
        info === undefined || (typeof info === 'object' && info !== null && Object.values(info).every((v) => typeof v === 'string')),
      ).toBe(true);
    }
    expect(results.fixtures.every((f) => f.restored)).toBe(true);
    const restored = await client.send(new DescribeUserCommand({ InstanceId: fixtures.instanceId, UserId: fixtures.userId }));
    // (Members the run added stay: this API cannot clear them, and the restore note says so.)
    expect(restored.User?.IdentityInfo).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' });
  });

  it('a stub that accepts an empty FirstName on CONNECT_MANAGED fails IN-CM-FIRSTNAME-MINLEN, with the SDK outcome as evidence', {
    timeout: 120_000,
  }, async () => {
    const { client, fixtures } = await exampleStub('empty-first-name');
    const results = await runConformance({ target: { client }, fixtures, identityManagementType: 'CONNECT_MANAGED', seed: 1, runs: 5 });
    expect(results.summary.verdict).toBe('not conformant');
    expect(failingMusts(results)).toEqual(['IN-CM-FIRSTNAME-MINLEN']);
    const failure = status(results, 'IN-CM-FIRSTNAME-MINLEN').failures[0]!;
    expect(failure.problem).toBe('expected 400 with InvalidParameterException or InvalidRequestException, got a resolved send');
    expect(JSON.stringify(failure.input)).toContain('"FirstName":""');
    // No command line reaches a client in code: the replay is the library call, with the same client.
    expect(failure.replay).toMatch(
      /^runConformance\(\{ target: \{ client \}, \.\.\.sameOptions, only: \['IN-CM-FIRSTNAME-MINLEN'\], step: 'CONNECT_MANAGED\/boundary\/[^']+', seed: 1 \}\)$/,
    );
    // Not validating first shows in precedence too: the unknown user is found missing before the FirstName is refused.
    expect(status(results, 'PREC-VALIDATION-FIRST').status).toBe('fail');
    expect(notApplicableByTheTarget(results)).toEqual(WITHOUT_WIRE);
  });

  it('a hand-written stub of the ConnectClient class (mockClient(ConnectClient)) is judged on error names where it reports no status', {
    timeout: 120_000,
  }, async () => {
    const instanceId = 'i-1';
    const users = new Map<string, Record<string, string>>([['u-1', { FirstName: 'Ada', LastName: 'Lovelace' }]]);
    const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    const connectMock = mockClient(ConnectClient);
    try {
      connectMock.on(DescribeInstanceCommand).callsFake((input) => {
        if (input.InstanceId !== instanceId) throw notFound();
        return { Instance: { Id: instanceId, IdentityManagementType: 'CONNECT_MANAGED' } };
      });
      connectMock.on(DescribeUserCommand).callsFake((input) => {
        const info = input.InstanceId === instanceId ? users.get(input.UserId) : undefined;
        if (!info) throw notFound();
        return { User: { Id: input.UserId, IdentityInfo: { ...info } } };
      });
      // Validates only the maximum lengths, and answers errors without a status: an empty FirstName is stored.
      connectMock.on(UpdateUserIdentityInfoCommand).callsFake((input) => {
        const info = input.InstanceId === instanceId ? users.get(input.UserId) : undefined;
        const sent = input.IdentityInfo ?? {};
        if ([sent.FirstName, sent.LastName].some((v) => v !== undefined && [...v].length > 100))
          throw new InvalidParameterException({ message: 'too long', $metadata: {} });
        if (!info) throw notFound();
        Object.assign(info, sent);
        return {};
      });
      const results = await runConformance({
        target: { client: new ConnectClient({ region: 'us-east-1' }) },
        fixtures: { instanceId, userId: 'u-1' },
        seed: 1,
        runs: 3,
      });
      expect(results.target.identityManagementTypes).toEqual(['CONNECT_MANAGED']);
      expect(status(results, 'IN-CM-FIRSTNAME-MINLEN').status).toBe('fail');
      expect(status(results, 'IN-FIRSTNAME-MAXLEN').status).toBe('pass');
      // A 404 type without a status is judged on its name; the status rule waits for a status the stub never gives.
      expect(status(results, 'EX-UNKNOWN-USER').status).toBe('pass');
      expect(status(results, 'ERR-FAULT').status).toBe('pass');
      expect(status(results, 'ERR-STATUS-MATCHES-TYPE')).toMatchObject({
        status: 'skip',
        reason: expect.stringMatching(/\$metadata\.httpStatusCode/),
      });
      expect(notApplicableByTheTarget(results)).toEqual(WITHOUT_WIRE);
      expect(results.fixtures).toMatchObject([{ userId: 'u-1', restored: true }]);
      expect(users.get('u-1')).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
    } finally {
      connectMock.restore();
    }
  });

  it('a stub with no behaviour for DescribeUser (or DescribeInstance) is one line naming what to stub', async () => {
    const connectMock = mockClient(ConnectClient);
    try {
      const run = () =>
        runConformance({
          target: { client: new ConnectClient({ region: 'us-east-1' }) },
          fixtures: { instanceId: 'i-1', userId: 'u-1' },
          identityManagementType: 'CONNECT_MANAGED',
        });
      const none = (await run().catch((e: unknown) => e)) as Error;
      expect(none).toBeInstanceOf(TargetConfigError);
      expect(none.message).toMatch(
        /^the client answered DescribeInstanceCommand with undefined, not an output: give the stub a behaviour for DescribeInstanceCommand \(aws-sdk-client-mock: mock\.on\(DescribeInstanceCommand\)/,
      );
      connectMock.on(DescribeInstanceCommand).resolves({ Instance: { Id: 'i-1', IdentityManagementType: 'CONNECT_MANAGED' } });
      const error = (await run().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(TargetConfigError);
      expect(error.message).toMatch(
        /^the client answered DescribeUserCommand with undefined, not an output: give the stub a behaviour for DescribeUserCommand \(aws-sdk-client-mock: mock\.on\(DescribeUserCommand\)\.resolves/,
      );
      expect(error.message).not.toContain('\n');
      expect(connectMock.commandCalls(UpdateUserIdentityInfoCommand)).toEqual([]);
    } finally {
      connectMock.restore();
    }
  });

  it('refuses a client that is not one, and a client with a handler', async () => {
    await expect(runConformance({ target: { client: {} as never }, fixtures: { instanceId: 'i', userId: 'u' } })).rejects.toThrow(
      /^target: \{ client \} needs a ConnectClient \(an object with send\(command\)\); got an object$/,
    );
    expect(() =>
      configOf({
        target: { client: new ConnectClient({}) },
        handler: async () => ({ statusCode: 200, headers: {}, body: new Uint8Array() }),
      }),
    ).toThrow(UsageError);
    expect(configOf({ target: { client: new ConnectClient({}) } }).target).toBe('client');
  });
});

describe('the SDK outcome of one send (targets/sdk-client.ts) and how it is judged (checks/answer.ts)', () => {
  const command = () => new UpdateUserIdentityInfoCommand({ InstanceId: 'i', UserId: 'u', IdentityInfo: { FirstName: 'Ada Lovelace' } });
  const ctx: ErrorEnvelopeContext = { caseId: 'c', input: {}, sensitiveValues: ['Ada Lovelace'], protocolLevel: false };
  const send = (answer: () => unknown, timeoutMs = 5_000) => observeClientCommand({ send: answer }, command(), timeoutMs);
  const verdicts = async (answer: () => unknown) =>
    Object.fromEntries(errorEnvelopeVerdicts(spec, await send(answer), ctx).map((v) => [v.requirementId, v.pass]));

  it('reads the output, the error name, $fault and $metadata.httpStatusCode, and makes up nothing else', async () => {
    const ok = await send(async () => ({ $metadata: { httpStatusCode: 200 } }));
    expect(ok).toMatchObject({ sdkOnly: true, sdk: { ok: true, output: {}, status: 200 } });
    expect(ok.response).toBeUndefined();
    const rejected = await send(async () => {
      throw new InvalidParameterException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
    });
    expect(rejected.sdk).toEqual({ ok: false, name: 'InvalidParameterException', message: 'bad', status: 400, fault: 'client' });
    expect(answerOf(spec, rejected)).toEqual({
      status: 400,
      succeeded: false,
      error: true,
      type: 'InvalidParameterException',
      fault: 'client',
      message: 'bad',
    });
    expect(rejected.response).toBeUndefined();
  });

  it('judges the envelope on what the outcome says: a name, a status when reported, the message; never the body or the header', async () => {
    const typed = await verdicts(async () => {
      throw new InvalidParameterException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
    });
    expect(typed).toEqual({
      'SRV-AVAILABLE': true,
      'SRV-NO-5XX': true,
      'ERR-TYPE-PRESENT': true,
      'ERR-TYPE-DECLARED': true,
      'ERR-STATUS-MATCHES-TYPE': true,
      'ERR-FAULT': true,
      'SENS-NO-ECHO': true,
    });
    // aws-sdk-client-mock's .rejects('text'): an Error with no type.
    expect((await verdicts(async () => Promise.reject(new Error('mocked rejection'))))['ERR-TYPE-PRESENT']).toBe(false);
    // The status is judged only when reported.
    expect(
      (await verdicts(async () => Promise.reject(new InvalidParameterException({ message: 'x', $metadata: { httpStatusCode: 404 } }))))[
        'ERR-STATUS-MATCHES-TYPE'
      ],
    ).toBe(false);
    expect(await verdicts(async () => Promise.reject(new InvalidParameterException({ message: 'x', $metadata: {} })))).not.toHaveProperty(
      'ERR-STATUS-MATCHES-TYPE',
    );
    // A server error without a status is still one.
    expect((await verdicts(async () => Promise.reject(new InternalServiceException({ message: 'x', $metadata: {} }))))['SRV-NO-5XX']).toBe(
      false,
    );
    // The message echoes a sensitive value that was sent.
    expect(
      (await verdicts(async () => Promise.reject(new InvalidParameterException({ message: 'bad name Ada Lovelace', $metadata: {} }))))[
        'SENS-NO-ECHO'
      ],
    ).toBe(false);
  });

  it('a send that does not settle, or fails as a transport does, is unanswered (SRV-AVAILABLE fails)', async () => {
    const silent = await send(() => new Promise(() => {}), 20);
    expect(silent.transportError).toMatch(/^no answer within 20 ms/);
    expect(
      (await verdicts(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))))[
        'SRV-AVAILABLE'
      ],
    ).toBe(false);
    expect(errorEnvelopeVerdicts(spec, silent, ctx).find((v) => v.requirementId === 'SRV-AVAILABLE')?.pass).toBe(false);
  });

  it('what is not an answer of a Connect client is said so: no output (a stub with no behaviour), a bug in the stub, a rejection that is not an Error', async () => {
    await expect(send(() => undefined)).rejects.toThrow(TargetConfigError);
    await expect(send(() => undefined)).rejects.toThrow(/another copy of @aws-sdk\/client-connect/);
    await expect(send(() => Promise.resolve(null))).rejects.toThrow(/answered UpdateUserIdentityInfoCommand with null, not an output/);
    await expect(
      send(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'FirstName')");
      }),
    ).rejects.toThrow(
      new TargetFault(
        "the client's send of UpdateUserIdentityInfoCommand threw TypeError: Cannot read properties of undefined (reading 'FirstName') (a bug in the stub?)",
      ),
    );
    await expect(send(() => Promise.reject('nope'))).rejects.toThrow(/rejected with a string, not an Error/);
  });
});

describe('the plan of a target without the wire', () => {
  const fixture = (type: string) => {
    const user = (userId: string) => ({ instanceId: 'i', userId, info: {} });
    const generators = createGenerators(spec, type);
    return {
      set: { identityManagementType: type, instanceId: 'i', userId: 'u', secondUserId: 'v', secondInstanceId: 'w', provisioned: [] },
      generators,
      user: user('u'),
      other: user('v'),
    };
  };

  it('holds only what the SDK can send, and marks the rest n/a; a target with the wire loses nothing', () => {
    for (const type of spec.identityManagementTypes) {
      const f = fixture(type);
      const steps = planFor(f, ['sdk']);
      expect(steps.filter((s) => s.case && s.case.channel !== 'sdk')).toEqual([]);
      expect(steps.filter((s) => s.id.phase === 'authentication')).toEqual([]);
      expect(planFor(f).filter((s) => s.case?.channel === 'raw').length).toBeGreaterThan(0);
      const unchecked = uncheckedOn({ wire: false }, f);
      const reached = new Set(steps.flatMap((s) => s.requirementIds));
      // Nothing planned is n/a but the success envelope (its cases run; its body and headers are not there to judge),
      // and every requirement of the full plan is planned or n/a.
      expect([...unchecked.notApplicable.keys()].filter((id) => reached.has(id))).toEqual(['OK-SUCCESS-ENVELOPE']);
      for (const id of new Set(planFor(f).flatMap((s) => s.requirementIds)))
        expect(reached.has(id) || unchecked.notApplicable.has(id), id).toBe(true);
      expect(uncheckedOn({}, f)).toEqual({ notApplicable: new Map(), skippedUnlessJudged: new Map() });
    }
  });

  it("a run's random cases and command sequences are drawn among those the SDK can send", () => {
    const g = sendableBy(['sdk'], createGenerators(spec, 'CONNECT_MANAGED'));
    for (const name of ['valid', 'invalid', 'wire']) {
      const sample = fc.sample(g.arbitrary(name), { seed: 7, numRuns: 60 });
      expect(
        sample.every((c) => c.channel === 'sdk'),
        name,
      ).toBe(true);
    }
    expect(fc.sample(g.invalidCase, { seed: 7, numRuns: 60 }).every((c) => c.channel === 'sdk')).toBe(true);
    const all = createGenerators(spec, 'CONNECT_MANAGED');
    expect(sendableBy(['sdk', 'raw'], all)).toBe(all);
  });
});

// The vitest adapter, run as a user runs it: vitest on examples/aws-sdk-client-mock/conformance.test.ts (the README's
// example) in a child process.
const tmp = mkdtempSync(join(tmpdir(), 'cc-sdk-client-'));

const vitest = (env: Record<string, string>, name: string) =>
  vitestChild({ cwd: ROOT, args: ['--config', 'examples/aws-sdk-client-mock/vitest.config.ts'], env, report: join(tmp, `${name}.json`) });

describe('a ConnectClient stubbed with aws-sdk-client-mock, through the vitest adapter (README example)', () => {
  it('gates a stub that behaves like the reference: none failing, the n/a requirements skipped', { timeout: 240_000 }, async () => {
    const { code, report } = await vitest({}, 'correct');
    expect(code).toBe(0);
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    expect(tests).toHaveLength(spec.requirements.length + 2);
    expect(report.numFailedTests).toBe(0);
    const skipped = new Set(tests.filter((t) => t.status === 'skipped' || t.status === 'pending').map((t) => t.title.split(' ')[0]));
    for (const id of WITHOUT_WIRE) expect(skipped.has(id), id).toBe(true);
    expect(tests.find((t) => t.title.startsWith('IN-CM-FIRSTNAME-MINLEN'))?.status).toBe('passed');
  });

  it('fails IN-CM-FIRSTNAME-MINLEN for a stub that accepts an empty FirstName', { timeout: 240_000 }, async () => {
    const { code, report } = await vitest({ STUB_BUG: 'empty-first-name' }, 'broken');
    expect(code).toBe(1);
    const failed = report.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.title.split(' ')[0])).toContain('IN-CM-FIRSTNAME-MINLEN');
    const message = failed.find((t) => t.title.startsWith('IN-CM-FIRSTNAME-MINLEN'))!.failureMessages.join('\n');
    expect(message).toMatch(/expected 400 with InvalidParameterException or InvalidRequestException, got a resolved send/);
  });

  it('refuses a client given beside a target', () => {
    expect(() => describeConformance('x', { client: new ConnectClient({}), target: 'reference' })).toThrow(UsageError);
  });
});
