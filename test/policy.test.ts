// The safety policy is the engine's (engine/policy.ts): the library's runConformance and the vitest adapter refuse
// what the CLI refuses against a real account, with the same one line (a UsageError; named by the CLI's flags it is
// exactly what `connect-conformance run` prints before it exits 2), and send nothing. A run against the loopback
// sandbox double (an endpoint of one's own) may go faster than the ceiling that holds against AWS itself.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, UsageError, type RunOptions } from '../api/index.ts';
import { runConfig } from '../bin/run-config.ts';
import type { UserError } from '../core/errors.ts';
import { flagNaming, SANDBOX_DEFAULTS } from '../engine/options.ts';
import { againstAws, enforcePolicy } from '../engine/policy.ts';
import { configOf } from '../engine/options.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { IDS, startCountingServer, useExampleCredentials, type CountingServer } from './aws-server.ts';
import { childEnv } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'cc-policy-'));
const env = useExampleCredentials(tmp);
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CONNECT', 'AWS_PROFILE'] as const;
const saved = Object.fromEntries(ENDPOINT_VARIABLES.map((v) => [v, process.env[v]]));
let spec: Spec;
let server: CountingServer;

beforeAll(async () => {
  for (const v of ENDPOINT_VARIABLES) delete process.env[v];
  spec = await defaultSpec();
  server = await startCountingServer(spec);
  // Nothing in this file may reach a network beyond the loopback double: a request to AWS would fail, not be sent.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterAll(async () => {
  nock.enableNetConnect();
  await server.close();
  for (const v of ENDPOINT_VARIABLES) if (saved[v] !== undefined) process.env[v] = saved[v];
});

const I = IDS.instance;
const OTHER = 'c0a1b2c3-0000-4000-8000-00000000ffff';
const awsRun: RunOptions = { target: 'aws', allowInstances: [I], fixtures: { instanceId: I, userId: IDS.user }, seed: 1 };
const awsFlags = [
  '--target',
  'aws',
  '--allow-instance',
  I,
  '--instance-id',
  I,
  '--user-id',
  IDS.user,
  '--seed',
  '1',
  '--report-dir',
  join(tmp, 'cli'),
];

/** The library's refusal of a run: its error, and the message as the CLI names the settings. */
async function libraryRefusal(options: RunOptions): Promise<{ error: UserError; asFlags: string }> {
  const error = await runConformance({ journalDir: join(tmp, 'journal'), ...options }).then(
    () => {
      throw new Error('the library ran what the CLI refuses');
    },
    (e: unknown) => e as UserError,
  );
  expect(error).toBeInstanceOf(UsageError);
  return { error, asFlags: error.messageFor(flagNaming) };
}

/** The line the CLI prints for these flags (bin/cli.ts: the message named by the flags). */
function cliLine(args: string[]): string {
  try {
    runConfig(spec, args);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as UserError).messageFor(flagNaming).split('\n')[0]!;
  }
  throw new Error(`the CLI accepted ${args.join(' ')}`);
}

