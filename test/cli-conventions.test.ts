// The command behaves like the tools its users know: --version/-V, -h/--help on every command, stray words refused,
// every user mistake one line and exit 2 (an unwritable report folder, a port in use, a negative number, an unknown
// cleanup folder), list prints the catalogue, --only takes any case and prefixes, colours only on a terminal without
// NO_COLOR; AWS conventions: --profile for every target that signs, the endpoint from the flag, the environment and
// the profile in the SDKs' order; the limits (--request-timeout, --max-requests, --max-seconds) for every target.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfig } from '../bin/run-config.ts';
import { color } from '../bin/run-output.ts';
import { UsageError } from '../bin/usage.ts';
import { defaultSpec } from '../spec/index.ts';
import { parseSharedConfig, resolveEndpoint } from '../targets/aws/index.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const exec = promisify(execFile);
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const oneLine = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
};

describe('version and help', () => {
  it.each([['--version'], ['-V'], ['version']])('%s prints one line: tool/version, SDK, Node', async (flag) => {
    const r = await cli([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(
      new RegExp(`^connect-conformance/${pkg.version.replace(/\./g, '\\.')} .*aws-sdk-client-connect/\\S+ node/v\\d+`),
    );
  });

  it('--help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'list', 'replay', 'report', 'compare', 'serve', 'spec', 'strength', 'cleanup'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(['run', 'list', 'replay', 'report', 'compare', 'serve', 'spec', 'strength', 'cleanup'])(
    '%s -h and --help print its help, exit 0',
    async (command) => {
      for (const flag of ['-h', '--help']) {
        const r = await cli([command, flag]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^Usage: /);
      }
    },
  );
});

describe('every user mistake is one line and exit 2', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => {
    busy.close();
  });

  it('serve --port <in use>', async () => {
    const r = await cli(['serve', '--port', String(busyPort)]);
    oneLine(r);
    expect(r.stderr).toMatch(/is in use/);
  });

  it('run --report-dir that cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-conv-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    const r = await cli(['run', '--report-dir', join(dir, 'a-file', 'reports')]);
    oneLine(r);
    expect(r.stderr).toMatch(/--report-dir .*cannot be written/);
  });

  it('report --out that cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-conv-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    writeFileSync(join(dir, 'results.json'), '{}');
    const r = await cli(['report', join(dir, 'results.json'), '--out', join(dir, 'a-file')]);
    oneLine(r);
  });

  it.each([
    [['run', '--runs', '-5'], /--runs must be a whole number from 1/],
    [['run', '--runs', '2.5'], /--runs must be a whole number/],
    [['run', '--max-requests', '-1'], /--max-requests must be a whole number/],
    [['run', '--max-seconds', '0'], /--max-seconds must be a whole number/],
    [['run', '--request-timeout', 'soon'], /--request-timeout must be a whole number/],
    [['serve', '--port', '-1'], /--port must be a whole number/],
    [['run', 'everything'], /unexpected argument everything/],
    [['serve', 'now'], /unexpected argument now/],
    [['cleanup', '--report-dir', '/no/such/run-dir'], /is not a folder/],
    [['list', '--only', 'NOPE-'], /--only names unknown requirement/],
    [['list', '--level', 'MAY'], /--level must be one of/],
    [['run', '--profile', 'dev'], /^--profile is for --target endpoint or aws; did you mean --target endpoint\?$/m],
    [['run', '--target', 'endpoint', '--instance-id', 'i', '--user-id', 'u'], /needs --endpoint-url/],
    [['--bogus'], /unknown command --bogus/],
  ])('%j', async (args, message) => {
    const r = await cli(args, { AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_CONNECT: '', AWS_CONFIG_FILE: '/dev/null' });
    oneLine(r);
    expect(r.stderr).toMatch(message);
  });

  it('cleanup --report-dir of a folder without a journal: nothing to clean up, exit 0', async () => {
    const r = await cli(['cleanup', '--report-dir', mkdtempSync(join(tmpdir(), 'cc-conv-'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing to clean up/);
  });
});

describe('list', () => {
  it('prints ID, level, area and title of every requirement', async () => {
    const spec = await defaultSpec();
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+LEVEL\s+AREA\s+TITLE/);
    for (const req of spec.requirements) expect(r.stdout).toMatch(new RegExp(`^${req.id}\\s+${req.level}\\s+${req.area}\\s+\\S`, 'm'));
  });

  it('--only in any case and by prefix; --json', async () => {
    const spec = await defaultSpec();
    const r = await cli(['list', '--only', 'ex-unknown-user,in-', '--json']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids).toEqual(spec.requirements.map((x) => x.id).filter((id) => id === 'EX-UNKNOWN-USER' || id.startsWith('IN-')));
  });
});

