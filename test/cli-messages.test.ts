// What the command says when a flag, the environment or the target is not what the user meant, run as a user runs
// it: a target flag for a target that does not use it is one line and exit 2 (a forgotten --target never tests the
// embedded reference); an endpoint in the environment that a run does not use is named on its first line; a region
// that is not a region, a profile that does not exist, half a key pair are each one line naming the cause; a mistyped
// flag gets "did you mean"; a run without a terminal prints a line per phase, and the AWS SDK's Node-version warning
// only when asked for.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runConfig } from '../bin/run-config.ts';
import { UsageError } from '../bin/usage.ts';
import { defaultSpec } from '../spec/index.ts';
import { defaultFixtures } from '../targets/reference/index.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const exec = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'cc-messages-'));
const emptyFile = join(tmp, 'empty');
writeFileSync(emptyFile, '');
const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
const FIXTURES = ['--instance-id', managed[0]!.id, '--user-id', managed[0]!.users[0]!.id];

/** The environment of a user with no AWS settings but what `extra` sets (and no configuration files). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('VITEST') && k !== 'TEST'),
  );
  return { ...env, AWS_CONFIG_FILE: emptyFile, AWS_SHARED_CREDENTIALS_FILE: emptyFile, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

async function cli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const oneLine = (r: { code: number; stdout: string; stderr: string }, message: RegExp) => {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
};

describe('flags mean what they say', () => {
  it('--endpoint-url without --target is one line and exit 2, and nothing runs (issue 19)', async () => {
    const r = await cli(['run', '--endpoint-url', 'http://127.0.0.1:40999', ...FIXTURES, '--report-dir', join(tmp, 'forgotten')]);
    oneLine(r, /^--endpoint-url is for --target endpoint or aws; did you mean --target endpoint\?$/);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--module', './mock.ts'], /^--module is for --target module; did you mean --target module\?$/],
    [['--cassette', 'run.cassette.json'], /^--cassette is for --target replay; did you mean --target replay\?$/],
    [['--profile', 'dev'], /^--profile is for --target endpoint or aws; did you mean --target endpoint\?$/],
    [['--allow-instance', 'i'], /^--allow-instance is for --target aws or replay; did you mean --target aws\?$/],
    [['--record', 'run.json'], /^--record is for --target aws; did you mean --target aws\?$/],
    [['--rate', '1'], /^--rate is for --target aws or replay; did you mean --target aws\?$/],
    [
      ['--target', 'module', '--module', './m.ts', '--endpoint-url', 'http://x'],
      /^--endpoint-url is for --target endpoint or aws, not --target module$/,
    ],
    [
      ['--target', 'endpoint', '--endpoint-url', 'http://x', '--module', './m.ts'],
      /^--module is for --target module, not --target endpoint$/,
    ],
    [['--target', 'aws', '--cassette', 'c.json'], /^--cassette is for --target replay, not --target aws$/],
    [
      ['--target', 'replay', '--cassette', 'c.json', '--endpoint-url', 'http://x'],
      /^--endpoint-url is for --target endpoint or aws, not --target replay$/,
    ],
  ])('run %j is one line', async (args, message) => {
    const spec = await defaultSpec();
    expect(() => runConfig(spec, [...args, '--report-dir', join(tmp, 'x')])).toThrow(UsageError);
    expect(() => runConfig(spec, [...args, '--report-dir', join(tmp, 'x')])).toThrow(message);
  });

  it('the same from a --config file', async () => {
    const spec = await defaultSpec();
    const config = join(tmp, 'forgot-target.yaml');
    writeFileSync(config, 'endpoint-url: http://127.0.0.1:40999\ninstance-id: i\nuser-id: u\n');
    expect(() => runConfig(spec, ['--config', config, '--report-dir', join(tmp, 'x')])).toThrow(
      /^--endpoint-url is for --target endpoint or aws; did you mean --target endpoint\?$/,
    );
  });

  it.each(['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CONNECT'])(
    'with %s set and no --target, the first line says the reference runs and why the variable is not used',
    { timeout: 120_000 },
    async (variable) => {
      const r = await cli(
        ['run', '--only', 'EX-UNKNOWN-USER', '--runs', '1', '--quiet', '--report-dir', join(tmp, variable)],
        cleanEnv({ [variable]: 'http://127.0.0.1:40999' }),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(
        new RegExp(
          `^connect-conformance: UpdateUserIdentityInfo against the reference target \\(${variable}=http://127\\.0\\.0\\.1:40999 is not used: only --target endpoint or aws send to an endpoint; add --target endpoint to test it\\); seed `,
        ),
      );
      const plain = await cli([
        'run',
        '--only',
        'EX-UNKNOWN-USER',
        '--runs',
        '1',
        '--quiet',
        '--report-dir',
        join(tmp, `${variable}-not-set`),
      ]);
      expect(plain.stdout.split('\n')[0]).toMatch(/^connect-conformance: UpdateUserIdentityInfo against the reference target; seed /);
    },
  );
});

describe('advice from the cause', () => {
  it('--region "US East" is a region syntax error, not an unreachable target', async () => {
    oneLine(
      await cli(['run', '--region', 'US East', '--report-dir', join(tmp, 'region')]),
      /^--region 'US East' is not a region name: lower-case letters, digits and hyphens, as us-east-1$/,
    );
    oneLine(
      await cli(['run', '--report-dir', join(tmp, 'region')], cleanEnv({ AWS_REGION: 'US East' })),
      /^AWS_REGION="US East" is not a region name/,
    );
  });

  it('--profile nosuch names the missing profile in one line, without the SDK warning or advice about keys that are set', async () => {
    const r = await cli(
      [
        'run',
        '--target',
        'endpoint',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--profile',
        'nosuch',
        ...FIXTURES,
        '--report-dir',
        join(tmp, 'profile'),
      ],
      cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret-key' }),
    );
    oneLine(r, new RegExp(`^--profile nosuch: no such profile in ${emptyFile} or ${emptyFile}$`));
    expect(r.stdout).toBe('');
    const viaEnv = await cli(
      ['run', '--target', 'endpoint', '--endpoint-url', 'http://127.0.0.1:9', ...FIXTURES, '--report-dir', join(tmp, 'profile')],
      cleanEnv({ AWS_PROFILE: 'nosuch', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret-key' }),
    );
    oneLine(viaEnv, /^AWS_PROFILE=nosuch: no such profile in /);
  });

  it('half a key pair is named as such', { timeout: 60_000 }, async () => {
    const r = await cli(
      ['run', '--target', 'endpoint', '--endpoint-url', 'http://127.0.0.1:9', ...FIXTURES, '--report-dir', join(tmp, 'half')],
      cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' }),
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both/);
  });

  it('nothing listening at the endpoint: start it, or check --endpoint-url', { timeout: 60_000 }, async () => {
    const r = await cli(
      ['run', '--target', 'endpoint', '--endpoint-url', 'http://127.0.0.1:9', ...FIXTURES, '--quiet', '--report-dir', join(tmp, 'refused')],
      cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret-key' }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/does not answer \(.*ECONNREFUSED.*\); nothing listens there: start it, or check --endpoint-url$/);
  });

  it.each([
    [['run', '--endpont-url', 'http://x'], /Unknown option '--endpont-url'; did you mean --endpoint-url\? \(see --help\)$/],
    [['run', '--seeed', '4'], /Unknown option '--seeed'; did you mean --seed\?/],
    [['run', '--target', 'endpiont'], /\(got endpiont; did you mean endpoint\?\)$/],
    [['rnu'], /unknown command rnu; did you mean run\?/],
    [['run', '--xyzzy'], /Unknown option '--xyzzy' \(see --help\)$/],
  ])('%j: did you mean', async (args, message) => {
    oneLine(await cli(args), message);
  });
});

describe('what a run prints without a terminal', () => {
  it('a line per phase, not per step; no AWS SDK Node-version warning; --quiet prints only the first line and the verdict', {
    timeout: 120_000,
  }, async () => {
    const r = await cli(['run', '--runs', '3', '--seed', '12345678901234', '--report-dir', join(tmp, 'lines')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^connect-conformance: UpdateUserIdentityInfo against the reference target; seed 12345678901234 \(fast-check seed -?\d+\); 3 random cases per property$/,
    );
    const progress = r.stderr.trim().split('\n');
    expect(progress[0]).toMatch(/^plan: \d+ steps/);
    expect(progress.filter((l) => / CONNECT_MANAGED\/boundary$/.test(l))).toHaveLength(1);
    expect(progress.length).toBeLessThan(30);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/);
    const quiet = await cli(
      ['run', '--runs', '1', '--only', 'EX-UNKNOWN-USER', '--quiet', '--report-dir', join(tmp, 'quiet')],
      cleanEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }),
    );
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)(
    'the SDK warning is shown when the variable says so (=false) and the run is not --quiet (the SDK warns only on Node below 22)',
    { timeout: 120_000 },
    async () => {
      const r = await cli(
        ['run', '--runs', '1', '--only', 'EX-UNKNOWN-USER', '--report-dir', join(tmp, 'warning')],
        cleanEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }),
      );
      expect(r.stderr).toMatch(/NodeVersionSupportWarning/);
    },
  );
});
