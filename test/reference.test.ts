// Every rule of the reference implementation, exercised through the real @aws-sdk/client-connect (and raw signed
// requests where the SDK cannot express the input). Bounds are read from the spec, so the tests follow it.
import {
  ConnectServiceException,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeInstanceCommand,
  DescribeUserCommand,
  InvalidParameterException,
  ResourceNotFoundException,
  UpdateUserIdentityInfoCommand,
  type UserIdentityInfo,
} from '@aws-sdk/client-connect';
import { beforeEach, describe, expect, it } from 'vitest';
import { bench, outcome, raw, sdkClient, type Bench } from './helpers.ts';

let b: Bench;
beforeEach(async () => {
  b = await bench();
});

const member = (name: string) => {
  const m = b.spec.members.find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name} in the spec`);
  return m;
};
const update = (who: { instanceId: string; userId: string }, IdentityInfo: UserIdentityInfo) =>
  b.client.send(new UpdateUserIdentityInfoCommand({ InstanceId: who.instanceId, UserId: who.userId, IdentityInfo }));
const describeUser = async (who: { instanceId: string; userId: string }) =>
  (await b.client.send(new DescribeUserCommand({ InstanceId: who.instanceId, UserId: who.userId }))).User!;
const managed = () => b.users.CONNECT_MANAGED!;

describe('UpdateUserIdentityInfo through the SDK', () => {
  it('accepts a valid update with 200 and an empty body, and DescribeUser reads it back byte for byte', async () => {
    const info = { FirstName: 'Zoë 😀 عربي', LastName: ' O\'Brien "\\" ', Email: 'anything at all', SecondaryEmail: 'zoe@example.org', Mobile: '+15555550100' };
    const response = await update(managed(), info);
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect((await describeUser(managed())).IdentityInfo).toEqual(info);
  });

  it('keeps the members an update omits (the reference merges)', async () => {
    const before = (await describeUser(managed())).IdentityInfo!;
    await update(managed(), { Mobile: '+15555550199' });
    expect((await describeUser(managed())).IdentityInfo).toEqual({ ...before, Mobile: '+15555550199' });
  });

  it('counts lengths in code points: a FirstName of max astral characters is valid, one more is not', async () => {
    const max = member('FirstName').maxLength!;
    expect((await update(managed(), { FirstName: '😀'.repeat(max) })).$metadata.httpStatusCode).toBe(200);
    await expect(update(managed(), { FirstName: '😀'.repeat(max + 1) })).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('rejects each constraint violation as InvalidParameterException 400', async () => {
    const cm = b.spec.typeRules.CONNECT_MANAGED!.constraints;
    const cases: UserIdentityInfo[] = [
      { FirstName: 'x'.repeat(member('FirstName').maxLength! + 1) },
      { LastName: 'x'.repeat(cm.LastName!.maxLength! + 1) },
      { FirstName: '' },
      { LastName: '' },
      { FirstName: 'Jose\u0301' },
      { Mobile: '15555550100' },
      { Mobile: '+05555550100' },
      { Mobile: 'abc+15555550100' },
      { SecondaryEmail: 'not an address' },
    ];
    for (const info of cases) {
      const r = await outcome(update(managed(), info));
      expect(r, JSON.stringify(info)).toEqual({ name: 'InvalidParameterException', status: 400 });
    }
  });

  it('applies the rules of the instance identity management type', async () => {
    const saml = b.users.SAML!;
    const directory = b.users.EXISTING_DIRECTORY!;
    expect(await outcome(update(saml, { Email: 'x@example.com' }))).toEqual({ name: 'InvalidParameterException', status: 400 });
    expect(await outcome(update(saml, { FirstName: '', LastName: 'x'.repeat(member('LastName').maxLength!) }))).toEqual({ name: 'ok', status: 200 });
    for (const info of [{ FirstName: 'A' }, { LastName: 'B' }, { Email: 'c@example.com' }]) {
      expect(await outcome(update(directory, info))).toEqual({ name: 'InvalidParameterException', status: 400 });
    }
    expect(await outcome(update(directory, { Mobile: '+15555550111', SecondaryEmail: 'd@example.net' }))).toEqual({ name: 'ok', status: 200 });
  });

  it('answers 404 ResourceNotFoundException for an unknown instance, an unknown user and a user of another instance', async () => {
    const info = { Mobile: '+15555550100' };
    for (const who of [
      { instanceId: 'c0a1b2c3-ffff-4fff-8fff-ffffffffffff', userId: managed().userId },
      { instanceId: managed().instanceId, userId: 'a0000000-ffff-4fff-8fff-ffffffffffff' },
      { instanceId: managed().instanceId, userId: b.foreign.userId },
    ]) {
      const error = await update(who, info).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    }
  });

  it('validates before it checks existence: an invalid request naming an unknown user gets 400', async () => {
    const r = await outcome(update({ instanceId: managed().instanceId, userId: 'nobody' }, { Mobile: 'bad' }));
    expect(r).toEqual({ name: 'InvalidParameterException', status: 400 });
  });

  it('changes nothing on a rejected request, and nothing of any other user on an accepted one', async () => {
    const before = b.service.store.snapshot();
    await outcome(update(managed(), { FirstName: 'ok', Mobile: 'bad' }));
    expect(b.service.store.snapshot()).toEqual(before);
    await update(managed(), { FirstName: 'Changed' });
    const after = b.service.store.snapshot();
    after[managed().instanceId]![managed().userId]!.FirstName = before[managed().instanceId]![managed().userId]!.FirstName;
    expect(after).toEqual(before);
  });

  it('never echoes a sensitive value in an error message', async () => {
    const secret = 'Zz-secret-name-'.repeat(20);
    const error = (await update(managed(), { FirstName: secret }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).not.toContain('Zz-secret');
  });
});

describe('input the SDK cannot express, as raw signed requests', () => {
  const path = () => `/users/${managed().instanceId}/${managed().userId}/identity-info`;

  it.each([
    ['not JSON', 'IdentityInfo='],
    ['truncated JSON', '{"IdentityInfo": {"FirstName": "A'],
    ['trailing bytes', '{"IdentityInfo": {}} x'],
    ['an empty body', ''],
    ['a top-level array', '[]'],
    ['a top-level string', '"IdentityInfo"'],
    ['a top-level number', '42'],
    ['IdentityInfo as a string', '{"IdentityInfo": "x"}'],
    ['FirstName as a number', '{"IdentityInfo": {"FirstName": 1}}'],
    ['Mobile as an object', '{"IdentityInfo": {"Mobile": {}}}'],
  ])('answers %s with 400 SerializationException and a message', async (_what, body) => {
    const r = await raw(b.service.handle, b.fixtures, { path: path(), body });
    expect(r.statusCode).toBe(400);
    expect(r.type).toBe(b.spec.protocol.deserializationError.type);
    expect(r.json).toEqual({ message: expect.any(String) });
  });

  it('answers a missing or null IdentityInfo with 400 InvalidParameterException', async () => {
    for (const body of ['{}', '{"IdentityInfo": null}']) {
      const r = await raw(b.service.handle, b.fixtures, { path: path(), body });
      expect([r.statusCode, r.type]).toEqual([400, 'InvalidParameterException']);
    }
  });

  it('treats a null member as absent and ignores members the model does not define', async () => {
    const r = await raw(b.service.handle, b.fixtures, { path: path(), body: '{"IdentityInfo": {"FirstName": null, "Nickname": "x"}, "Extra": 1}' });
    expect(r.statusCode).toBe(200);
    expect((await describeUser(managed())).IdentityInfo).not.toHaveProperty('Nickname');
  });

  it('refuses a content type other than JSON with 415, and an oversized body with 413', async () => {
    const wrongType = await raw(b.service.handle, b.fixtures, { path: path(), body: '{"IdentityInfo": {}}', headers: { 'content-type': 'text/plain' } });
    expect([wrongType.statusCode, wrongType.type]).toEqual([415, b.spec.protocol.unsupportedMediaTypeError.type]);
    const small = await bench({ maxBodyBytes: 64 });
    const big = await raw(small.service.handle, small.fixtures, { path: path(), body: JSON.stringify({ IdentityInfo: { Email: 'x'.repeat(100) } }) });
    expect([big.statusCode, big.type]).toEqual([413, b.spec.protocol.requestTooLargeError.type]);
  });

  it('answers odd label encodings and unknown routes with a 4xx that carries an error type', async () => {
    const cases = [
      { path: `/users/%FF/${managed().userId}/identity-info` },
      { path: `/users/%E0%A4/${managed().userId}/identity-info` },
      { path: `/users//${managed().userId}/identity-info` },
      { path: `/users/${managed().instanceId}//identity-info` },
      { path: `/users/${'i'.repeat(b.spec.operation.labels[0]!.maxLength! + 1)}/${managed().userId}/identity-info` },
      { path: '/users/a/b/c/identity-info' },
      { path: path(), method: 'PATCH' },
    ];
    for (const c of cases) {
      const r = await raw(b.service.handle, b.fixtures, { ...c, body: '{"IdentityInfo": {}}' });
      expect(r.statusCode, c.path).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, c.path).toBeLessThan(500);
      expect(r.type, c.path).toMatch(/^[A-Za-z]+$/);
    }
  });

  it('decodes percent-encoded labels as UTF-8', async () => {
    const weird = await raw(b.service.handle, b.fixtures, { path: `/users/%E2%9C%93/${managed().userId}/identity-info`, body: '{"IdentityInfo": {}}' });
    expect([weird.statusCode, weird.type]).toEqual([404, 'ResourceNotFoundException']);
  });
});

