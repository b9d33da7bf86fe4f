// Cassettes: what --record writes is nock's recording format (the objects nock.recorder.play() gives with
// output_objects: true), with nothing secret in it, and nock.define can load it; replay answers each recorded
// exchange once, in order, matching method, path and exact body (not the Password, not the random part of a
// provisioned username), and refuses anything else.
import http from 'node:http';
import httpsModule from 'node:https';
import { CreateUserCommand, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { Budget, cassetteTransport, Envelope, instantClock, Recorder, TokenBucket, type NockDefinition } from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { envelopedHandlerTarget } from '../targets/index.ts';
import { createReferenceService, defaultFixtures, startHttpServer, type RunningServer } from '../targets/reference/index.ts';
import { text, utf8 } from '../core/wire.ts';

const fixtures = defaultFixtures();
const instance = fixtures.instances[0]!.id;
const user = fixtures.instances[0]!.users[0]!.id;
let spec: Spec;
let definitions: NockDefinition[];

beforeAll(async () => {
  spec = await defaultSpec();
  const service = createReferenceService(spec, { fixtures: defaultFixtures() });
  const recorder = new Recorder(['a-secret-value-1234']);
  const journal = { covers: () => true, coversCreate: () => true };
  const envelope = new Envelope({ guard: new Guard({ allowInstances: [instance], fixtureUsers: [user], journal }), budget: new Budget(20), bucket: new TokenBucket(Number.POSITIVE_INFINITY, 1), clock: instantClock, recorder });
  const target = envelopedHandlerTarget('us-east-1', envelope, service.handle, 'recording');
  await target.send(new DescribeUserCommand({ InstanceId: instance, UserId: user }));
  await target.send(new UpdateUserIdentityInfoCommand({ InstanceId: instance, UserId: user, IdentityInfo: { FirstName: 'Zoë' } }));
  await target.send(new DescribeUserCommand({ InstanceId: instance, UserId: user }));
  await target.send(
    new CreateUserCommand({ InstanceId: instance, Username: 'conformance-0a1b2c3d', Password: 'Cc-a-secret-value-1234', SecurityProfileIds: ['agent'], RoutingProfileId: 'basic', Tags: { conformance: 'true' } }),
  );
  definitions = recorder.definitions;
});

describe('what --record writes', () => {
  it('is nock\'s recording format, as nock.recorder itself writes it', async () => {
    const service = createReferenceService(spec, { fixtures: defaultFixtures(), auth: false });
    const server: RunningServer = await startHttpServer(service.handle, { maxBodyBytes: 1 << 20 });
    nock.recorder.rec({ output_objects: true, dont_print: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${server.endpoint}/users/${instance}/${user}`, { method: 'GET' }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end();
      });
    } finally {
      nock.restore();
      await server.close();
    }
    const [own] = nock.recorder.play() as unknown as Record<string, unknown>[];
    nock.recorder.clear();
    for (const d of definitions) expect(Object.keys(d).sort()).toEqual(Object.keys(own!).filter((k) => k !== 'reqheaders').sort());
    expect(definitions.map((d) => [d.method, d.status])).toEqual([
      ['GET', 200],
      ['POST', 200],
      ['GET', 200],
      ['PUT', 200],
    ]);
  });

  it('keeps no request header, no Password and no known secret', () => {
    const all = JSON.stringify(definitions);
    expect(all).not.toMatch(/authorization|x-amz-security-token|x-amz-date|AKIDEXAMPLE/i);
    expect(all).not.toContain('a-secret-value-1234');
    expect(JSON.parse(definitions[3]!.body).Password).toBe('[redacted]');
  });

  it('loads in nock.define, which answers a recorded request with its recorded response', async () => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    try {
      nock.define([definitions[0]!] as never);
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https(definitions[0]!.scope, definitions[0]!.path, (res) => {
          let b = '';
          res.on('data', (c: Buffer) => (b += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: b }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(JSON.parse(body)).toEqual(definitions[0]!.response);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
    }
  });
});

const https = (scope: string, path: string, cb: (res: http.IncomingMessage) => void) => httpsModule.request(`${scope}${path}`, { method: 'GET' }, cb);

describe('replay', () => {
  const request = (method: string, path: string, body = '') => ({ method, path, headers: {}, body: utf8(body) });

  it('answers each recorded exchange once, in recorded order, and nothing it does not hold', async () => {
    const { transport, unused } = cassetteTransport(definitions);
    const describePath = `/users/${instance}/${user}`;
    const first = await transport(request('GET', describePath));
    const second = await transport(request('GET', describePath));
    expect((JSON.parse(text(first.body)) as { User: { IdentityInfo: { FirstName: string } } }).User.IdentityInfo.FirstName).toBe('Ada');
    expect((JSON.parse(text(second.body)) as { User: { IdentityInfo: { FirstName: string } } }).User.IdentityInfo.FirstName).toBe('Zoë');
    await expect(transport(request('GET', describePath))).rejects.toMatchObject({ kind: 'cassette' });
    await expect(transport(request('POST', `/users/${instance}/${user}/identity-info`, '{"IdentityInfo":{"FirstName":"Other"}}'))).rejects.toMatchObject({ kind: 'cassette' });
    // whitespace is part of the body: a padded body is another request
    await expect(transport(request('POST', `/users/${instance}/${user}/identity-info`, '{ "IdentityInfo":{"FirstName":"Zoë"}}'))).rejects.toMatchObject({ kind: 'cassette' });
    expect((await transport(request('POST', `/users/${instance}/${user}/identity-info`, '{"IdentityInfo":{"FirstName":"Zoë"}}'))).statusCode).toBe(200);
    expect(unused()).toBe(1);
  });

  it('does not match on the Password or on the random part of a provisioned username', async () => {
    const { transport } = cassetteTransport(definitions);
    const recorded = JSON.parse(definitions[3]!.body) as Record<string, unknown>;
    const body = JSON.stringify({ ...recorded, Username: 'conformance-99887766', Password: 'Cc-another' });
    const r = await transport(request('PUT', `/users/${instance}`, body));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(text(r.body))).toHaveProperty('UserId');
  });
});

afterAll(() => {
  nock.cleanAll();
});
