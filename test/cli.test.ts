// The command as a user meets it: `serve` prints one JSON line and answers an independent client (the AWS CLI,
// when it is installed); bad input is one line and exit 2.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'connect-conformance.js');
const run = promisify(execFile);

interface Served {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  instances: { id: string; identityManagementType: string; users: { id: string; username: string }[] }[];
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function startServe(args: string[] = []): Promise<{ child: ChildProcess; served: Served; line: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        const line = out.slice(0, newline);
        resolve({ child, served: JSON.parse(line) as Served, line });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its line`)));
  });
}

describe('connect-conformance serve', () => {
  let child: ChildProcess;
  let served: Served;
  let line: string;
  beforeAll(async () => {
    ({ child, served, line } = await startServe());
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('prints exactly one JSON line with the endpoint, the credentials and the fixtures', () => {
    expect(line).not.toContain('\n');
    expect(served.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.credentials).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    const types = served.instances.map((i) => i.identityManagementType);
    expect(new Set(types)).toEqual(new Set(['CONNECT_MANAGED', 'SAML', 'EXISTING_DIRECTORY']));
    const managed = served.instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
    expect(managed.length).toBeGreaterThanOrEqual(2);
    expect(managed[0]!.users.length).toBeGreaterThanOrEqual(2);
    expect(managed[1]!.users.length).toBeGreaterThanOrEqual(1);
  });

  const aws = (args: string[]) =>
    run('aws', ['connect', ...args, '--endpoint-url', served.endpoint, '--output', 'json'], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: served.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: served.credentials.secretAccessKey,
        AWS_DEFAULT_REGION: served.region,
        AWS_MAX_ATTEMPTS: '1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeout: 60_000,
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const awsCli = run('aws', ['--version'], { timeout: 30_000 }).then(
    () => true,
    () => false,
  );

  it('answers the AWS CLI (botocore), an independent client, as it answers the JS SDK', async (ctx) => {
    if (!(await awsCli)) {
      console.warn('skipped: the AWS CLI (aws) is not installed on this machine');
      ctx.skip();
    }
    const instance = served.instances.find((i) => i.identityManagementType === 'CONNECT_MANAGED')!;
    const ids = ['--instance-id', instance.id];
    const user = ['--user-id', instance.users[0]!.id];
    const badMobile = await aws(['update-user-identity-info', ...ids, ...user, '--identity-info', 'Mobile=12345']);
    expect(badMobile.code).not.toBe(0);
    expect(badMobile.stderr).toMatch(/\((InvalidParameterException|InvalidRequestException)\)/);
    const unknown = await aws(['update-user-identity-info', ...ids, '--user-id', 'nobody', '--identity-info', 'FirstName=X']);
    expect(unknown.stderr).toMatch(/\(ResourceNotFoundException\)/);
    const info = { FirstName: 'Zoë 😀 عربي', LastName: 'Ñúñez-李', Mobile: '+15555550100' };
    const ok = await aws(['update-user-identity-info', ...ids, ...user, '--identity-info', JSON.stringify(info)]);
    expect(ok.code, ok.stderr).toBe(0);
    const described = await aws(['describe-user', ...ids, ...user]);
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout).User.IdentityInfo).toMatchObject(info);
  });
});

describe('bad input is one line and exit 2', () => {
  it.each([[['serve', '--port', 'eighty']], [['serve', '--bogus']], [['run', '--bogus']], [['frobnicate']]])(
    'connect-conformance %j',
    async (args) => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('a fixtures file that is not JSON, or that names an unknown identity management type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-fixtures-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    writeFileSync(join(dir, 'type.json'), JSON.stringify({ instances: [{ id: 'i', identityManagementType: 'LDAP', users: [] }] }));
    for (const [file, pattern] of [
      ['bad.json', /not JSON/],
      ['type.json', /identityManagementType must be one of/],
      ['missing.json', /no such file/],
    ] as const) {
      const r = await cli(['serve', '--fixtures', join(dir, file)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it('serve --fixtures FILE serves the instances of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-fixtures-'));
    const file = join(dir, 'one.json');
    writeFileSync(
      file,
      JSON.stringify({ instances: [{ id: 'only', identityManagementType: 'SAML', users: [{ id: 'u1', username: 'one' }] }] }),
    );
    const { child, served } = await startServe(['--fixtures', file, '--no-auth']);
    try {
      expect(served.instances).toEqual([{ id: 'only', identityManagementType: 'SAML', users: [{ id: 'u1', username: 'one' }] }]);
      const r = await fetch(`${served.endpoint}/instance/only`);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { Instance: { IdentityManagementType: string } }).Instance.IdentityManagementType).toBe('SAML');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
