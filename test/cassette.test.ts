// Cassettes: what --record writes is the settings the run was recorded with and its exchanges in nock's recording
// format (the objects nock.recorder.play() gives with output_objects: true), with nothing secret in it, and
// nock.define can load the exchanges; a cassette of an earlier version (a bare list) is still read; replay answers
// each recorded exchange once, in order, matching method, path and exact body (not the Password, not the random part
// of a provisioned username), and refuses anything else; the settings a replay differs in are named.
import { DEFAULT_BINDING } from '../operations/index.ts';
import http from 'node:http';
import httpsModule from 'node:https';
import { CreateUserCommand, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Budget,
  cassetteTransport,
  SafetyEnvelope,
  instantClock,
  Recorder,
  TokenBucket,
  type NockDefinition,
} from '../targets/aws/index.ts';
import { cassetteMismatch, readCassetteFile } from '../targets/aws/cassette.ts';
import { checkCassetteSettings, configOf, flagNaming, recordedSettings } from '../engine/options.ts';
import { TargetConfigError, UserError } from '../core/errors.ts';
import { Guard } from '../targets/guard/guard.ts';
import { envelopedHandlerTarget } from '../targets/index.ts';
import { createReferenceService, defaultFixtures, startHttpServer, type RunningServer } from '../api/reference.ts';
import { text, utf8 } from '../core/wire.ts';

const fixtures = defaultFixtures();
const instance = fixtures.instances[0]!.id;
const user = fixtures.instances[0]!.users[0]!.id;
let spec: Spec;
let definitions: NockDefinition[];

beforeAll(async () => {
  spec = await defaultSpec();
  const service = createReferenceService(spec, { fixtures: defaultFixtures() });
  const recorder = new Recorder(
    ['a-secret-value-1234'],
    recordedSettings(configOf({ target: 'replay', cassette: 'x.json', seed: 'run-42', fixtures: { instanceId: instance, userId: user } })),
    'connect-conformance/0.0.0',
  );
  const journal = { covers: () => true, coversCreate: () => true };
  const envelope = new SafetyEnvelope({
    guard: new Guard({ allowInstances: [instance], fixtureUsers: [user], journal, binding: DEFAULT_BINDING }),
    budget: new Budget(20),
    bucket: new TokenBucket(Number.POSITIVE_INFINITY, 1),
    clock: instantClock,
    recorder,
  });
  const target = envelopedHandlerTarget('us-east-1', envelope, service.handle, 'recording');
  await target.send(new DescribeUserCommand({ InstanceId: instance, UserId: user }));
  await target.send(new UpdateUserIdentityInfoCommand({ InstanceId: instance, UserId: user, IdentityInfo: { FirstName: 'Zoë' } }));
  await target.send(new DescribeUserCommand({ InstanceId: instance, UserId: user }));
  await target.send(
    new CreateUserCommand({
      InstanceId: instance,
      Username: 'conformance-0a1b2c3d',
      Password: 'Cc-a-secret-value-1234',
      SecurityProfileIds: ['agent'],
      RoutingProfileId: 'basic',
      Tags: { conformance: 'true' },
    }),
  );
  definitions = recorder.definitions;
});