describe('authentication', () => {
  const path = () => `/users/${managed().instanceId}/${managed().userId}/identity-info`;

  it('answers an unsigned request 403 MissingAuthenticationTokenException and changes nothing', async () => {
    const before = b.service.store.snapshot();
    const r = await raw(b.service.handle, b.fixtures, { path: path(), body: '{"IdentityInfo": {"FirstName": "X"}}', unsigned: true });
    expect([r.statusCode, r.type]).toEqual([403, b.spec.protocol.authenticationErrors.unsigned]);
    expect(b.service.store.snapshot()).toEqual(before);
  });

  it('tells an unknown key from a wrong signature', async () => {
    const unknown = sdkClient(b.service.handle, b.fixtures, { accessKeyId: 'AKIDNOSUCHKEY', secretAccessKey: 'x' });
    const wrong = sdkClient(b.service.handle, b.fixtures, { accessKeyId: b.fixtures.credentials.accessKeyId, secretAccessKey: 'not-the-secret' });
    const cmd = () => new DescribeUserCommand({ InstanceId: managed().instanceId, UserId: managed().userId });
    expect(await outcome(unknown.send(cmd()))).toEqual({ name: b.spec.protocol.authenticationErrors.unknownKey, status: 403 });
    expect(await outcome(wrong.send(cmd()))).toEqual({ name: b.spec.protocol.authenticationErrors.badSignature, status: 403 });
  });

  it('rejects a signed request whose body was changed after signing', async () => {
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../targets/wire.ts');
    const signed = await signWireRequest(
      { method: 'POST', path: path(), headers: { 'content-type': 'application/json' }, body: utf8('{"IdentityInfo": {}}') },
      { credentials: b.fixtures.credentials, region: 'us-east-1', host: 'connect.us-east-1.amazonaws.com' },
    );
    const tampered = utf8('{"IdentityInfo": {"FirstName": "Mallory"}}');
    const before = b.service.store.snapshot();
    for (const headers of [signed.headers, Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'x-amz-content-sha256'))]) {
      const r = await b.service.handle({ ...signed, headers, body: tampered });
      expect([r.statusCode, r.headers['x-amzn-errortype']]).toEqual([403, b.spec.protocol.authenticationErrors.badSignature]);
    }
    expect(b.service.store.snapshot()).toEqual(before);
    expect((await b.service.handle(signed)).statusCode).toBe(200);
  });

  it('accepts anything unsigned when verification is switched off', async () => {
    const open = await bench({ auth: false });
    const r = await raw(open.service.handle, open.fixtures, { path: path(), body: '{"IdentityInfo": {"FirstName": "X"}}', unsigned: true });
    expect(r.statusCode).toBe(200);
  });
});

