// The settings of a run, as one table (engine/options.ts OPTIONS): each option's flag and the targets that use it. The
// library refuses an option its target does not use, naming the option (and the CLI names the same error by its
// flags, from the same table); seeds are any whole number or word, with the 32-bit seed fast-check uses derived from
// it and the seed kept as given; a fixture that cannot be read is explained from what the answer says (an HTML 403 is
// not the credentials); the replay of a handler given in code is the library call.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FLAGS, runConfig } from '../bin/run-config.ts';
import { Recorder } from '../targets/aws/cassette.ts';
import { replayCommand } from '../engine/replay-command.ts';
import { UsageError, UserError, type Naming } from '../core/errors.ts';
import { utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';
import {
  checkCassetteSettings,
  checkTargetOptions,
  configOf,
  flagNaming,
  OPTIONS,
  recordedSettings,
  seedArgument,
  seedOf,
  seedShown,
} from '../engine/options.ts';
import { runConformance } from '../api/run.ts';
import { defaultSpec } from '../spec/index.ts';
import { TARGET_KINDS } from '../targets/index.ts';
import { createReferenceService, defaultFixtures } from '../api/reference.ts';

const spec = await defaultSpec();
const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
const fixtureIds = { instanceId: managed[0]!.id, userId: managed[0]!.users[0]!.id, secondUserId: managed[0]!.users[1]!.id };

/** The UserError a call throws (the test fails when it throws nothing or something else). */
async function userError(call: () => unknown): Promise<UserError> {
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, 'a UserError').toBeInstanceOf(UserError);
  return error as UserError;
}

