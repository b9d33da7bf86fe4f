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
    const info = {
      FirstName: 'Zoë 😀 عربي',
      LastName: ' O\'Brien "\\" ',
      Email: 'anything at all',
      SecondaryEmail: 'zoe@example.org',
      Mobile: '+15555550100',
    };
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
    expect(await outcome(update(saml, { FirstName: '', LastName: 'x'.repeat(member('LastName').maxLength!) }))).toEqual({
      name: 'ok',
      status: 200,
    });
    for (const info of [{ FirstName: 'A' }, { LastName: 'B' }, { Email: 'c@example.com' }]) {
      expect(await outcome(update(directory, info))).toEqual({ name: 'InvalidParameterException', status: 400 });
    }
    expect(await outcome(update(directory, { Mobile: '+15555550111', SecondaryEmail: 'd@example.net' }))).toEqual({
      name: 'ok',
      status: 200,
    });
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
    const r = await raw(b.service.handle, b.fixtures, {
      path: path(),
      body: '{"IdentityInfo": {"FirstName": null, "Nickname": "x"}, "Extra": 1}',
    });
    expect(r.statusCode).toBe(200);
    expect((await describeUser(managed())).IdentityInfo).not.toHaveProperty('Nickname');
    // Not stored either (the SDK would drop it from DescribeUser anyway): a raw read shows what the store holds.
    const stored = b.service.store.instances.get(managed().instanceId)!.users.get(managed().userId)!.IdentityInfo;
    expect(stored).not.toHaveProperty('Nickname');
  });

  it('refuses a content type other than JSON with 415, and an oversized body with 413', async () => {
    const wrongType = await raw(b.service.handle, b.fixtures, {
      path: path(),
      body: '{"IdentityInfo": {}}',
      headers: { 'content-type': 'text/plain' },
    });
    expect([wrongType.statusCode, wrongType.type]).toEqual([415, b.spec.protocol.unsupportedMediaTypeError.type]);
    const small = await bench({ maxBodyBytes: 64 });
    const big = await raw(small.service.handle, small.fixtures, {
      path: path(),
      body: JSON.stringify({ IdentityInfo: { Email: 'x'.repeat(100) } }),
    });
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
    const weird = await raw(b.service.handle, b.fixtures, {
      path: `/users/%E2%9C%93/${managed().userId}/identity-info`,
      body: '{"IdentityInfo": {}}',
    });
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
    const wrong = sdkClient(b.service.handle, b.fixtures, {
      accessKeyId: b.fixtures.credentials.accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    const cmd = () => new DescribeUserCommand({ InstanceId: managed().instanceId, UserId: managed().userId });
    expect(await outcome(unknown.send(cmd()))).toEqual({ name: b.spec.protocol.authenticationErrors.unknownKey, status: 403 });
    expect(await outcome(wrong.send(cmd()))).toEqual({ name: b.spec.protocol.authenticationErrors.badSignature, status: 403 });
  });

  it('rejects a signed request whose body was changed after signing', async () => {
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../core/wire.ts');
    const signed = await signWireRequest(
      { method: 'POST', path: path(), headers: { 'content-type': 'application/json' }, body: utf8('{"IdentityInfo": {}}') },
      { credentials: b.fixtures.credentials, region: 'us-east-1', host: 'connect.us-east-1.amazonaws.com' },
    );
    const tampered = utf8('{"IdentityInfo": {"FirstName": "Mallory"}}');
    const before = b.service.store.snapshot();
    for (const headers of [
      signed.headers,
      Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'x-amz-content-sha256')),
    ]) {
      const r = await b.service.handle({ ...signed, headers, body: tampered });
      expect([r.statusCode, r.headers['x-amzn-errortype']]).toEqual([403, b.spec.protocol.authenticationErrors.badSignature]);
    }
    expect(b.service.store.snapshot()).toEqual(before);
    expect((await b.service.handle(signed)).statusCode).toBe(200);
  });

  it('refuses a signature dated beyond the window by its own clock, 403 "Signature expired" or "not yet current", and changes nothing', async () => {
    const { createReferenceService, defaultFixtures } = await import('../api/reference.ts');
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../core/wire.ts');
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const service = createReferenceService(b.spec, { fixtures: defaultFixtures(), now: () => now });
    const limit = b.spec.protocol.signatureWindow.refusedBeyondMinutes * 60_000;
    const signedAt = (ms: number) =>
      signWireRequest(
        {
          method: 'POST',
          path: path(),
          headers: { 'content-type': 'application/json' },
          body: utf8('{"IdentityInfo": {"FirstName": "Mallory"}}'),
        },
        { credentials: b.fixtures.credentials, region: 'us-east-1', host: 'connect.us-east-1.amazonaws.com', signingDate: new Date(ms) },
      );
    const answer = async (ms: number) => {
      const r = await service.handle(await signedAt(ms));
      return [
        r.statusCode,
        r.headers['x-amzn-errortype'],
        r.statusCode === 200 ? '' : (JSON.parse(Buffer.from(r.body).toString()) as { message: string }).message,
      ];
    };
    const before = service.store.snapshot();
    expect(await answer(now - limit - 1000)).toEqual([
      403,
      'InvalidSignatureException',
      'Signature expired: 20260115T114459Z is now earlier than 20260115T114500Z (20260115T120000Z - 15 min.)',
    ]);
    expect(await answer(now + limit + 1000)).toEqual([
      403,
      'InvalidSignatureException',
      'Signature not yet current: 20260115T121501Z is still later than 20260115T121500Z (20260115T120000Z + 15 min.)',
    ]);
    expect(await answer(now - 24 * 3600_000)).toEqual([
      403,
      'InvalidSignatureException',
      expect.stringMatching(/^Signature expired: 20260114T120000Z/),
    ]);
    expect(service.store.snapshot()).toEqual(before);
    // At the bound, either way, the request is served.
    expect(await answer(now - limit)).toEqual([200, undefined, '']);
    expect(await answer(now + limit)).toEqual([200, undefined, '']);
  });

  it("verifies the credential scope: another region, another service, or a date that is not X-Amz-Date's is 403 InvalidSignatureException", async () => {
    const { ConnectClient } = await import('@aws-sdk/client-connect');
    const { createReferenceService, defaultFixtures, inMemoryRequestHandler } = await import('../api/reference.ts');
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../core/wire.ts');
    const before = b.service.store.snapshot();
    const clientFor = (handler: typeof b.service.handle, region: string) =>
      new ConnectClient({ region, credentials: b.fixtures.credentials, maxAttempts: 1, requestHandler: inMemoryRequestHandler(handler) });
    const updateThrough = (client: InstanceType<typeof ConnectClient>) =>
      client.send(
        new UpdateUserIdentityInfoCommand({
          InstanceId: managed().instanceId,
          UserId: managed().userId,
          IdentityInfo: { FirstName: 'Mallory' },
        }),
      );
    const refused = (await updateThrough(clientFor(b.service.handle, 'eu-west-2')).then(
      () => undefined,
      (e: unknown) => e,
    )) as ConnectServiceException;
    expect([refused.name, refused.$metadata.httpStatusCode, refused.message]).toEqual([
      'InvalidSignatureException',
      403,
      "Credential should be scoped to a valid region, not 'eu-west-2'.",
    ]);

    const wire: import('../core/wire.ts').WireRequest = {
      method: 'POST',
      path: path(),
      headers: { 'content-type': 'application/json' },
      body: utf8('{"IdentityInfo": {"FirstName": "Mallory"}}'),
    };
    const host = 'connect.us-east-1.amazonaws.com';
    const otherService = await signWireRequest(wire, {
      credentials: b.fixtures.credentials,
      region: 'us-east-1',
      service: 'execute-api',
      host,
    });
    const signed = await signWireRequest(wire, {
      credentials: b.fixtures.credentials,
      region: 'us-east-1',
      host,
      signingDate: new Date(Date.UTC(2026, 0, 15, 0, 0, 30)),
    });
    const otherDay = {
      ...signed,
      headers: { ...signed.headers, authorization: signed.headers.authorization!.replace('/20260115/', '/20260114/') },
    };
    const messageOf = async (request: typeof wire) => {
      const r = await b.service.handle(request);
      return [r.statusCode, r.headers['x-amzn-errortype'], (JSON.parse(Buffer.from(r.body).toString()) as { message: string }).message];
    };
    expect(await messageOf(otherService)).toEqual([
      403,
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'connect'.",
    ]);
    const sameDayService = createReferenceService(b.spec, { fixtures: defaultFixtures(), now: () => Date.UTC(2026, 0, 15, 0, 1, 0) });
    const r = await sameDayService.handle(otherDay);
    expect([r.statusCode, r.headers['x-amzn-errortype'], Buffer.from(r.body).toString()]).toEqual([
      403,
      'InvalidSignatureException',
      expect.stringContaining(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260114' != '20260115', from '20260115T000030Z'.",
      ),
    ]);
    expect(b.service.store.snapshot()).toEqual(before);

    // A reference in eu-west-2 serves the client that signs for eu-west-2, and refuses the one that signs for us-east-1.
    const fixtures = { ...defaultFixtures(), region: 'eu-west-2' };
    const london = createReferenceService(b.spec, { fixtures });
    expect((await updateThrough(clientFor(london.handle, 'eu-west-2'))).$metadata.httpStatusCode).toBe(200);
    expect(await outcome(updateThrough(clientFor(london.handle, 'us-east-1')))).toEqual({ name: 'InvalidSignatureException', status: 403 });
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
    expect(await outcome(b.client.send(new DescribeInstanceCommand({ InstanceId: 'c0a1b2c3-ffff-4fff-8fff-ffffffffffff' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('CreateUser and DeleteUser manage users; a duplicate username is 409; a missing required member is 400', async () => {
    const instanceId = managed().instanceId;
    const create = (Username: string) =>
      b.client.send(
        new CreateUserCommand({
          InstanceId: instanceId,
          Username,
          SecurityProfileIds: ['p'],
          RoutingProfileId: 'r',
          PhoneConfig: { PhoneType: 'SOFT_PHONE' },
          IdentityInfo: { FirstName: 'C', LastName: 'U' },
        }),
      );
    const created = await create('conformance-test');
    expect(created.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await describeUser({ instanceId, userId: created.UserId! })).Username).toBe('conformance-test');
    expect(await outcome(create('conformance-test'))).toEqual({ name: 'DuplicateResourceException', status: 409 });
    const missing = await b.client
      .send(new CreateUserCommand({ InstanceId: instanceId, Username: 'x', SecurityProfileIds: [], RoutingProfileId: 'r' } as never))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConnectServiceException);
    expect((missing as ConnectServiceException).$metadata.httpStatusCode).toBe(400);
    await b.client.send(new DeleteUserCommand({ InstanceId: instanceId, UserId: created.UserId! }));
    expect(await outcome(b.client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: created.UserId! })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });
});

describe('SigV4 verification with cached signers', () => {
  /** The verifier as it was first written: a new SignatureV4 re-signs every request (the oracle for the cached one). */
  async function resignedVerdict(
    request: import('../core/wire.ts').WireRequest,
    credentials: { accessKeyId: string; secretAccessKey: string }[],
  ) {
    const { createHash } = await import('node:crypto');
    const { Hash } = await import('@smithy/hash-node');
    const { HttpRequest } = await import('@smithy/protocol-http');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const header = request.headers.authorization;
    if (!header) return 'unsigned';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/.exec(
        header.trim(),
      );
    if (!m) return 'badSignature';
    const [, keyId, , region, service, signedHeaders, signature] = m as unknown as string[];
    const key = credentials.find((c) => c.accessKeyId === keyId);
    if (!key) return 'unknownKey';
    const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(request.headers['x-amz-date'] ?? '');
    if (!d) return 'badSignature';
    const signingDate = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(d[4]), Number(d[5]), Number(d[6])));
    const claimed = request.headers['x-amz-content-sha256'];
    if (claimed !== undefined && claimed !== createHash('sha256').update(request.body).digest('hex')) return 'badSignature';
    const names = signedHeaders!.split(';');
    const headers: Record<string, string> = {};
    for (const name of names) {
      if (request.headers[name] === undefined) return 'badSignature';
      headers[name] = request.headers[name]!;
    }
    const [pathname, query = ''] = request.path.split('?', 2) as [string, string?];
    const signer = new SignatureV4({
      credentials: key,
      region: region!,
      service: service!,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    const resigned = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol: 'https:',
        hostname: 'localhost',
        path: pathname,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers,
        body: request.body,
      }),
      { signingDate, signableHeaders: new Set(names) },
    );
    return /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] === signature ? 'ok' : 'badSignature';
  }

  it('gives the verdict of re-signing with a new SDK signer, on odd but signed requests and on tampered ones', async () => {
    const { verifySignature } = await import('../targets/reference/auth.ts');
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../core/wire.ts');
    const credentials = [b.fixtures.credentials];
    const host = 'connect.us-east-1.amazonaws.com';
    const bases: import('../core/wire.ts').WireRequest[] = [
      {
        method: 'POST',
        path: `/users/${managed().instanceId}/${managed().userId}/identity-info`,
        headers: { 'content-type': 'application/json' },
        body: utf8('{"IdentityInfo": {}}'),
      },
      {
        method: 'POST',
        path: '/users/a/./b/../c/identity-info?x=1&y=%20z&x=2',
        headers: { 'content-type': 'application/json', 'x-custom': '  a   b \t c  ' },
        body: utf8('{}'),
      },
      {
        method: 'GET',
        path: '/users/%E2%82%AC/%2F/identity-info',
        headers: { date: 'Mon, 01 Jan 2024 00:00:00 GMT' },
        body: new Uint8Array(),
      },
      { method: 'POST', path: 'relative/path', headers: { 'x-a': 'ü' }, body: utf8('ü') },
      { method: '', path: '', headers: {}, body: new Uint8Array() },
    ];
    const requests: import('../core/wire.ts').WireRequest[] = [];
    for (const base of bases) {
      for (const signing of [
        { credentials: b.fixtures.credentials, region: 'us-east-1', host },
        { credentials: b.fixtures.credentials, region: 'eu-west-2', service: 'other', host },
        { credentials: { ...b.fixtures.credentials, secretAccessKey: 'not-the-secret' }, region: 'us-east-1', host },
        { credentials: { accessKeyId: 'AKIDNOSUCHKEY', secretAccessKey: 'x' }, region: 'us-east-1', host },
      ]) {
        const s = await signWireRequest(base, signing);
        const without = (name: string) => Object.fromEntries(Object.entries(s.headers).filter(([k]) => k !== name));
        requests.push(
          s,
          { ...s, body: utf8('{"IdentityInfo": {"FirstName": "Mallory"}}') },
          { ...s, headers: without('x-amz-content-sha256'), body: utf8('{"IdentityInfo": {"FirstName": "Mallory"}}') },
          { ...s, headers: without('x-amz-content-sha256') },
          { ...s, headers: without('authorization') },
          { ...s, headers: without('x-amz-date') },
          { ...s, headers: { ...s.headers, 'x-amz-date': '20240101T000000Z' } },
          { ...s, headers: { ...s.headers, 'x-amz-date': 'yesterday' } },
          { ...s, headers: { ...s.headers, 'x-custom': 'a b c' } },
          { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace(/;?x-amz-date/, '') } },
          { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace('SignedHeaders=', 'SignedHeaders=date;') } },
          {
            ...s,
            headers: { ...s.headers, authorization: s.headers.authorization!.replace('SignedHeaders=', 'SignedHeaders=x-missing;') },
          },
          { ...s, headers: { ...s.headers, authorization: `${s.headers.authorization!.slice(0, -1)}0` } },
          { ...s, path: `${s.path}x` },
        );
      }
    }
    const verdicts = { ok: 0, unsigned: 0, unknownKey: 0, badSignature: 0 };
    for (const request of requests) {
      const expected = await resignedVerdict(request, credentials);
      const actual = await verifySignature(request, credentials);
      expect(actual.ok ? 'ok' : actual.reason, `${request.method} ${request.path} ${JSON.stringify(request.headers)}`).toBe(expected);
      verdicts[expected]++;
    }
    // Every kind of verdict occurs, accepted odd requests among them.
    expect(Object.values(verdicts).every((n) => n > 0)).toBe(true);
    expect(verdicts.ok).toBeGreaterThanOrEqual(bases.length * 2);
  });

  it('keys its cached signers and signing keys by the secret too, and keeps every cache bounded', async () => {
    const auth = await import('../targets/reference/auth.ts');
    const { signWireRequest } = await import('../targets/sign.ts');
    const { utf8 } = await import('../core/wire.ts');
    const request = { method: 'POST', path: '/users/i/u/identity-info', headers: { 'content-type': 'application/json' }, body: utf8('{}') };
    const first = { accessKeyId: 'AKIDSAME', secretAccessKey: 'first-secret' };
    const second = { accessKeyId: 'AKIDSAME', secretAccessKey: 'second-secret' };
    const signedWithFirst = await signWireRequest(request, { credentials: first, region: 'us-east-1', host: 'h' });
    const signedWithSecond = await signWireRequest(request, { credentials: second, region: 'us-east-1', host: 'h' });
    expect(await auth.verifySignature(signedWithFirst, [first])).toEqual({ ok: true });
    expect((await auth.verifySignature(signedWithFirst, [second])).ok).toBe(false);
    expect(await auth.verifySignature(signedWithSecond, [second])).toEqual({ ok: true });
    expect((await auth.verifySignature(signedWithSecond, [first])).ok).toBe(false);

    // Regions and dates chosen by whoever sends the request: each is cached, none beyond its bound.
    const limits = {
      signers: auth.SIGNER_CACHE_LIMIT,
      signingKeys: auth.SIGNING_KEY_CACHE_LIMIT,
      signingDates: auth.SIGNING_DATE_CACHE_LIMIT,
    };
    const n = Math.max(...Object.values(limits)) + 10;
    for (let i = 0; i < n; i++) {
      const signed = await signWireRequest(request, { credentials: first, region: `region-${i}`, host: 'h' });
      const date = `2024${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}0000Z`;
      expect((await auth.verifySignature({ ...signed, headers: { ...signed.headers, 'x-amz-date': date } }, [first])).ok).toBe(false);
      expect(await auth.verifySignature(signed, [first])).toEqual({ ok: true });
    }
    const sizes = auth.authCacheSizes();
    for (const [name, limit] of Object.entries(limits)) expect(sizes[name as keyof typeof sizes], name).toBeLessThanOrEqual(limit);
    expect(sizes.signers).toBe(limits.signers);

    const cache = new auth.BoundedCache<number>(2);
    let made = 0;
    for (const k of ['a', 'b', 'a', 'c', 'a']) cache.get(k, () => ++made);
    expect([cache.size, made]).toEqual([2, 4]);
  });
});

describe('the reference answers rejections without capturing stacks', () => {
  it('an HttpError carries its status, type and message, and no stack frames; the stack limit is left as it was', async () => {
    const { HttpError } = await import('../targets/reference/service.ts');
    const limit = Error.stackTraceLimit;
    const e = new HttpError(404, 'ResourceNotFoundException', 'The specified user was not found in the instance.');
    expect(e).toBeInstanceOf(Error);
    expect([e.status, e.type, e.message]).toEqual([404, 'ResourceNotFoundException', 'The specified user was not found in the instance.']);
    expect(
      String(e.stack)
        .split('\n')
        .filter((line) => line.trim().startsWith('at ')),
    ).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(String(new Error('x').stack)).toContain('\n    at ');
  });
});