describe('run flags', () => {
  it('--only takes any case and prefixes; an exact ID selects only itself', async () => {
    const spec = await defaultSpec();
    const ids = spec.requirements.map((r) => r.id);
    expect(runConfig(spec, ['--only', 'ex-unknown-user', '--report-dir', mkdtempSync(join(tmpdir(), 'cc-conv-'))]).config.only).toEqual([
      'EX-UNKNOWN-USER',
    ]);
    expect(runConfig(spec, ['--only', 'In-', '--report-dir', mkdtempSync(join(tmpdir(), 'cc-conv-'))]).config.only).toEqual(
      ids.filter((id) => id.startsWith('IN-')),
    );
    expect(() => runConfig(spec, ['--only', 'zz'])).toThrow(UsageError);
  });

  it.each(['reference', 'module', 'endpoint'])(
    '--request-timeout, --max-requests and --max-seconds are accepted for --target %s',
    async (target) => {
      const spec = await defaultSpec();
      const args = [
        '--target',
        target,
        '--request-timeout',
        '5000',
        '--max-requests',
        '40',
        '--max-seconds',
        '60',
        '--report-dir',
        mkdtempSync(join(tmpdir(), 'cc-conv-')),
      ];
      if (target === 'module') args.push('--module', 'test/fixtures/module-handler.ts');
      if (target === 'endpoint') args.push('--endpoint-url', 'http://127.0.0.1:9', '--instance-id', 'i', '--user-id', 'u');
      const { config } = runConfig(spec, args);
      expect(config).toMatchObject({ requestTimeoutMs: 5000, maxRequests: 40, maxSeconds: 60 });
    },
  );

  it('--rate, --burst, --dry-run and --record stay with --target aws', async () => {
    const spec = await defaultSpec();
    for (const args of [['--rate', '1'], ['--burst', '1'], ['--dry-run'], ['--record', 'x.json']])
      expect(() => runConfig(spec, args)).toThrow(UsageError);
  });

  it('--profile goes with endpoint and aws', async () => {
    const spec = await defaultSpec();
    const dir = mkdtempSync(join(tmpdir(), 'cc-conv-'));
    const before = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    writeFileSync(process.env.AWS_CONFIG_FILE, '[profile dev]\nregion = us-east-1\n');
    try {
      const { config } = runConfig(spec, [
        '--target',
        'endpoint',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--profile',
        'dev',
        '--instance-id',
        'i',
        '--user-id',
        'u',
        '--report-dir',
        dir,
      ]);
      expect(config.profile).toBe('dev');
    } finally {
      if (before === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = before;
    }
    expect(() => runConfig(spec, ['--target', 'module', '--profile', 'dev'])).toThrow(
      /^--profile is for --target endpoint or aws, not --target module$/,
    );
  });
});

describe('the endpoint, in the SDKs order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-aws-config-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      '[default]',
      'region = us-east-1',
      '[profile plain]',
      'endpoint_url = http://127.0.0.1:1001',
      '[profile sectioned]',
      'endpoint_url = http://127.0.0.1:1002',
      'services = local',
      '[services local]',
      'connect =',
      '  endpoint_url = http://127.0.0.1:1003',
      '[profile ignoring]',
      'endpoint_url = http://127.0.0.1:1004',
      'ignore_configured_endpoint_urls = true',
      '',
    ].join('\n'),
  );
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ AWS_CONFIG_FILE: file, ...extra });

  it.each([
    [
      'the flag first',
      { endpointUrl: 'http://127.0.0.1:1', profile: 'plain' },
      env({ AWS_ENDPOINT_URL_CONNECT: 'http://127.0.0.1:2', AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }),
      'http://127.0.0.1:1',
    ],
    [
      'then AWS_ENDPOINT_URL_CONNECT',
      { profile: 'plain' },
      env({ AWS_ENDPOINT_URL_CONNECT: 'http://127.0.0.1:2', AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }),
      'http://127.0.0.1:2',
    ],
    ['then AWS_ENDPOINT_URL', { profile: 'plain' }, env({ AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }), 'http://127.0.0.1:3'],
    ["then the profile's services section", { profile: 'sectioned' }, env(), 'http://127.0.0.1:1003'],
    ["then the profile's endpoint_url", { profile: 'plain' }, env(), 'http://127.0.0.1:1001'],
    ['AWS_PROFILE names the profile when --profile does not', {}, env({ AWS_PROFILE: 'plain' }), 'http://127.0.0.1:1001'],
    [
      'none when the profile ignores configured endpoints',
      { profile: 'ignoring' },
      env({ AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }),
      undefined,
    ],
    [
      'none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true',
      { profile: 'plain' },
      env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL: 'http://127.0.0.1:3' }),
      undefined,
    ],
    ['none for the default profile without one', {}, env(), undefined],
  ])('%s', (_name, options, environment, expected) => {
    expect(resolveEndpoint({ ...options, env: environment })?.url).toBe(expected);
  });

  it('the run configuration of --target endpoint takes the profile endpoint', async () => {
    const spec = await defaultSpec();
    const before = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = file;
    try {
      const { config } = runConfig(spec, [
        '--target',
        'endpoint',
        '--profile',
        'plain',
        '--instance-id',
        'i',
        '--user-id',
        'u',
        '--report-dir',
        mkdtempSync(join(tmpdir(), 'cc-conv-')),
      ]);
      expect(config.endpointUrl).toBe('http://127.0.0.1:1001');
    } finally {
      if (before === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = before;
    }
  });

  it('parses nested keys of the shared config file', () => {
    expect(parseSharedConfig('[services x]\nconnect =\n  endpoint_url = http://h\n').get('services x')).toEqual({
      'connect.endpoint_url': 'http://h',
    });
  });
});

describe('colour', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  it('only on a terminal, and never with NO_COLOR', () => {
    const before = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(color('green', 'ok', tty)).toBe('\x1b[32mok\x1b[0m');
      expect(color('green', 'ok', pipe)).toBe('ok');
      process.env.NO_COLOR = '1';
      expect(color('green', 'ok', tty)).toBe('ok');
    } finally {
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
    }
  });
});
