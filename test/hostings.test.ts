// The three hostings of the reference (in-memory requestHandler, nock, HTTP server on 127.0.0.1) answer the same
// requests identically: same status, same error type, same body (but for request IDs and timestamps).
import http from 'node:http';
import https from 'node:https';
import { ConnectClient, DescribeInstanceCommand, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import { HttpRequest } from '@smithy/protocol-http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConformance } from '../api/run.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { TargetConfigError } from '../targets/index.ts';
import { createReferenceService } from '../api/reference.ts';
import {
  connectOrigin,
  defaultFixtures,
  inMemoryRequestHandler,
  installNock,
  startHttpServer,
  wireRequestOf,
  type RunningServer,
} from '../targets/reference/index.ts';
import { signWireRequest } from '../targets/sign.ts';
import { queryStringOf, text, utf8, type WireRequest, type WireResponse } from '../core/wire.ts';
import { REGION } from './helpers.ts';

type Hosting = 'memory' | 'nock' | 'http';
const HOSTINGS: Hosting[] = ['memory', 'nock', 'http'];
const fixtures = defaultFixtures();
const [first, second] = fixtures.instances;
const user = first!.users[0]!;
const path = `/users/${first!.id}/${user.id}/identity-info`;

let spec: Spec;
let server: RunningServer;
let uninstallNock: () => void;
const services = {} as Record<Hosting, ReturnType<typeof createReferenceService>>;

beforeAll(async () => {
  spec = await defaultSpec();
  for (const h of HOSTINGS) services[h] = createReferenceService(spec, { fixtures: defaultFixtures() });
  server = await startHttpServer(services.http.handle, { maxBodyBytes: 1024 * 1024 });
  uninstallNock = await installNock(services.nock.handle, REGION);
  // Nothing may leave the machine: a request nock does not intercept fails instead of going out.
  const { default: nock } = await import('nock');
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(async () => {
  const { default: nock } = await import('nock');
  nock.enableNetConnect();
  uninstallNock();
  await server.close();
});

function client(h: Hosting): ConnectClient {
  const base = { region: REGION, credentials: fixtures.credentials, maxAttempts: 1 };
  if (h === 'memory') return new ConnectClient({ ...base, requestHandler: inMemoryRequestHandler(services.memory.handle) });
  if (h === 'http') return new ConnectClient({ ...base, endpoint: server.endpoint });
  return new ConnectClient(base);
}

/** Sends bytes through a hosting exactly as given (signed for the host it is sent to). */
async function sendRaw(h: Hosting, wire: WireRequest): Promise<WireResponse> {
  const host = h === 'http' ? `127.0.0.1:${server.port}` : new URL(connectOrigin(REGION)).host;
  const signed = await signWireRequest(wire, { credentials: fixtures.credentials, region: REGION, host });
  if (h === 'memory') {
    const { response } = await inMemoryRequestHandler(services.memory.handle).handle(
      new HttpRequest({ method: signed.method, hostname: host, path: signed.path, headers: signed.headers, body: signed.body }),
    );
    return { statusCode: response.statusCode, headers: response.headers, body: response.body as Uint8Array };
  }
  // Through the module objects: nock replaces https.request there, not in named imports.
  const send = h === 'http' ? http.request : https.request;
  const url = h === 'http' ? server.endpoint : connectOrigin(REGION);
  return new Promise((resolve, reject) => {
    const req = send(`${url}${signed.path}`, { method: signed.method, headers: signed.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          body: new Uint8Array(Buffer.concat(chunks)),
        }),
      );
    });
    req.on('error', reject);
    req.end(Buffer.from(signed.body));
  });
}

/** What must be the same across hostings. */
function essence(r: WireResponse) {
  let body: unknown = text(r.body);
  try {
    body = JSON.parse(body as string);
  } catch {
    /* keep the text */
  }
  const user = (body as { User?: Record<string, unknown> })?.User;
  if (user) delete user.LastModifiedTime;
  return { status: r.statusCode, type: r.headers['x-amzn-errortype'], body };
}

