// --target aws against the project's own server (the reference behind startHttpServer on 127.0.0.1, counting every
// request on arrival): the allowlist sends nothing when an instance is not named; a run stays within its budget and
// its rate, writes only its own users, sends only reserved addresses and fictional numbers, restores every fixture
// and writes no credential anywhere; the dry run predicts its request count exactly and sends nothing; a recorded
// run replays offline, and a request the cassette does not hold is a skip with the reason; --provision creates and
// deletes its own users; a fixture that would send a real address is refused; --profile reaches the profile's key.
import { DEFAULT_BINDING } from '../operations/index.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstanceCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../bin/run.ts';
import { UsageError } from '../bin/usage.ts';
import type { Results } from '../engine/results.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { Budget, SafetyEnvelope, TokenBucket, type NockDefinition } from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { createTarget, SendStopped, TargetConfigError } from '../targets/index.ts';
import { defaultFixtures } from '../targets/reference/index.ts';
import {
  filesHolding,
  fixtureFlags,
  IDS,
  rateExcess,
  SECRET_KEY,
  SESSION_TOKEN,
  sandboxFlags,
  startCountingServer,
  unsafeValues,
  useExampleCredentials,
  writesOutside,
  type CountingServer,
} from './aws-server.ts';
import { readJson, runQuietly } from './aws-server.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'cc-aws-'));
const env = useExampleCredentials(tmp);
let spec: Spec;

beforeAll(async () => {
  spec = await defaultSpec();
});

const read = readJson;
interface SandboxStats {
  steps: Record<string, { requests: number; requirementIds: string[] }>;
  requests: number;
  maxRequests: number;
  throttled: number;
  transportRetries: number;
  refusals: string[];
  stopped: string | null;
  cassetteMisses: string[];
}