describe('the sibling operations', () => {
  it('DescribeInstance gives each instance its identity management type, and 404 for an unknown one', async () => {
    for (const i of b.fixtures.instances) {
      const r = await b.client.send(new DescribeInstanceCommand({ InstanceId: i.id }));
      expect(r.Instance?.IdentityManagementType).toBe(i.identityManagementType);
    }
    expect(await outcome(b.client.send(new DescribeInstanceCommand({ InstanceId: 'c0a1b2c3-ffff-4fff-8fff-ffffffffffff' })))).toEqual({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('CreateUser and DeleteUser manage users; a duplicate username is 409; a missing required member is 400', async () => {
    const instanceId = managed().instanceId;
    const create = (Username: string) =>
      b.client.send(new CreateUserCommand({ InstanceId: instanceId, Username, SecurityProfileIds: ['p'], RoutingProfileId: 'r', PhoneConfig: { PhoneType: 'SOFT_PHONE' }, IdentityInfo: { FirstName: 'C', LastName: 'U' } }));
    const created = await create('conformance-test');
    expect(created.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await describeUser({ instanceId, userId: created.UserId! })).Username).toBe('conformance-test');
    expect(await outcome(create('conformance-test'))).toEqual({ name: 'DuplicateResourceException', status: 409 });
    const missing = await b.client.send(new CreateUserCommand({ InstanceId: instanceId, Username: 'x', SecurityProfileIds: [], RoutingProfileId: 'r' } as never)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConnectServiceException);
    expect((missing as ConnectServiceException).$metadata.httpStatusCode).toBe(400);
    await b.client.send(new DeleteUserCommand({ InstanceId: instanceId, UserId: created.UserId! }));
    expect(await outcome(b.client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: created.UserId! })))).toEqual({ name: 'ResourceNotFoundException', status: 404 });
  });
});