describe('the library is held to the CLI’s policy against a real account', () => {
  const U = IDS.user;
  const flags = (allow: string, ...rest: string[]) => [
    '--target',
    'aws',
    '--allow-instance',
    allow,
    '--instance-id',
    I,
    '--seed',
    '1',
    '--report-dir',
    join(tmp, 'cli'),
    ...rest,
  ];
  it.each<[string, RunOptions, string[], RegExp]>([
    [
      'a rate above the ceiling against AWS itself',
      { ...awsRun, rate: 50 },
      flags(I, '--user-id', U, '--rate', '50'),
      /^target: 'aws': rate and burst may only be lowered against AWS itself \(at most 2\/s, burst 5/,
    ],
    [
      'a burst above the ceiling against AWS itself',
      { ...awsRun, burst: SANDBOX_DEFAULTS.burst + 1 },
      flags(I, '--user-id', U, '--burst', String(SANDBOX_DEFAULTS.burst + 1)),
      /may only be lowered against AWS itself/,
    ],
    [
      'a budget above the ceiling',
      { ...awsRun, maxRequests: 2_000_000 },
      flags(I, '--user-id', U, '--max-requests', '2000000'),
      /^maxRequests must be a whole number from 1 to 1000000 \(got 2000000\)$/,
    ],
    [
      'a budget of nothing',
      { ...awsRun, maxRequests: 0 },
      flags(I, '--user-id', U, '--max-requests', '0'),
      /^maxRequests must be a whole number from 1 to 1000000 \(got 0\)$/,
    ],
    [
      'a rate that is no rate',
      { ...awsRun, rate: -1 },
      flags(I, '--user-id', U, '--rate', '-1'),
      /^rate must be a number of requests per second above 0, at most 1000 \(got -1\)$/,
    ],
    [
      'an instance outside the allowlist',
      { ...awsRun, allowInstances: [OTHER] },
      flags(OTHER, '--user-id', U),
      new RegExp(
        `^target: 'aws': fixtures.instanceId: '${I}' is not allowlisted; name it with allowInstances: '${I}' to let the run send to it; nothing was sent$`,
      ),
    ],
    [
      'a second instance outside the allowlist',
      { ...awsRun, fixtures: { ...awsRun.fixtures, secondInstanceId: OTHER } },
      flags(I, '--user-id', U, '--second-instance-id', OTHER),
      /fixtures.secondInstanceId: '.*' is not allowlisted/,
    ],
    [
      'no fixture user (the run writes only to users it owns)',
      { ...awsRun, fixtures: { instanceId: I } },
      flags(I),
      /^name the fixture user with fixtures.userId .* or let the run create its own with provision$/,
    ],
    [
      'provision without the profiles of the users it creates',
      { ...awsRun, fixtures: { instanceId: I }, provision: true },
      flags(I, '--provision'),
      /^provision needs securityProfileId and routingProfileId/,
    ],
  ])('%s: the same one-line refusal as the CLI, nothing sent', async (_, options, cliFlags, libraryMessage) => {
    const { error, asFlags } = await libraryRefusal(options);
    expect(error.message).toMatch(libraryMessage);
    expect(error.message).not.toContain('\n');
    expect(asFlags).toBe(cliLine(cliFlags));
  });

  it('the CLI prints that line and exits 2; the library refuses the same run before anything exists', { timeout: 60_000 }, async () => {
    const bin = join(ROOT, 'bin', 'connect-conformance.js');
    const r = await promisify(execFile)(process.execPath, [bin, 'run', ...awsFlags, '--rate', '50'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    const { asFlags } = await libraryRefusal({ ...awsRun, rate: 50 });
    expect(r.stderr.trim()).toBe(asFlags);
  });

  it('an instance outside the allowlist: nothing reaches the sandbox double', async () => {
    const before = server.arrivals.length;
    await libraryRefusal({ ...awsRun, endpointUrl: server.endpoint, allowInstances: [OTHER] });
    await libraryRefusal({ ...awsRun, endpointUrl: server.endpoint, maxRequests: 2_000_000 });
    expect(server.arrivals.length).toBe(before);
  });

  it('the budget and the rate default to the sandbox policy, as on the CLI', () => {
    const config = configOf(awsRun);
    expect([config.maxRequests, config.rate, config.burst, config.runs, config.rejectionBatch]).toEqual([
      SANDBOX_DEFAULTS.maxRequests,
      SANDBOX_DEFAULTS.rate,
      SANDBOX_DEFAULTS.burst,
      SANDBOX_DEFAULTS.runs,
      SANDBOX_DEFAULTS.rejectionBatch,
    ]);
    const cli = runConfig(spec, awsFlags).config;
    expect([cli.maxRequests, cli.rate, cli.burst, cli.runs, cli.rejectionBatch]).toEqual([
      config.maxRequests,
      config.rate,
      config.burst,
      config.runs,
      config.rejectionBatch,
    ]);
  });

  it('an endpoint of one’s own (flag, or as the SDKs configure it) is not AWS itself: it may be driven faster', () => {
    expect(againstAws('aws', {}, { AWS_CONFIG_FILE: join(tmp, 'none') })).toBe(true);
    expect(againstAws('aws', { endpointUrl: server.endpoint })).toBe(false);
    expect(againstAws('aws', {}, { AWS_CONFIG_FILE: join(tmp, 'none'), AWS_ENDPOINT_URL_CONNECT: server.endpoint })).toBe(false);
    const profiled = join(tmp, 'config');
    writeFileSync(profiled, `[profile double]\nendpoint_url = ${server.endpoint}\n`);
    expect(againstAws('aws', { profile: 'double' }, { AWS_CONFIG_FILE: profiled })).toBe(false);
    expect(() =>
      enforcePolicy(configOf({ ...awsRun, rate: 50 }), { AWS_CONFIG_FILE: join(tmp, 'none'), AWS_ENDPOINT_URL: server.endpoint }),
    ).not.toThrow();
    expect(() => enforcePolicy(configOf({ ...awsRun, rate: 50 }), { AWS_CONFIG_FILE: join(tmp, 'none') })).toThrow(UsageError);
  });

  it('against the loopback sandbox double the library runs at 50 requests a second, inside the envelope', {
    timeout: 120_000,
  }, async () => {
    const before = server.arrivals.length;
    const results = await runConformance({
      ...awsRun,
      endpointUrl: server.endpoint,
      rate: 50,
      burst: 10,
      identityManagementType: 'CONNECT_MANAGED',
      only: ['EX-UNKNOWN-USER'],
      journalDir: join(tmp, 'fast'),
    });
    expect(results.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')!.status).toBe('pass');
    expect(results.execution?.envelope?.rate).toBe(50);
    expect(server.arrivals.length).toBeGreaterThan(before);
    expect(results.fixtures.every((f) => f.restored)).toBe(true);
  });
});

describe('the vitest adapter is held to it too', () => {
  it('describeConformance with a rate above the ceiling against AWS fails its tests with the same line', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-policy-adapter-'));
    const options = JSON.stringify({
      target: 'aws',
      rate: 50,
      allowInstances: [I],
      fixtures: { instanceId: I, userId: IDS.user },
      journalDir: join(dir, 'journal'),
    });
    writeFileSync(
      join(dir, 'refused.test.ts'),
      `import { describeConformance } from ${JSON.stringify(join(ROOT, 'api', 'vitest.ts'))};\ndescribeConformance('against AWS', ${options});\n`,
    );
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const childEnvironment = childEnv({ ...env, AWS_CONFIG_FILE: join(dir, 'none'), AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_CONNECT: '' });
    const r = await promisify(execFile)(process.execPath, [vitest, 'run', '--reporter=default'], {
      cwd: dir,
      env: childEnvironment,
      timeout: 240_000,
    }).then(
      (o) => ({ code: 0, out: o.stdout + o.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(r.code).toBe(1);
    const { error } = await libraryRefusal({ ...awsRun, rate: 50 });
    expect(r.out).toContain(`UsageError: ${error.message}`);
    expect(r.out).not.toMatch(/Tests .*\d+ passed/);
  });
});