describe('the allowlist', () => {
  let server: CountingServer;
  beforeAll(async () => {
    server = await startCountingServer(spec);
  });
  afterAll(() => server.close());

  it('exits 2 with one line and sends nothing when the instance is not allowlisted', { timeout: 60_000 }, async () => {
    const bin = join(ROOT, 'bin', 'connect-conformance.js');
    const args = [
      'run',
      '--target',
      'aws',
      '--endpoint-url',
      server.endpoint,
      '--instance-id',
      IDS.instance,
      '--user-id',
      IDS.user,
      '--report-dir',
      join(tmp, 'refused'),
    ];
    const r = await exec(process.execPath, [bin, ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--instance-id c0a1b2c3-0000-4000-8000-000000000001 is not allowlisted.*nothing was sent/);
    expect(server.arrivals).toHaveLength(0);
  });

  it('also for a second instance that is not allowlisted, and for a config file that names another instance', async () => {
    const config = join(tmp, 'other.yaml');
    writeFileSync(config, 'allow-instance:\n  - c0a1b2c3-0000-4000-8000-00000000ffff\n');
    for (const args of [
      [
        '--target',
        'aws',
        '--endpoint-url',
        server.endpoint,
        '--allow-instance',
        IDS.instance,
        '--instance-id',
        IDS.instance,
        '--user-id',
        IDS.user,
        '--second-instance-id',
        IDS.secondInstance,
      ],
      ['--target', 'aws', '--endpoint-url', server.endpoint, '--config', config, '--instance-id', IDS.instance, '--user-id', IDS.user],
    ]) {
      await expect(run(args)).rejects.toThrow(UsageError);
      await expect(run(args)).rejects.toThrow(/is not allowlisted/);
    }
    expect(server.arrivals).toHaveLength(0);
  });

  it('a config file (YAML, keys named like the flags) allowlists too', async () => {
    const config = join(tmp, 'sandbox.yaml');
    writeFileSync(
      config,
      `allow-instance: [${IDS.instance}]\ninstance-id: ${IDS.instance}\nuser-id: ${IDS.user}\nmax-requests: 120\nidentity-management: CONNECT_MANAGED\n`,
    );
    const r = await runQuietly(['--target', 'aws', '--endpoint-url', server.endpoint, '--config', config, '--dry-run', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/of the budget of 120/);
    expect(server.arrivals).toHaveLength(0);
  });
});

describe('a run against the sandbox double', () => {
  let server: CountingServer;
  const dir = join(tmp, 'full');
  const cassette = join(tmp, 'full.cassette.json');
  let before: ReturnType<CountingServer['service']['store']['snapshot']>;
  let code: number;
  let printed: string;
  let stats: SandboxStats;
  let results: Results;
  const RATE = 25;
  const args = (s: CountingServer) => [...sandboxFlags(s, fixtureFlags), '--seed', '7', '--rate', String(RATE)];

  beforeAll(async () => {
    server = await startCountingServer(spec);
    before = server.service.store.snapshot();
    ({ code, out: printed } = await runQuietly([...args(server), '--report-dir', dir, '--record', cassette]));
    stats = read<SandboxStats>(join(dir, 'sandbox.json'));
    results = read<Results>(join(dir, 'results.json'));
  }, 120_000);
  afterAll(() => server.close());

  it('passes on the reference, every applicable requirement checked', () => {
    expect(code).toBe(0);
    const notPassing = results.requirements.filter((r) => r.status !== 'pass' && r.status !== 'n/a').map((r) => r.id);
    // Judged only on answers a correct run against the reference never meets: a throttled one, a fixture operation's error.
    expect(notPassing).toEqual(['THR-429-TYPE', 'THR-WRITE-UNCHANGED', 'FX-ERROR-ENVELOPE']);
  });

  it('stays within the budget and the rate, counted on the server', () => {
    expect(server.arrivals.length).toBe(stats.requests);
    expect(stats.requests).toBeLessThanOrEqual(300);
    expect(rateExcess(server.arrivals, RATE, 5)).toBeLessThan(0.5);
    // The deterministic boundary phase is a small part of the default budget (69 requests for CONNECT_MANAGED).
    const boundary = Object.entries(stats.steps)
      .filter(([k]) => k.includes('/boundary/'))
      .reduce((n, [, s]) => n + s.requests, 0);
    expect(boundary).toBeGreaterThan(30);
    expect(boundary).toBeLessThanOrEqual(100);
  });

  it('writes to no user outside its fixtures, and leaves every other user as it was', () => {
    expect(writesOutside(server, [IDS.instance, IDS.secondInstance, IDS.user, IDS.secondUser])).toEqual([]);
    const after = server.service.store.snapshot();
    for (const [instance, users] of Object.entries(before)) {
      for (const [user, info] of Object.entries(users)) {
        if (user === IDS.user || user === IDS.secondUser) continue;
        expect(after[instance]![user], `${instance}/${user}`).toEqual(info);
      }
    }
  });

  it('restores every fixture user, verified, and finishes its journal', () => {
    const after = server.service.store.snapshot();
    for (const user of [IDS.user, IDS.secondUser]) {
      for (const [k, v] of Object.entries(before[IDS.instance]![user]!)) expect(after[IDS.instance]![user]![k], `${user}.${k}`).toBe(v);
    }
    expect(results.fixtures.map((f) => [f.userId, f.restored])).toEqual([
      [IDS.user, true],
      [IDS.secondUser, true],
    ]);
    const journal = read<{ entries: { kind: string }[] }>(join(dir, 'journal.json'));
    expect(journal.entries.map((e) => e.kind)).toEqual(['snapshot', 'snapshot', 'restored', 'restored', 'finished']);
  });

  it('sends only addresses on reserved domains and fictional numbers', () => {
    expect(server.writes().length).toBeGreaterThan(50);
    expect(server.writes().some((w) => /"Mobile"/.test(w.body))).toBe(true);
    expect(unsafeValues(server)).toEqual([]);
  });

  it('writes no credential in any file (report, journal, cassette)', async () => {
    expect(await filesHolding([SECRET_KEY, SESSION_TOKEN, 'AWS4-HMAC-SHA256'], [dir, cassette])).toEqual([]);
    const recorded = read<{ exchanges: NockDefinition[] }>(cassette).exchanges;
    expect(recorded).toHaveLength(stats.requests);
    expect(JSON.stringify(recorded)).not.toMatch(/authorization|x-amz-security-token|AKIDEXAMPLE/i);
  });

  it("the dry run predicts the run's request count exactly, and sends nothing", async () => {
    const arrived = server.arrivals.length;
    const r = await runQuietly([...args(server), '--dry-run']);
    expect(r.code).toBe(0);
    expect(server.arrivals.length).toBe(arrived);
    const totals = /^TOTAL requests\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(r.out);
    expect(totals, r.out).not.toBeNull();
    // One column per identity management type (the run reads the type with DescribeInstance): CONNECT_MANAGED is the second.
    expect(Number(totals![2])).toBe(stats.requests);
    expect(r.out).toMatch(/IN-MOBILE-PATTERN\s+\d+\s+\d+\s+\d+/);
    expect(r.out).toMatch(/about \d+ (min \d+ )?s at 25 requests\/s/);
  });

  it('replays offline from its cassette with the command the recording run printed', async () => {
    await server.close();
    const replayDir = join(tmp, 'replay');
    const lines = printed.split('\n');
    const command = lines[lines.findIndex((l) => l.endsWith('replay them offline with:')) + 1]?.trim() ?? '';
    expect(command, printed).toMatch(/^npx connect-conformance run --target replay /);
    expect(command).toContain(`--cassette ${cassette}`);
    const r = await runQuietly([...command.replace(/^npx connect-conformance run /, '').split(' '), '--report-dir', replayDir]);
    expect(r.code, r.out).toBe(0);
    const replayed = read<Results>(join(replayDir, 'results.json'));
    expect(replayed.requirements.map((x) => [x.id, x.status])).toEqual(results.requirements.map((x) => [x.id, x.status]));
    expect(read<SandboxStats>(join(replayDir, 'sandbox.json')).cassetteMisses).toEqual([]);
  });

  it('a request the cassette does not hold makes its requirement a skip with the reason, never a pass', async () => {
    const recorded = read<{ exchanges: NockDefinition[] }>(cassette).exchanges;
    const cut = recorded.filter((d) => !(d.method === 'POST' && d.path.startsWith('/users/conformance-missing-')));
    expect(cut.length).toBe(recorded.length - 1);
    const tampered = join(tmp, 'tampered.json');
    // Written as an earlier version wrote cassettes (a bare list of exchanges): still read, replayed as it is.
    writeFileSync(tampered, JSON.stringify(cut));
    const replayDir = join(tmp, 'replay-tampered');
    const r = await runQuietly([
      '--target',
      'replay',
      '--cassette',
      tampered,
      ...fixtureFlags,
      '--instance-id',
      IDS.instance,
      '--second-instance-id',
      IDS.secondInstance,
      '--seed',
      '7',
      '--report-dir',
      replayDir,
    ]);
    const replayed = read<Results>(join(replayDir, 'results.json'));
    const unknownInstance = replayed.requirements.find((x) => x.id === 'EX-UNKNOWN-INSTANCE')!;
    expect(unknownInstance.status).toBe('skip');
    expect(unknownInstance.reason).toMatch(/the cassette holds no answer for POST \/users\/conformance-missing-/);
    expect(read<SandboxStats>(join(replayDir, 'sandbox.json')).cassetteMisses).toEqual(['EX-UNKNOWN-INSTANCE']);
    expect(r.out).toMatch(/the cassette could not answer 1 step\(s\): EX-UNKNOWN-INSTANCE/);
    expect(r.code).toBe(0);
  });

  it('stores the settings it was recorded with; a replay with another seed, runs or plan is one line, exit 2, naming what differs', {
    timeout: 120_000,
  }, async () => {
    const stored = read<{ 'connect-conformance': string; tool: string; recordedWith: Record<string, unknown> }>(cassette);
    expect(stored['connect-conformance']).toBe('cassette/1');
    expect(stored.tool).toMatch(/^connect-conformance\//);
    expect(stored.recordedWith).toMatchObject({
      seed: 7,
      runs: 3,
      only: [],
      'fixtures.userId': IDS.user,
      'fixtures.secondUserId': IDS.secondUser,
      maxRequests: 300,
    });
    const bin = join(ROOT, 'bin', 'connect-conformance.js');
    const replay = (extra: string[]) =>
      exec(
        process.execPath,
        [
          bin,
          'run',
          '--target',
          'replay',
          '--cassette',
          cassette,
          ...fixtureFlags,
          '--instance-id',
          IDS.instance,
          '--second-instance-id',
          IDS.secondInstance,
          '--report-dir',
          join(tmp, 'replay-mismatch'),
          '--quiet',
          ...extra,
        ],
        { cwd: ROOT, env: { ...process.env, ...env } },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    for (const [extra, message] of [
      [
        ['--seed', '8'],
        /^--cassette \S+ was recorded with --seed 7; this run has --seed 8: a cassette answers only the run it recorded, replay it with the same settings$/,
      ],
      [['--seed', '7', '--runs', '5'], /was recorded with --runs 3; this run has --runs 5:/],
      [['--seed', '7', '--only', 'EX-UNKNOWN-USER'], /was recorded with no --only; this run has --only EX-UNKNOWN-USER:/],
      [
        ['--seed', '7', '--identity-management', 'CONNECT_MANAGED'],
        /was recorded with no --identity-management; this run has --identity-management CONNECT_MANAGED:/,
      ],
      [['--seed', '12345678901234', '--runs', '4'], /was recorded with --seed 7, --runs 3; this run has --seed 12345678901234, --runs 4:/],
    ] as const) {
      const r = await replay([...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });
});

describe('--provision', () => {
  it('creates conformance- users with the tag conformance=true, writes only to them, and deletes them', { timeout: 120_000 }, async () => {
    const server = await startCountingServer(spec);
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'provision');
    try {
      const r = await runQuietly([
        ...sandboxFlags(server, ['--provision', '--security-profile-id', 'agent', '--routing-profile-id', 'basic']),
        '--seed',
        '3',
        '--rate',
        '25',
        '--report-dir',
        dir,
      ]);
      expect(r.code, r.out).toBe(0);
      const creates = server.writes().filter((w) => w.method === 'PUT');
      expect(creates).toHaveLength(2);
      const created: string[] = [];
      for (const c of creates) {
        const body = JSON.parse(c.body) as { Username: string; Tags: Record<string, string> };
        expect(body.Username).toMatch(/^conformance-/);
        expect(body.Tags).toEqual({ conformance: 'true' });
      }
      const journal = read<{ entries: { kind: string; userId?: string }[] }>(join(dir, 'journal.json'));
      for (const e of journal.entries) if (e.kind === 'created') created.push(e.userId!);
      expect(created).toHaveLength(2);
      expect(writesOutside(server, [IDS.instance, IDS.secondInstance, ...created])).toEqual([]);
      expect(
        server
          .writes()
          .filter((w) => w.method === 'DELETE')
          .map((w) => w.path.split('/').at(-1))
          .sort(),
      ).toEqual([...created].sort());
      expect(server.service.store.snapshot()).toEqual(before);
      expect(journal.entries.map((e) => e.kind)).toEqual(['creating', 'created', 'creating', 'created', 'deleted', 'deleted', 'finished']);
      expect(unsafeValues(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('fixtures and credentials', () => {
  it('refuses, before any write, a fixture user whose identity info could reach someone (restoring it would send it)', async () => {
    const fixtures = defaultFixtures();
    fixtures.instances[0]!.users[0]!.identityInfo = { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@gmail.com' };
    const server = await startCountingServer(spec, { fixtures });
    try {
      await expect(run([...sandboxFlags(server, ['--user-id', IDS.user]), '--report-dir', join(tmp, 'unsafe-fixture')])).rejects.toThrow(
        TargetConfigError,
      );
      await expect(run([...sandboxFlags(server, ['--user-id', IDS.user]), '--report-dir', join(tmp, 'unsafe-fixture')])).rejects.toThrow(
        /can receive mail.*dedicated test user/,
      );
      expect(server.arrivals.length).toBeGreaterThan(0);
      expect(server.writes()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("--profile takes the key of that profile (the SDK chain: ConnectClient's profile option)", async () => {
    const server = await startCountingServer(spec);
    const saved = { ...process.env };
    const credentials = join(tmp, 'credentials');
    writeFileSync(
      credentials,
      `[sandbox]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = ${SECRET_KEY}\n\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = not-the-key-0123456789\n`,
    );
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    try {
      const statusWith = async (profile: string) => {
        const envelope = new SafetyEnvelope({
          guard: new Guard({ allowInstances: [IDS.instance], fixtureUsers: [], binding: DEFAULT_BINDING }),
          budget: new Budget(5),
          bucket: new TokenBucket(100, 5),
        });
        const target = await createTarget(spec, { kind: 'aws', region: 'us-east-1', endpointUrl: server.endpoint, profile, envelope });
        try {
          return (await target.send(new DescribeInstanceCommand({ InstanceId: IDS.instance }))).response?.statusCode;
        } finally {
          await target.close();
        }
      };
      expect(await statusWith('sandbox')).toBe(200);
      expect(await statusWith('other')).toBe(403);
      expect(server.arrivals).toHaveLength(2);
    } finally {
      process.env = saved;
      await server.close();
    }
  });

  it('both channels of the aws target go through the guard: a refused request never reaches the server', async () => {
    const server = await startCountingServer(spec);
    const envelope = new SafetyEnvelope({
      guard: new Guard({ allowInstances: [IDS.instance], fixtureUsers: [IDS.user], binding: DEFAULT_BINDING }),
      budget: new Budget(5),
      bucket: new TokenBucket(100, 5),
    });
    const target = await createTarget(spec, { kind: 'aws', region: 'us-east-1', endpointUrl: server.endpoint, envelope });
    const foreign = IDS.secondUser;
    const { UpdateUserIdentityInfoCommand } = await import('@aws-sdk/client-connect');
    try {
      await expect(
        target.send(new UpdateUserIdentityInfoCommand({ InstanceId: IDS.instance, UserId: foreign, IdentityInfo: { FirstName: 'X' } })),
      ).rejects.toBeInstanceOf(SendStopped);
      const body = new TextEncoder().encode('{"IdentityInfo":{"FirstName":"X"}}');
      await expect(
        target.raw(
          {
            method: 'POST',
            path: `/users/${IDS.instance}/${foreign}/identity-info`,
            headers: { 'content-type': 'application/json' },
            body,
          },
          'unsigned',
        ),
      ).rejects.toMatchObject({ kind: 'refused' });
      await expect(
        target.send(
          new UpdateUserIdentityInfoCommand({ InstanceId: IDS.instance, UserId: IDS.user, IdentityInfo: { Email: 'ada@gmail.com' } }),
        ),
      ).rejects.toMatchObject({ kind: 'refused' });
      expect(server.arrivals).toHaveLength(0);
      expect(envelope.guard.refusals).toHaveLength(3);
    } finally {
      await target.close();
      await server.close();
    }
  });
});
