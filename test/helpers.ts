// Shared set-up for the machinery's tests: the reference with its default fixtures, an SDK client on it, and
// raw signed requests.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConnectClient } from '@aws-sdk/client-connect';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures, inMemoryRequestHandler, type Fixtures, type ReferenceService } from '../api/reference.ts';
import { signWireRequest } from '../targets/sign.ts';
import { text, utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';

export const REGION = 'us-east-1';

export interface Bench {
  spec: Spec;
  fixtures: Fixtures;
  service: ReferenceService;
  client: ConnectClient;
  /** First user of the first instance of each identity management type. */
  users: Record<string, { instanceId: string; userId: string }>;
  /** The second user of the first CONNECT_MANAGED instance, and the user of the second one. */
  second: { instanceId: string; userId: string };
  foreign: { instanceId: string; userId: string };
}

export async function bench(options: { auth?: boolean; maxBodyBytes?: number } = {}): Promise<Bench> {
  const spec = await defaultSpec();
  const fixtures = defaultFixtures();
  const service = createReferenceService(spec, { fixtures, ...options });
  const client = sdkClient(service.handle, fixtures);
  const users: Bench['users'] = {};
  for (const i of fixtures.instances) users[i.identityManagementType] ??= { instanceId: i.id, userId: i.users[0]!.id };
  const managed = fixtures.instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
  return {
    spec,
    fixtures,
    service,
    client,
    users,
    second: { instanceId: managed[0]!.id, userId: managed[0]!.users[1]!.id },
    foreign: { instanceId: managed[1]!.id, userId: managed[1]!.users[0]!.id },
  };
}

export function sdkClient(handler: WireHandler, fixtures: Fixtures, credentials = fixtures.credentials): ConnectClient {
  return new ConnectClient({ region: REGION, credentials, maxAttempts: 1, requestHandler: inMemoryRequestHandler(handler) });
}

/** A raw request, signed with the fixtures' credentials unless `unsigned`. */
export async function raw(
  handler: WireHandler,
  fixtures: Fixtures,
  request: { method?: string; path: string; body?: string | Uint8Array; headers?: Record<string, string>; unsigned?: boolean },
): Promise<WireResponse & { type?: string; json?: unknown }> {
  const wire: WireRequest = {
    method: request.method ?? 'POST',
    path: request.path,
    headers: { 'content-type': 'application/json', host: `connect.${REGION}.amazonaws.com`, ...request.headers },
    body: typeof request.body === 'string' ? utf8(request.body) : (request.body ?? new Uint8Array()),
  };
  const sent = request.unsigned
    ? wire
    : await signWireRequest(wire, { credentials: fixtures.credentials, region: REGION, host: wire.headers.host! });
  const response = await handler(sent);
  let json: unknown;
  try {
    json = JSON.parse(text(response.body));
  } catch {
    json = undefined;
  }
  return { ...response, type: response.headers['x-amzn-errortype'], json };
}

/** The error an SDK call threw, as name and status; or 'ok' with the status. */
export async function outcome(promise: Promise<{ $metadata: { httpStatusCode?: number } }>): Promise<{ name: string; status?: number }> {
  try {
    const r = await promise;
    return { name: 'ok', status: r.$metadata.httpStatusCode };
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
}

/** What one run of the installed command gave: its exit code and both streams. */
export interface BinRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/connect-conformance.js ...args` in the checkout, with exactly `env`, bounded in time and output. */
export async function runBin(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<BinRun> {
  const root = join(import.meta.dirname, '..');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'connect-conformance.js'), ...args], {
      cwd: root,
      env,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The members of the model: what DescribeUser reads (the reference also keeps members the model does not define,
 * which no request can remove). */
const MODEL_MEMBERS = ['FirstName', 'LastName', 'Email', 'SecondaryEmail', 'Mobile'];

/** A reference store's snapshot cut to the members of the model, to compare fixture users before and after a run. */
export const modelledMembers = (snapshot: Record<string, Record<string, Record<string, unknown>>>) =>
  Object.fromEntries(
    Object.entries(snapshot).map(([instance, users]) => [
      instance,
      Object.fromEntries(
        Object.entries(users).map(([user, info]) => [
          user,
          Object.fromEntries(Object.entries(info).filter(([k]) => MODEL_MEMBERS.includes(k))),
        ]),
      ),
    ]),
  );

/** The part of vitest's JSON report these tests read. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** This process's environment for a child vitest, without vitest's own markers (a nested vitest starts afresh). */
export const childEnv = (extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST')),
  NO_COLOR: '1',
  ...extra,
});

/** `vitest run` in a child process (in `cwd`, with `args`), bounded in time; its exit code and JSON report. */
export async function vitestChild(options: {
  cwd: string;
  args?: string[];
  env: Record<string, string>;
  report: string;
}): Promise<{ code: number; report: VitestReport }> {
  const root = join(import.meta.dirname, '..');
  let code = 0;
  try {
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        ...(options.args ?? []),
        '--reporter=json',
        `--outputFile=${options.report}`,
      ],
      {
        cwd: options.cwd,
        env: childEnv(options.env),
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (e) {
    code = (e as { code: number }).code;
  }
  return { code, report: JSON.parse(readFileSync(options.report, 'utf8')) as VitestReport };
}