describe('the table of options', () => {
  it('gives every flag it names to the run command, and each flag to one option', () => {
    const flags = Object.values(OPTIONS).flatMap((o) => (o.flag ? [o.flag] : []));
    expect(new Set(flags).size).toBe(flags.length);
    for (const flag of flags.filter((f) => !['--step', '--path'].includes(f)))
      expect(Object.keys(RUN_FLAGS), flag).toContain(flag.slice(2));
    for (const o of Object.values(OPTIONS)) for (const t of o.targets ?? []) expect(TARGET_KINDS).toContain(t);
  });

  it.each([
    [
      { endpointUrl: 'http://127.0.0.1:9' },
      "endpointUrl is for target: 'endpoint' or 'aws'; did you mean target: 'endpoint'?",
      '--endpoint-url is for --target endpoint or aws; did you mean --target endpoint?',
    ],
    [
      { modulePath: './mock.ts' },
      "modulePath is for target: 'module'; did you mean target: 'module'?",
      '--module is for --target module; did you mean --target module?',
    ],
    [
      { cassette: 'x.json' },
      "cassette is for target: 'replay'; did you mean target: 'replay'?",
      '--cassette is for --target replay; did you mean --target replay?',
    ],
    [
      { profile: 'dev' },
      "profile is for target: 'endpoint' or 'aws'; did you mean target: 'endpoint'?",
      '--profile is for --target endpoint or aws; did you mean --target endpoint?',
    ],
    [
      { allowInstances: ['i'] },
      "allowInstances is for target: 'aws' or 'replay'; did you mean target: 'aws'?",
      '--allow-instance is for --target aws or replay; did you mean --target aws?',
    ],
    [
      { target: 'module' as const, endpointUrl: 'http://x' },
      "endpointUrl is for target: 'endpoint' or 'aws', not target: 'module'",
      '--endpoint-url is for --target endpoint or aws, not --target module',
    ],
    [
      {
        target: 'endpoint' as const,
        endpointUrl: 'http://x',
        handler: (async () => ({ statusCode: 200, headers: {}, body: new Uint8Array() })) as WireHandler,
      },
      "handler is for target: 'module', not target: 'endpoint'",
      'handler is for --target module, not --target endpoint',
    ],
  ])('%j: the library names the option, the command the flag', async (options, library, command) => {
    const e = await userError(() => runConformance({ ...options, spec }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(library);
    expect(e.messageFor(flagNaming)).toBe(command);
  });

  it('an option its target uses, or one for every target, passes; an empty list or false is not given', () => {
    expect(() => checkTargetOptions('endpoint', ['endpointUrl', 'profile', 'fixtures.userId', 'region'], true)).not.toThrow();
    expect(() =>
      checkTargetOptions('reference', ['fixtures.instanceId', 'fixtures.userId', 'region', 'seed', 'runs'], false),
    ).not.toThrow();
    expect(configOf({ allowInstances: [], provision: false }).target).toBe('reference');
  });

  it('a region that is not a host label is one line naming it, as an option and as a flag', async () => {
    const e = await userError(() => runConformance({ region: 'US East', spec }));
    expect(e.message).toBe("region: 'US East' is not a region name: lower-case letters, digits and hyphens, as us-east-1");
    expect(e.messageFor(flagNaming)).toBe("--region 'US East' is not a region name: lower-case letters, digits and hyphens, as us-east-1");
    expect(configOf({ region: 'eu-west-2' }).region).toBe('eu-west-2');
  });

  it('names values as a shell takes them back', () => {
    const name: Naming = flagNaming;
    expect(name('fixtures.userId')).toBe('--user-id');
    expect(name('target', ['endpoint', 'aws'])).toBe('--target endpoint or aws');
    expect(name('seed', "it's")).toBe(`--seed 'it'\\''s'`);
    expect(name('handler')).toBe('handler');
  });
});

describe('seeds', () => {
  const hashed = (text: string) => createHash('sha256').update(text, 'utf8').digest().readInt32BE(0);

  it('a whole number from -2^31 to 2^31-1 is the seed itself (earlier seeds replay as before)', () => {
    for (const s of [0, 42, -7, 2 ** 31 - 1, -(2 ** 31)]) expect(seedOf(s)).toEqual({ seed: s });
    expect(seedOf('42')).toEqual({ seed: 42 });
    expect(seedOf(' +0042 ')).toEqual({ seed: 42 });
  });

  it('a larger whole number (a CI run id) or a word is kept as given, with the first 4 bytes of its SHA-256 as the seed', () => {
    expect(seedOf('12345678901234')).toEqual({ seed: hashed('12345678901234'), given: '12345678901234' });
    expect(seedOf(12345678901234)).toEqual(seedOf('12345678901234'));
    expect(seedOf('+012345678901234')).toEqual(seedOf('12345678901234'));
    expect(seedOf('2147483648')).toEqual({ seed: hashed('2147483648'), given: '2147483648' });
    expect(seedOf('nightly main')).toEqual({ seed: hashed('nightly main'), given: 'nightly main' });
    expect(seedOf('123456789012345678901234567890')).toEqual({
      seed: hashed('123456789012345678901234567890'),
      given: '123456789012345678901234567890',
    });
    for (const v of ['12345678901234', 'nightly main']) expect(Math.abs(seedOf(v).seed)).toBeLessThanOrEqual(2 ** 31);
    expect(seedOf('a').seed).not.toBe(seedOf('b').seed);
  });

  it('an empty seed, or a number beyond 2^53, is one line', async () => {
    expect((await userError(() => seedOf('  '))).messageFor(flagNaming)).toBe('--seed is empty: give a whole number or a word');
    expect((await userError(() => seedOf(2 ** 60))).message).toMatch(
      /^seed must be a whole number or a string \(got 1152921504606847000; give a number beyond 2\^53 as a string\)$/,
    );
    expect((await userError(() => seedOf(1.5))).message).toMatch(/^seed must be a whole number or a string/);
  });

  it('is shown as given with the derived seed beside it, and given back as given', () => {
    expect(seedShown({ seed: 5 })).toBe('5');
    expect(seedShown({ seed: 5, seedGiven: '12345678901234' })).toBe('12345678901234 (fast-check seed 5)');
    expect(seedArgument({ seed: 5, seedGiven: 'nightly' })).toBe('nightly');
  });

  it('a run keeps the seed as given in its results and its replay commands; the same seed gives the same run', {
    timeout: 60_000,
  }, async () => {
    const broken: WireHandler = (() => {
      const service = createReferenceService(spec, { fixtures: defaultFixtures() });
      return async (r: WireRequest) => {
        const response = await service.handle(r);
        return response.statusCode === 404 ? { ...response, statusCode: 400 } : response;
      };
    })();
    const options = {
      handler: broken,
      fixtures: fixtureIds,
      identityManagementType: 'CONNECT_MANAGED',
      runs: 2,
      only: ['EX-UNKNOWN-USER'],
      spec,
    };
    const a = await runConformance({ ...options, seed: '12345678901234' });
    const b = await runConformance({ ...options, seed: 12345678901234 });
    expect(a.seed).toBe(hashed('12345678901234'));
    expect(a.seedGiven).toBe('12345678901234');
    const failure = a.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')!.failures[0]!;
    // A handler given in code has no command line: its replay is the library call, with the seed as given.
    expect(failure.replay).toBe(
      "runConformance({ handler, ...sameOptions, only: ['EX-UNKNOWN-USER'], step: 'CONNECT_MANAGED/existence/unknown-user', seed: \"12345678901234\" })",
    );
    const again = b.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')!.failures[0]!.request!;
    expect([again.path, again.body]).toEqual([failure.request!.path, failure.request!.body]);
    const plain = await runConformance({ ...options, seed: 3 });
    expect(plain.seed).toBe(3);
    expect(plain.seedGiven).toBeUndefined();
  });
});

describe('a fixture that cannot be read: advice from what the answer says', () => {
  const html = (status: number): WireResponse => ({
    statusCode: status,
    headers: { 'content-type': 'text/html' },
    body: utf8('<html><head><title>403 Forbidden</title></head><body>Request blocked by the web application firewall</body></html>'),
  });
  const json = (status: number, type: string, message: string): WireResponse => ({
    statusCode: status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: utf8(JSON.stringify({ message })),
  });
  const describeUserAnswers = (answer: WireResponse): WireHandler => {
    const service = createReferenceService(spec, { fixtures: defaultFixtures() });
    return async (r) => (r.method === 'GET' && r.path.startsWith('/users/') ? answer : service.handle(r));
  };
  const stop = async (answer: WireResponse) =>
    userError(() =>
      runConformance({ handler: describeUserAnswers(answer), fixtures: fixtureIds, seed: 1, runs: 1, only: ['EX-UNKNOWN-USER'], spec }),
    );

  it('a 403 whose body is an HTML page is something in front of the target, not the credentials or the clock', async () => {
    const e = await stop(html(403));
    expect(e.message).toMatch(
      /DescribeUser of user .* answered 403 text\/html, \d+ bytes: the body is not JSON \("<html><head><title>403 Forbidden.*\): this refusal comes from something in front of a Connect endpoint \(a proxy, a firewall or WAF, a gateway\)/,
    );
    expect(e.message).not.toMatch(/credentials|clock/);
    expect(e.messageFor(flagNaming)).toMatch(/check --endpoint-url and what sits between this machine and the target$/);
  });

  it.each([
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', /the target does not know the access key/],
    [
      'InvalidSignatureException',
      'Signature expired: 20200101T000000Z is now earlier than 20240101T000000Z',
      /check this machine's clock$/,
    ],
    [
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided.',
      /the signature does not match: check the secret access key$/,
    ],
    [
      'AccessDeniedException',
      'User is not authorized to perform: connect:DescribeUser',
      /the credentials are valid but may not call DescribeUser/,
    ],
  ])('a 403 %s: %s', async (type, message, advice) => {
    const e = await stop(json(403, type, message));
    expect(e.message).toMatch(advice);
  });

  it('a user that does not exist names the options (library) and the flags (command)', async () => {
    const e = await stop(json(404, 'ResourceNotFoundException', 'User not found'));
    expect(e.message).toMatch(/check fixtures\.userId \(or fixtures\.secondUserId\) and fixtures\.instanceId$/);
    expect(e.messageFor(flagNaming)).toMatch(/check --user-id \(or --second-user-id\) and --instance-id$/);
  });
});

describe('replay commands', () => {
  const evidence = {
    caseId: 'existence:unknown-user',
    stepId: 'CONNECT_MANAGED/existence/unknown-user',
    problem: 'p',
    expected: { summary: 's' },
  } as never;

  it('of a replayed cassette: the whole replay again, with every setting it was recorded with, which its check accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-replay-command-'));
    const cassette = join(dir, 'run.cassette.json');
    const args = [
      '--target',
      'replay',
      '--cassette',
      cassette,
      '--instance-id',
      'i-1',
      '--user-id',
      'u-1',
      '--seed',
      '12345678901234',
      '--runs',
      '4',
      '--only',
      'EX-UNKNOWN-USER,EX-UNKNOWN-INSTANCE',
      '--report-dir',
      dir,
    ];
    const { config } = runConfig(spec, args);
    new Recorder([], recordedSettings(config), 'connect-conformance/test').write(cassette);
    const command = replayCommand(config, 'EX-UNKNOWN-USER', evidence);
    expect(command).toBe(
      `npx connect-conformance run --target replay --region us-east-1 --instance-id i-1 --user-id u-1 --cassette ${cassette} --seed 12345678901234 --runs 4 --only EX-UNKNOWN-INSTANCE,EX-UNKNOWN-USER`,
    );
    const again = runConfig(spec, [...command.split(' ').slice(3), '--report-dir', dir]).config;
    expect(() => checkCassetteSettings(again)).not.toThrow();
    // The step-by-step replay a live target gets would not match the cassette: it is refused.
    expect(() => checkCassetteSettings({ ...again, only: ['EX-UNKNOWN-USER'], step: 'CONNECT_MANAGED/existence/unknown-user' })).toThrow(
      /was recorded with only: 'EX-UNKNOWN-INSTANCE,EX-UNKNOWN-USER', no step; this run has only: 'EX-UNKNOWN-USER', step: 'CONNECT_MANAGED\/existence\/unknown-user':/,
    );
  });

  it('of a live target: one step, with the seed as given', () => {
    const config = configOf({
      target: 'endpoint',
      endpointUrl: 'http://127.0.0.1:9',
      seed: 'nightly main',
      fixtures: { instanceId: 'i-1', userId: 'u-1' },
    });
    expect(replayCommand(config, 'EX-UNKNOWN-USER', evidence)).toBe(
      "npx connect-conformance replay --target endpoint --endpoint-url http://127.0.0.1:9 --region us-east-1 --instance-id i-1 --user-id u-1 --requirement EX-UNKNOWN-USER --step CONNECT_MANAGED/existence/unknown-user --seed 'nightly main'",
    );
  });
});
