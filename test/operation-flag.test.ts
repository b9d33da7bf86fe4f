// --operation NAME on run, list, serve and replay, and `operation` of the library: the registry of operations
// (operations/index.ts) by name. An unknown name is one line naming the known ones (exit 2; a UsageError from the
// library), the default is UpdateUserIdentityInfo, a run of another operation names it in its replay commands and in
// what a cassette was recorded with.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../api/index.ts';
import { isUserError, UsageError } from '../core/errors.ts';
import type { OperationBinding } from '../core/binding.ts';
import { configOf, recordedSettings } from '../engine/options.ts';
import { replayCommand } from '../engine/replay-command.ts';
import { bindingNamed, bindingOf, DEFAULT_BINDING, OPERATIONS, UPDATE_USER_IDENTITY_INFO } from '../operations/index.ts';
import { bindingOfFlags, RUN_FLAGS, runConfig } from '../bin/run-config.ts';
import { defaultSpec } from '../spec/index.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const known = [...OPERATIONS.keys()];

describe('the registry of operations', () => {
  it('holds every binding by its name; the default is UpdateUserIdentityInfo', () => {
    expect(DEFAULT_BINDING.name).toBe('UpdateUserIdentityInfo');
    for (const [name, binding] of OPERATIONS) expect(binding.name).toBe(name);
    expect(bindingNamed(undefined)).toBe(DEFAULT_BINDING);
    expect(bindingNamed('UpdateUserIdentityInfo')).toBe(UPDATE_USER_IDENTITY_INFO);
  });

  it('an unknown name is one line naming the known operations, and the near one', () => {
    let error: unknown;
    try {
      bindingNamed('updateuseridentityinfo');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^operation: 'updateuseridentityinfo' is not an operation the suite tests/);
    for (const name of known) expect(message).toContain(name);
    expect(message).toMatch(/did you mean UpdateUserIdentityInfo\?$/);
  });

  it('a binding and an operation that name different operations are refused', () => {
    const other = { ...DEFAULT_BINDING, name: 'SomethingElse' } as OperationBinding;
    expect(() => bindingOf({ binding: other, operation: 'UpdateUserIdentityInfo' })).toThrow(
      /names another operation than the binding given \(SomethingElse\)/,
    );
    expect(bindingOf({ binding: other })).toBe(other);
    expect(bindingOf({ operation: 'UpdateUserIdentityInfo' })).toBe(UPDATE_USER_IDENTITY_INFO);
  });
});

