// What the interop tests (test/interop*.test.ts) share: the spec and the default fixtures, the real command run against
// an endpoint (a child process, so that these tests know nothing of the run engine), the requests a run never sends,
// and the documents exported for Prism.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { writeExport } from '../spec/export/write.ts';
import type { Results } from '../engine/results.ts';
import { defaultFixtures, type ReferenceService } from '../targets/reference/index.ts';
import { signWireRequest } from '../targets/sign.ts';
import { utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);

export interface Exchange {
  request: WireRequest;
  response: WireResponse;
}

export type Wrap = (handler: WireHandler, service: ReferenceService) => WireHandler;

export const spec: Spec = await defaultSpec();
export const fixtures = defaultFixtures();

/** The fixture flags of a run on an instance of this type: the first instance of the type and its users. */
function fixtureFlags(type: string): string[] {
  const instance = fixtures.instances.find((i) => i.identityManagementType === type)!;
  const [user, second] = instance.users;
  return [
    '--instance-id',
    instance.id,
    '--user-id',
    user!.id,
    ...(second ? ['--second-user-id', second.id] : []),
    '--identity-management',
    type,
  ];
}

/** `connect-conformance run --target endpoint` against an endpoint, on the fixtures of a type, with seed 1. */
export async function runSuite(
  endpoint: string,
  type: string,
  runArgs: string[],
): Promise<{ code: number; output: string; results?: Results }> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-interop-'));
  const args = ['--import', 'tsx', 'bin/cli.ts', 'run', '--target', 'endpoint', '--endpoint-url', endpoint, ...fixtureFlags(type)];
  args.push('--report-dir', dir, '--seed', '1', ...runArgs);
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: fixtures.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fixtures.credentials.secretAccessKey,
    AWS_REGION: fixtures.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  let code = 0;
  let output = '';
  try {
    const r = await exec(process.execPath, args, { cwd: ROOT, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    output = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    code = err.code;
    output = err.stdout + err.stderr;
  }
  const file = join(dir, 'results.json');
  return { code, output, ...(existsSync(file) ? { results: JSON.parse(readFileSync(file, 'utf8')) as Results } : {}) };
}

/** Requests the run never sends: the other methods of the operation's path, signed, on the run's own user. */
export async function otherMethods(type: string, endpoint: string): Promise<void> {
  const instance = fixtures.instances.find((i) => i.identityManagementType === type)!;
  const path = spec.operation.pathTemplate.replace('{InstanceId}', instance.id).replace('{UserId}', instance.users[0]!.id);
  const host = new URL(endpoint).host;
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    const body = method === 'PUT' || method === 'PATCH' ? utf8('{"IdentityInfo":{}}') : new Uint8Array();
    const headers: Record<string, string> = { host, ...(body.length ? { 'content-type': 'application/json' } : {}) };
    const signed = await signWireRequest(
      { method, path, headers, body },
      { credentials: fixtures.credentials, region: fixtures.region, host },
    );
    await fetch(`${endpoint}${path}`, {
      method,
      headers: Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host')),
      body: body.length ? body : undefined,
    });
  }
}

/** A process or server a test started: stopped when that test ends, whatever happened. */
export const started = <T extends { stop(): Promise<void> }>(x: T): T => {
  onTestFinished(() => x.stop());
  return x;
};

/** The exported documents written to a new folder, by identity management type (what Prism reads). */
export async function exportedFiles(): Promise<Record<string, string>> {
  const written = await writeExport(spec, mkdtempSync(join(tmpdir(), 'cc-prism-')));
  return Object.fromEntries(written.map((w) => [w.identityManagementType, w.file]));
}