async function sdkEssence(h: Hosting, send: (c: ConnectClient) => Promise<{ $metadata: object }>) {
  try {
    const { $metadata, ...output } = (await send(client(h))) as { $metadata: object } & Record<string, unknown>;
    const u = output.User as Record<string, unknown> | undefined;
    if (u) delete u.LastModifiedTime;
    return { ok: output };
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { error: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
}

describe('the three hostings answer identically', () => {
  const sdkCalls: [string, (c: ConnectClient) => Promise<{ $metadata: object }>][] = [
    [
      'a valid update',
      (c) =>
        c.send(
          new UpdateUserIdentityInfoCommand({
            InstanceId: first!.id,
            UserId: user.id,
            IdentityInfo: { FirstName: 'Zoë 😀', Mobile: '+15555550100' },
          }),
        ),
    ],
    ['the read-back', (c) => c.send(new DescribeUserCommand({ InstanceId: first!.id, UserId: user.id }))],
    [
      'a bad Mobile',
      (c) => c.send(new UpdateUserIdentityInfoCommand({ InstanceId: first!.id, UserId: user.id, IdentityInfo: { Mobile: '555' } })),
    ],
    ['an unknown user', (c) => c.send(new UpdateUserIdentityInfoCommand({ InstanceId: first!.id, UserId: 'nobody', IdentityInfo: {} }))],
    [
      'a user of another instance',
      (c) => c.send(new UpdateUserIdentityInfoCommand({ InstanceId: first!.id, UserId: second!.users[0]!.id, IdentityInfo: {} })),
    ],
    [
      'a label with reserved characters',
      (c) => c.send(new UpdateUserIdentityInfoCommand({ InstanceId: 'a/b?c#d é', UserId: user.id, IdentityInfo: {} })),
    ],
    ['DescribeInstance', (c) => c.send(new DescribeInstanceCommand({ InstanceId: second!.id }))],
  ];

  it.each(sdkCalls)('through the SDK: %s', async (_name, call) => {
    const [memory, nock, http] = [await sdkEssence('memory', call), await sdkEssence('nock', call), await sdkEssence('http', call)];
    expect(nock).toEqual(memory);
    expect(http).toEqual(memory);
  });

  const rawCases: [string, Partial<WireRequest> & { body?: Uint8Array }][] = [
    ['malformed JSON', { body: utf8('{"IdentityInfo": ') }],
    ['a top-level array', { body: utf8('[1]') }],
    ['a wrong member type', { body: utf8('{"IdentityInfo": {"LastName": []}}') }],
    ['a wrong content type', { headers: { 'content-type': 'text/plain' }, body: utf8('{"IdentityInfo": {}}') }],
    ['an invalid percent-encoding', { path: `/users/%FF%FE/${user.id}/identity-info`, body: utf8('{"IdentityInfo": {}}') }],
    ['an empty label', { path: `/users//${user.id}/identity-info`, body: utf8('{"IdentityInfo": {}}') }],
    ['an oversized body', { body: utf8(JSON.stringify({ IdentityInfo: { Email: 'x'.repeat(1024 * 1024) } })) }],
    ['an unknown path', { path: '/no/such/operation', body: utf8('{}') }],
  ];

  it.each(rawCases)('as raw signed bytes: %s', async (_name, c) => {
    const wire: WireRequest = {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...c.headers },
      body: c.body ?? new Uint8Array(),
      ...(c.path ? { path: c.path } : {}),
    };
    const [memory, nock, http] = await Promise.all(HOSTINGS.map(async (h) => essence(await sendRaw(h, wire))));
    expect(memory!.status).toBeGreaterThanOrEqual(400);
    expect(memory!.status).toBeLessThan(500);
    expect(memory!.type).toBeTruthy();
    expect(nock).toEqual(memory);
    expect(http).toEqual(memory);
  });

  it('ends with the same state in all three', () => {
    const memory = services.memory.store.snapshot();
    expect(services.nock.store.snapshot()).toEqual(memory);
    expect(services.http.store.snapshot()).toEqual(memory);
  });
});

describe('the credential scope, in every hosting', () => {
  const OTHER_REGION = 'eu-west-2';
  /** A client that signs for another region than the reference's (nock intercepts the reference's origin only). */
  function clientFor(h: Hosting, region: string): ConnectClient {
    const base = { region, credentials: fixtures.credentials, maxAttempts: 1 };
    if (h === 'memory') return new ConnectClient({ ...base, requestHandler: inMemoryRequestHandler(services.memory.handle) });
    return new ConnectClient({ ...base, endpoint: h === 'http' ? server.endpoint : connectOrigin(REGION) });
  }

  it.each(HOSTINGS)(
    "%s: a request signed for another region than the reference's is 403 InvalidSignatureException and changes nothing",
    async (h) => {
      const before = services[h].store.snapshot();
      const answer = await sdkEssence(h, () =>
        clientFor(h, OTHER_REGION).send(
          new UpdateUserIdentityInfoCommand({ InstanceId: first!.id, UserId: user.id, IdentityInfo: { FirstName: 'Mallory' } }),
        ),
      );
      expect(answer).toEqual({
        error: 'InvalidSignatureException',
        status: 403,
        message: `Credential should be scoped to a valid region, not '${OTHER_REGION}'.`,
      });
      expect(services[h].store.snapshot()).toEqual(before);
    },
  );

  it("a run with another --region than the HTTP hosting's stops with the reference's reason; with its region, AUTH-WRONG-SCOPE passes", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', fixtures.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', fixtures.credentials.secretAccessKey);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    try {
      const options = {
        target: 'endpoint' as const,
        endpointUrl: server.endpoint,
        fixtures: { instanceId: first!.id, userId: user.id },
        seed: 1,
        runs: 1,
        expectAuth: true,
        only: ['AUTH-WRONG-SCOPE'],
      };
      const stopped = await runConformance({ ...options, region: OTHER_REGION }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(stopped).toBeInstanceOf(TargetConfigError);
      expect((stopped as Error).message).toMatch(
        new RegExp(`403 InvalidSignatureException .*Credential should be scoped to a valid region, not '${OTHER_REGION}'`),
      );
      const results = await runConformance({ ...options, region: REGION });
      expect(results.requirements.find((r) => r.id === 'AUTH-WRONG-SCOPE')!.status).toBe('pass');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('the query string of an SDK request', () => {
  it('is written as URLSearchParams writes it, repeated keys in order, null members and items left out', () => {
    expect(queryStringOf(undefined)).toBe('');
    expect(queryStringOf({})).toBe('');
    expect(queryStringOf({ a: 'x y', b: ['1', null, '2'], c: null })).toBe('a=x+y&b=1&b=2');
    const request = new HttpRequest({ method: 'GET', path: '/users/i/u', query: { nextToken: 'a/b', maxResults: '5' }, headers: {} });
    expect(wireRequestOf(request).path).toBe('/users/i/u?nextToken=a%2Fb&maxResults=5');
  });
});