describe('runConformance({ operation })', () => {
  it('refuses an unknown operation before it sends anything', async () => {
    const sent: unknown[] = [];
    const error = await runConformance({
      operation: 'UpdateUserNothing',
      handler: async (r) => {
        sent.push(r);
        return { statusCode: 200, headers: {}, body: new Uint8Array() };
      },
      fixtures: { instanceId: 'i', userId: 'u' },
    }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/operation: 'UpdateUserNothing' is not an operation the suite tests \(known: /);
    expect(sent).toEqual([]);
  });

  it('names the operation in the run (results.json spec.operation)', async () => {
    const results = await runConformance({ operation: 'UpdateUserIdentityInfo', only: ['EX-UNKNOWN-USER'], seed: 1, runs: 1 });
    expect(results.spec.operation).toBe('UpdateUserIdentityInfo');
    expect(results.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')?.status).toBe('pass');
  });
});

describe('--operation on the command line', () => {
  it.each([['run'], ['list'], ['serve'], ['replay']])(
    '%s --operation NOPE: one line naming the known operations, exit 2',
    async (command) => {
      const r = await cli([command, '--operation', 'NOPE']);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--operation NOPE is not an operation the suite tests \(known: /);
      for (const name of known) expect(r.stderr).toContain(name);
    },
  );

  it('list --operation names the operation and lists its catalogue', async () => {
    const spec = await defaultSpec();
    const r = await cli(['list', '--operation', 'UpdateUserIdentityInfo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^UpdateUserIdentityInfo: ${spec.requirements.length} requirement\\(s\\)`, 'm'));
  });

  it('bindingOfFlags reads --operation, and `operation:` of a --config file', async () => {
    expect(bindingOfFlags('run', ['--operation', 'UpdateUserIdentityInfo'], RUN_FLAGS)).toBe(UPDATE_USER_IDENTITY_INFO);
    expect(bindingOfFlags('run', [], RUN_FLAGS)).toBe(DEFAULT_BINDING);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'cc-op-')), 'c.yaml');
    writeFileSync(file, 'operation: Nope\n');
    expect(() => bindingOfFlags('run', ['--config', file], RUN_FLAGS)).toThrow(/--operation Nope is not an operation/);
  });

  it('the default operation is not named in the configuration (its replay commands stay as they were)', async () => {
    const spec = await defaultSpec();
    const { config } = runConfig(spec, ['--operation', 'UpdateUserIdentityInfo', '--report-dir', '/tmp']);
    expect(config.operation).toBeUndefined();
  });
});

describe('UpdateUserPhoneConfig, the second operation', () => {
  it('list --operation UpdateUserPhoneConfig lists its requirements: the generic ones and at least ten of its own', async () => {
    const r = await cli(['list', '--operation', 'UpdateUserPhoneConfig', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids.filter((id) => id.startsWith('PC-')).length).toBeGreaterThanOrEqual(10);
    for (const id of ['RB-READBACK', 'NL-REJECTED-UNCHANGED', 'ERR-TYPE-DECLARED', 'SRV-NO-5XX']) expect(ids).toContain(id);
    expect(ids).not.toContain('IN-MOBILE-PATTERN');
  });

  it('runConformance({ operation }) runs it against the embedded reference: conformant, and the results name it', async () => {
    const results = await runConformance({ operation: 'UpdateUserPhoneConfig', seed: 3, runs: 5 });
    expect(results.spec.operation).toBe('UpdateUserPhoneConfig');
    expect(results.summary.verdict).toBe('conformant');
    const ids = results.requirements.map((r) => r.id);
    expect(ids).toContain('PC-IN-ACW-MIN');
    expect(ids).not.toContain('IN-FIRSTNAME-MAXLEN');
    expect(results.requirements.find((r) => r.id === 'PC-IN-PHONETYPE-ENUM')?.status).toBe('pass');
    expect(results.requirements.find((r) => r.id === 'RB-READBACK')?.status).toBe('pass');
  });

  it('serve --operation UpdateUserPhoneConfig answers it, and says so', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'serve', '--operation', 'UpdateUserPhoneConfig', '--no-auth'], { cwd: ROOT });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const info = JSON.parse(line) as { operation: string; endpoint: string; instances: { id: string; users: { id: string }[] }[] };
      expect(info.operation).toBe('UpdateUserPhoneConfig');
      const [instance] = info.instances;
      const url = `${info.endpoint}/users/${instance!.id}/${instance!.users[0]!.id}/phone-config`;
      const post = (body: unknown) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post({ PhoneConfig: { PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+15555550100' } })).status).toBe(200);
      expect((await post({ PhoneConfig: { AfterContactWorkTimeLimit: -1 } })).status).toBe(400);
    } finally {
      child.kill();
    }
  });
});

describe('a run of another operation names it', () => {
  it('in its replay commands and in what a cassette is recorded with', () => {
    const config = configOf({ target: 'endpoint', endpointUrl: 'http://127.0.0.1:1', fixtures: { instanceId: 'i', userId: 'u' }, seed: 1 });
    const other = { ...config, operation: 'UpdateUserPhoneConfig' };
    expect(replayCommand(config, 'EX-UNKNOWN-USER', { stepId: 'CONNECT_MANAGED/existence/unknown-user' } as never)).not.toContain(
      '--operation',
    );
    expect(replayCommand(other, 'EX-UNKNOWN-USER', { stepId: 'CONNECT_MANAGED/existence/unknown-user' } as never)).toMatch(
      /^npx connect-conformance replay --operation UpdateUserPhoneConfig --target endpoint /,
    );
    expect(recordedSettings(other).operation).toBe('UpdateUserPhoneConfig');
    expect(recordedSettings(config).operation).toBeNull();
  });
});