describe('what --record writes', () => {
  it("is nock's recording format, as nock.recorder itself writes it", async () => {
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
    for (const d of definitions)
      expect(Object.keys(d).sort()).toEqual(
        Object.keys(own!)
          .filter((k) => k !== 'reqheaders')
          .sort(),
      );
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

const https = (scope: string, path: string, cb: (res: http.IncomingMessage) => void) =>
  httpsModule.request(`${scope}${path}`, { method: 'GET' }, cb);

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
    await expect(
      transport(request('POST', `/users/${instance}/${user}/identity-info`, '{"IdentityInfo":{"FirstName":"Other"}}')),
    ).rejects.toMatchObject({ kind: 'cassette' });
    // whitespace is part of the body: a padded body is another request
    await expect(
      transport(request('POST', `/users/${instance}/${user}/identity-info`, '{ "IdentityInfo":{"FirstName":"Zoë"}}')),
    ).rejects.toMatchObject({ kind: 'cassette' });
    expect(
      (await transport(request('POST', `/users/${instance}/${user}/identity-info`, '{"IdentityInfo":{"FirstName":"Zoë"}}'))).statusCode,
    ).toBe(200);
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

describe('the cassette file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-cassette-'));

  it('holds the format, the tool, the settings it was recorded with and the exchanges, which nock.define loads', async () => {
    const file = join(dir, 'written.json');
    const recorder = new Recorder([], { seed: 7, runs: 3 }, 'connect-conformance/9.9.9');
    recorder.definitions.push(...definitions);
    recorder.write(file);
    const written = JSON.parse(readFileSync(file, 'utf8')) as {
      'connect-conformance': string;
      tool: string;
      recordedWith: unknown;
      exchanges: NockDefinition[];
    };
    expect(Object.keys(written)).toEqual(['connect-conformance', 'tool', 'recordedWith', 'exchanges']);
    expect(written).toMatchObject({
      'connect-conformance': 'cassette/1',
      tool: 'connect-conformance/9.9.9',
      recordedWith: { seed: 7, runs: 3 },
    });
    expect(written.exchanges).toEqual(definitions);
    expect(readCassetteFile(file)).toEqual({
      exchanges: definitions,
      recordedWith: { seed: 7, runs: 3 },
      tool: 'connect-conformance/9.9.9',
    });
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    try {
      expect(nock.define(written.exchanges as never)).toHaveLength(definitions.length);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
    }
  });

  it('of an earlier version (a bare list of exchanges) is read, without settings; another format is one line', () => {
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify(definitions));
    expect(readCassetteFile(old)).toEqual({ exchanges: definitions });
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ 'connect-conformance': 'cassette/2', exchanges: [] }));
    expect(() => readCassetteFile(future)).toThrow(UserError);
    expect(() => readCassetteFile(future)).toThrow(
      /future\.json: not a cassette of this version of connect-conformance \(its format is "cassette\/2", this version reads cassette\/1\); record it again/,
    );
  });

  it('names each setting a replay differs in, both ways, as options for the library and as flags for the command', () => {
    expect(cassetteMismatch({ seed: 1, runs: 3, only: [] }, { seed: 1, runs: 3, only: [], newer: 'x' })).toEqual([]);
    expect(cassetteMismatch({ seed: 1, runs: 3, only: [] }, { seed: 2, runs: 3, only: ['A'] })).toEqual([
      { option: 'seed', recorded: 1, now: 2 },
      { option: 'only', recorded: [], now: ['A'] },
    ]);
    const file = join(dir, 'recorded.json');
    const recorded = configOf({ target: 'replay', cassette: file, seed: '12345678901234', fixtures: { instanceId: 'i', userId: 'u' } });
    new Recorder([], recordedSettings(recorded), 'connect-conformance/9.9.9').write(file);
    expect(() => checkCassetteSettings(recorded)).not.toThrow();
    // The same seed as given in another spelling is the same run.
    expect(() =>
      checkCassetteSettings(
        configOf({ target: 'replay', cassette: file, seed: 12345678901234, fixtures: { instanceId: 'i', userId: 'u' } }),
      ),
    ).not.toThrow();
    let error: unknown;
    try {
      checkCassetteSettings(
        configOf({
          target: 'replay',
          cassette: file,
          seed: 5,
          runs: 9,
          only: ['EX-UNKNOWN-USER'],
          fixtures: { instanceId: 'i', userId: 'u', secondUserId: 'v' },
        }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TargetConfigError);
    const e = error as TargetConfigError;
    expect(e.message).toBe(
      `cassette: '${file}' was recorded with seed: '12345678901234', runs: 3, no only, no fixtures.secondUserId; this run has seed: 5, runs: 9, only: 'EX-UNKNOWN-USER', fixtures.secondUserId: 'v': a cassette answers only the run it recorded, replay it with the same settings`,
    );
    expect(e.messageFor(flagNaming)).toBe(
      `--cassette ${file} was recorded with --seed 12345678901234, --runs 3, no --only, no --second-user-id; this run has --seed 5, --runs 9, --only EX-UNKNOWN-USER, --second-user-id v: a cassette answers only the run it recorded, replay it with the same settings`,
    );
  });
});

afterAll(() => {
  nock.cleanAll();
});
