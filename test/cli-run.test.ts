// `connect-conformance run` end to end: the main job passes on the reference and writes results.json with every
// requirement; a broken mock loaded with --target module exits 1 and names the requirement that caught it; a
// nock-based mock works the same way; configuration mistakes are one line and exit 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Results } from '../engine/results.ts';
import { defaultSpec } from '../spec/index.ts';
import { defaultFixtures } from '../targets/reference/index.ts';
import { createTarget, TargetConfigError } from '../targets/index.ts';
import { runConfig } from '../bin/run-config.ts';
import { UsageError } from '../bin/usage.ts';
import { fixtureFlagsOf } from '../variants/time.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const exec = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
const fixtureFlags = fixtureFlagsOf(defaultFixtures());

describe('connect-conformance run', () => {
  it('passes on the embedded reference and reports every requirement of the catalogue', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-run-'));
    const r = await cli(['run', '--seed', '11', '--runs', '5', '--report-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CONFORMANT');
    const res = results(dir);
    const spec = await defaultSpec();
    expect(res.requirements.map((x) => x.id)).toEqual(spec.requirements.map((x) => x.id));
    expect(res.seed).toBe(11);
    expect(res.summary.must.failed).toBe(0);
    expect(res.summary.must.passed).toBeGreaterThan(0);
    expect(res.target.identityManagementTypes.sort()).toEqual([...spec.identityManagementTypes].sort());
    for (const req of res.requirements) {
      expect(['pass', 'skip', 'n/a'], req.id).toContain(req.status);
      if (req.status !== 'pass') expect(req.reason, req.id).toBeTruthy();
    }
    expect(res.fixtures.every((f) => f.restored)).toBe(true);
    // The throttling requirements are skipped with why, naming the throttling statuses (engine/flow-control.ts).
    expect(res.requirements.find((x) => x.id === 'THR-429-TYPE')!.reason).toBe(
      'the target never throttled: no answer was a 429 or a 503 (the suite never provokes throttling)',
    );
  });

  it('exits 1 for a broken mock and names the requirement that caught it, with a replay command that fails too', {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-run-'));
    const env = { BROKEN: 'unknown-user-400' };
    const moduleFlags = ['--target', 'module', '--module', 'test/fixtures/module-handler.ts', ...fixtureFlags];
    const r = await cli(['run', ...moduleFlags, '--only', 'EX-UNKNOWN-USER,EX-UNKNOWN-INSTANCE', '--runs', '2', '--report-dir', dir], env);
    expect(r.code, r.stderr).toBe(1);
    const res = results(dir);
    const caught = res.requirements.find((x) => x.id === 'EX-UNKNOWN-USER')!;
    expect(caught.status).toBe('fail');
    expect(caught.failures[0]!.response?.status).toBe(400);
    expect(res.requirements.find((x) => x.id === 'IN-FIRSTNAME-MAXLEN')).toMatchObject({
      status: 'skip',
      reason: 'not selected by --only',
    });
    const replay = caught.failures[0]!.replay;
    expect(replay).toMatch(
      /^npx connect-conformance replay .*--requirement EX-UNKNOWN-USER --step CONNECT_MANAGED\/existence\/unknown-user --seed \d+/,
    );
    const again = await cli(replay.split(' ').slice(2), env);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain('FAIL EX-UNKNOWN-USER');
    const fixed = await cli(replay.split(' ').slice(2));
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
  });

  it('a baseline of the current failures passes the gate; once they are fixed, the stale baseline fails it', {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-run-'));
    const baseline = join(dir, 'baseline.yaml');
    const flags = [
      'run',
      '--target',
      'module',
      '--module',
      'test/fixtures/module-handler.ts',
      ...fixtureFlags,
      '--only',
      'EX-UNKNOWN-USER',
      '--runs',
      '2',
      '--baseline',
      baseline,
    ];
    const broken = await cli([...flags, '--update-baseline', '--report-dir', join(dir, 'a')], { BROKEN: 'unknown-user-400' });
    expect(broken.code, broken.stdout + broken.stderr).toBe(0);
    expect(readFileSync(baseline, 'utf8')).toMatch(/- id: EX-UNKNOWN-USER/);
    const fixed = await cli([...flags, '--report-dir', join(dir, 'b')]);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(1);
    expect(fixed.stdout).toMatch(/stale baseline: MUST EX-UNKNOWN-USER/);
    expect(results(join(dir, 'b')).baseline?.marks['EX-UNKNOWN-USER']?.state).toBe('stale');
  });

  it('runs against a nock-based mock given as a module', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-run-'));
    const r = await cli([
      'run',
      '--target',
      'module',
      '--module',
      'test/fixtures/module-nock.ts',
      ...fixtureFlags,
      '--only',
      'EX-FOREIGN-USER,OK-ACCEPT-VALID,RB-READBACK',
      '--runs',
      '3',
      '--report-dir',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const res = results(dir);
    for (const id of ['EX-FOREIGN-USER', 'OK-ACCEPT-VALID', 'RB-READBACK'])
      expect(res.requirements.find((x) => x.id === id)?.status, id).toBe('pass');
  });

  it.each([
    [['run', '--only', 'NOPE-1'], /--only names unknown requirement/],
    [['run', '--target', 'endpoint', '--endpoint-url', 'http://127.0.0.1:9', '--instance-id', 'i', '--user-id', 'u'], /does not answer/],
  ])('%j is one line and exit 2', async (args, message) => {
    const r = await cli(args, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('configuration mistakes are caught before anything is sent', () => {
  it.each([
    [['--target', 'mainframe'], /--target must be one of/],
    [['--identity-management', 'LDAP'], /--identity-management must be one of/],
    [['--runs', '0'], /--runs must be a whole number/],
    [['--seed', ' '], /--seed is empty/],
    [['--read-back-window', 'soon'], /--read-back-window must be a whole number/],
    [['--shard', '3/2'], /--shard must be i\/n/],
    [['--update-baseline'], /--update-baseline needs --baseline/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('run %j', async (args, message) => {
    const spec = await defaultSpec();
    expect(() => runConfig(spec, args)).toThrow(UsageError);
    expect(() => runConfig(spec, args)).toThrow(message);
  });

  it.each([
    [{ kind: 'aws' }, /--target aws is not available yet/],
    // The library names its options (the command maps them to flags: test/options.test.ts).
    [{ kind: 'module' }, /target: 'module' needs modulePath/],
    [{ kind: 'module', modulePath: 'no/such/module.ts' }, /cannot be loaded/],
    [{ kind: 'endpoint' }, /target: 'endpoint' needs endpointUrl/],
    [{ kind: 'endpoint', endpointUrl: 'ftp://127.0.0.1' }, /must be http or https/],
  ] as const)('target %j', async (config, message) => {
    const spec = await defaultSpec();
    await expect(createTarget(spec, { region: 'us-east-1', ...config })).rejects.toThrow(TargetConfigError);
    await expect(createTarget(spec, { region: 'us-east-1', ...config })).rejects.toThrow(message);
  });
});
