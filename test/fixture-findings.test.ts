// The fixture operations are findings, not gates (docs/contract.md B19, issue 14): every answer of DescribeUser,
// DescribeInstance, CreateUser and DeleteUser is judged by the FX- requirements with evidence; what the suite needs is
// read through what the SDK refuses; only a fixture that cannot be read at all stops the run, with a message that names
// the operation, the status and what was wrong, and a flag only when the flag is the cause. An emulator whose
// DescribeUser answers ISO-8601 timestamps and whose UpdateUserIdentityInfo validates nothing gets a verdict (exit 1),
// its FX- finding and its fixture users restored.
import { DEFAULT_BINDING } from '../operations/index.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixtureOperations, fixtureResponseVerdicts } from '../checks/fixture-responses.ts';
import type { Verdict } from '../checks/verdict.ts';
import type { Observation } from '../core/observation.ts';
import { utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';
import { readIdentity } from '../engine/fixtures.ts';
import { RESPONSE_REQUIREMENTS } from '../engine/plan.ts';
import { runConformance } from '../api/run.ts';
import type { Results } from '../engine/results.ts';
import { catalogue, defaultSpec, loadSpec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures } from '../api/reference.ts';
import { createTarget, TargetConfigError } from '../targets/index.ts';
import { ALL, BROKEN, CORRECT, judgeVariant, runVariant, SIBLINGS_BROKEN, SIBLINGS_CORRECT } from '../variants/index.ts';

const spec = await defaultSpec();
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const exec = promisify(execFile);

const fixtures = defaultFixtures();
const managed = fixtures.instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
const INSTANCE = managed[0]!.id;
const USER = managed[0]!.users[0]!.id;
const SECOND = managed[0]!.users[1]!.id;
const fixtureIds = { instanceId: INSTANCE, userId: USER, secondUserId: SECOND };

const json = (status: number, value: unknown, headers: Record<string, string> = {}): WireResponse => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...headers },
  body: utf8(JSON.stringify(value)),
});
const page = (status: number, contentType = 'text/html'): WireResponse => ({
  statusCode: status,
  headers: { 'content-type': contentType },
  body: utf8('<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>'),
});
const request = (method: string, path: string): WireRequest => ({ method, path, headers: {}, body: new Uint8Array() });
const observe = (req: WireRequest, response: WireResponse): Observation => ({ channel: 'raw', request: req, response });
const failing = (verdicts: Verdict[]) =>
  verdicts
    .filter((v) => !v.pass)
    .map((v) => v.requirementId)
    .sort();

const describeUser = request('GET', `/users/${INSTANCE}/${USER}`);
const describeInstance = request('GET', `/instance/${INSTANCE}`);
const user = {
  Id: USER,
  Arn: 'arn',
  Username: 'ada',
  IdentityInfo: { FirstName: 'Ada' },
  SecurityProfileIds: ['sp'],
  RoutingProfileId: 'rp',
  LastModifiedTime: 1_700_000_000,
};

/** The reference with some requests answered otherwise (`undefined`: the reference answers). */
function emulator(answer: (request: WireRequest) => WireResponse | undefined): WireHandler {
  const service = createReferenceService(spec, { fixtures: defaultFixtures() });
  return async (req) => answer(req) ?? service.handle(req);
}
const isDescribeUser = (r: WireRequest) => r.method === 'GET' && /^\/users\/[^/]+\/[^/]+$/.test(r.path);
const isDescribeInstance = (r: WireRequest) => r.method === 'GET' && r.path.startsWith('/instance/');

/** Runs against a module handler with the fixture flags; returns the one-line error when the run stops. */
async function stopOf(handler: WireHandler, options: { identityManagementType?: string } = {}): Promise<string> {
  const e = await runConformance({
    target: 'module',
    handler,
    fixtures: fixtureIds,
    seed: 1,
    runs: 1,
    only: ['EX-UNKNOWN-USER'],
    ...options,
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the run should stop with a TargetConfigError').toBeInstanceOf(TargetConfigError);
  const message = (e as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
}

describe('the fixture operations, as the spec describes them', () => {
  it('are every operation but the one under test, with the members the suite reads found by what they are', () => {
    const view = Object.fromEntries(fixtureOperations(spec).map((f) => [f.op.name, f.needs.map((n) => `${n.kind}:${n.path.join('.')}`)]));
    expect(view).toEqual({
      DescribeUser: ['effect:User.IdentityInfo'],
      DeleteUser: [],
      CreateUser: ['created-user-id:UserId'],
      DescribeInstance: ['identity-management-type:Instance.IdentityManagementType'],
    });
  });

  it("for another operation, DescribeUser's member the suite reads is that operation's (User.PhoneConfig)", async () => {
    const phone = await loadSpec({
      binding: {
        name: 'UpdateUserPhoneConfig',
        member: 'PhoneConfig',
        route: { method: 'POST', path: '/users/{InstanceId}/{UserId}/phone-config' },
      },
    });
    const describeNeeds = fixtureOperations(phone).find((f) => f.op.name === 'DescribeUser')!.needs;
    expect(describeNeeds.map((n) => `${n.kind}:${n.path.join('.')}`)).toEqual(['effect:User.PhoneConfig']);
  });

  it('have FX- requirements at SHOULD, judged on every response (the plan names them)', () => {
    const fx = spec.requirements.filter((r) => r.area === 'fixtures');
    expect(fx.map((r) => r.id).sort()).toEqual([
      'FX-BODY-TYPES',
      'FX-CONTENT-TYPE',
      'FX-ERROR-ENVELOPE',
      'FX-JSON-BODY',
      'FX-MEMBERS',
      'FX-STATUS',
    ]);
    for (const r of fx) {
      expect(r.level, r.id).toBe('SHOULD');
      expect(r.id, r.id).toMatch(/^FX-/);
      expect(RESPONSE_REQUIREMENTS, r.id).toContain(r.id);
    }
  });
});

describe('an answer of a fixture operation is judged', () => {
  it('a correct DescribeUser passes every check that applies', () => {
    const verdicts = fixtureResponseVerdicts(spec, observe(describeUser, json(200, { User: user })));
    expect(failing(verdicts)).toEqual([]);
    expect(verdicts.map((v) => v.requirementId).sort()).toEqual([
      'FX-BODY-TYPES',
      'FX-CONTENT-TYPE',
      'FX-JSON-BODY',
      'FX-MEMBERS',
      'FX-STATUS',
    ]);
  });

  it('an ISO-8601 timestamp is an FX-BODY-TYPES finding naming the member, its value and the model type, with the exchange as evidence', () => {
    const obs = observe(describeUser, json(200, { User: { ...user, LastModifiedTime: '2024-05-01T10:00:00.000Z' } }));
    const verdicts = fixtureResponseVerdicts(spec, obs);
    expect(failing(verdicts)).toEqual(['FX-BODY-TYPES']);
    const finding = verdicts.find((v) => !v.pass)!;
    expect(finding.evidence!.problem).toContain(
      'User.LastModifiedTime is "2024-05-01T10:00:00.000Z" (a JSON string) where the model has a number (epoch seconds)',
    );
    expect(finding.evidence!.problem).toMatch(/^DescribeUser: /);
    expect(finding.evidence!.observation).toBe(obs);
  });

  it('a DescribeInstance without IdentityManagementType is an FX-MEMBERS finding', () => {
    const verdicts = fixtureResponseVerdicts(spec, observe(describeInstance, json(200, { Instance: { Id: INSTANCE, Arn: 'arn' } })));
    expect(failing(verdicts)).toEqual(['FX-MEMBERS']);
    expect(verdicts.find((v) => !v.pass)!.evidence!.problem).toContain('Instance.IdentityManagementType is absent');
  });

  it('a JSON body served as text/html is an FX-CONTENT-TYPE finding only', () => {
    expect(
      failing(
        fixtureResponseVerdicts(spec, observe(describeUser, json(200, { User: user }, { 'content-type': 'text/html; charset=utf-8' }))),
      ),
    ).toEqual(['FX-CONTENT-TYPE']);
  });

  it('an HTML error page is an FX-ERROR-ENVELOPE and FX-CONTENT-TYPE finding; an HTML success an FX-JSON-BODY one', () => {
    expect(failing(fixtureResponseVerdicts(spec, observe(describeInstance, page(404))))).toEqual(['FX-CONTENT-TYPE', 'FX-ERROR-ENVELOPE']);
    expect(failing(fixtureResponseVerdicts(spec, observe(describeUser, page(200))))).toEqual(['FX-CONTENT-TYPE', 'FX-JSON-BODY']);
    expect(failing(fixtureResponseVerdicts(spec, observe(describeUser, page(200, 'application/json'))))).toEqual(['FX-JSON-BODY']);
  });

  it('a declared error passes; an undeclared status or type does not', () => {
    expect(
      failing(
        fixtureResponseVerdicts(
          spec,
          observe(describeUser, json(404, { message: 'no such user' }, { 'x-amzn-errortype': 'ResourceNotFoundException' })),
        ),
      ),
    ).toEqual([]);
    expect(
      failing(
        fixtureResponseVerdicts(spec, observe(describeUser, json(418, { message: 'teapot' }, { 'x-amzn-errortype': 'TeapotException' }))),
      ),
    ).toEqual(['FX-ERROR-ENVELOPE', 'FX-STATUS']);
  });

  it('judges nothing of the operation under test (its envelope is the ERR- requirements)', () => {
    expect(fixtureResponseVerdicts(spec, observe(request('POST', `/users/${INSTANCE}/${USER}/identity-info`), page(500)))).toEqual([]);
  });
});

describe('what the suite needs is read through what the SDK refuses', () => {
  it('reads the identity info of a DescribeUser answer whose timestamp the SDK refuses, and records the finding', async () => {
    const handler = emulator((r) =>
      isDescribeUser(r)
        ? json(200, {
            User: {
              ...user,
              IdentityInfo: { FirstName: 'Ada', LastName: 'Lovelace', Nickname: 'not a member' },
              LastModifiedTime: '2024-05-01T10:00:00Z',
            },
          })
        : undefined,
    );
    const target = await createTarget(spec, { kind: 'module', region: 'us-east-1', handler });
    const sink: Verdict[] = [];
    const read = await readIdentity(spec, DEFAULT_BINDING, target, INSTANCE, USER, (...v) => sink.push(...v));
    expect(read.observation.sdk?.ok, 'the SDK refuses this answer').toBe(false);
    // Read as the SDK reads a body it accepts: the members the model defines.
    expect(read.info).toEqual({ FirstName: 'Ada', LastName: 'Lovelace' });
    expect(read.problem).toBeUndefined();
    expect(failing(sink)).toEqual(['FX-BODY-TYPES']);
  });
});

describe('a fixture that cannot be read stops the run with the cause, never a guess about the flags', () => {
  it('a user that does not exist: 404 ResourceNotFoundException, check fixtures.userId (--user-id on the command line)', async () => {
    const other = await stopOf(
      emulator((r) =>
        isDescribeUser(r) && r.path.endsWith(USER)
          ? json(404, { message: 'User not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' })
          : undefined,
      ),
    );
    expect(other).toMatch(/DescribeUser of user .* answered 404 ResourceNotFoundException application\/json/);
    expect(other).toContain('check fixtures.userId');
  }, 60_000);

  it('403: the credentials or the clock, no fixture flag', async () => {
    const message = await stopOf(
      emulator((r) =>
        isDescribeUser(r)
          ? json(
              403,
              { message: 'The security token included in the request is invalid.' },
              { 'x-amzn-errortype': 'UnrecognizedClientException' },
            )
          : undefined,
      ),
    );
    expect(message).toMatch(/DescribeUser .* answered 403 UnrecognizedClientException/);
    expect(message).toMatch(/credentials/);
    expect(message).not.toMatch(/userId|instanceId/);
  });

  it('a body that is not JSON: not a Connect endpoint', async () => {
    const message = await stopOf(emulator((r) => (isDescribeUser(r) ? page(200) : undefined)));
    expect(message).toMatch(
      /DescribeUser .* answered 200 text\/html, \d+ bytes: the body is not JSON \("<!DOCTYPE html>.*\): this is not a Connect endpoint/,
    );
    expect(message).not.toMatch(/userId|instanceId/);
  });

  it('a DescribeInstance without IdentityManagementType names the member; the type can be given with identityManagementType, and then the run goes on', async () => {
    const handler = () => emulator((r) => (isDescribeInstance(r) ? json(200, { Instance: { Id: INSTANCE, Arn: 'arn' } }) : undefined));
    const message = await stopOf(handler());
    expect(message).toMatch(
      /DescribeInstance of instance .* answered 200 application\/json, \d+ bytes: Instance\.IdentityManagementType is absent; .*give it with identityManagementType: '[A-Z_]+' or '[A-Z_]+' or '[A-Z_]+'$/,
    );
    const results = await runConformance({
      target: 'module',
      handler: handler(),
      fixtures: fixtureIds,
      identityManagementType: 'CONNECT_MANAGED',
      seed: 1,
      runs: 1,
      only: ['EX-UNKNOWN-USER', 'FX-MEMBERS'],
    });
    expect(results.requirements.find((r) => r.id === 'EX-UNKNOWN-USER')?.status).toBe('pass');
    expect(results.fixtures.every((f) => f.restored)).toBe(true);
  });

  it('a DescribeInstance the target does not have (an HTML 404) names it; with the type given, it is a finding', async () => {
    const handler = () => emulator((r) => (isDescribeInstance(r) ? page(404) : undefined));
    const message = await stopOf(handler());
    expect(message).toMatch(
      /DescribeInstance .* answered 404 text\/html, \d+ bytes: a 404 that is not a Connect error \(the body is not JSON: .*\): the target does not implement DescribeInstance; .*identityManagementType/,
    );
    const results = await runConformance({
      target: 'module',
      handler: handler(),
      fixtures: fixtureIds,
      identityManagementType: 'CONNECT_MANAGED',
      seed: 1,
      runs: 1,
      only: ['EX-UNKNOWN-USER', 'FX-ERROR-ENVELOPE'],
    });
    const finding = results.requirements.find((r) => r.id === 'FX-ERROR-ENVELOPE')!;
    expect(finding.status).toBe('fail');
    expect(finding.failures[0]!.response?.body).toContain('<!DOCTYPE html>');
    expect(finding.failures[0]!.request?.path).toBe(`/instance/${INSTANCE}`);
  });
});

describe('the variants whose siblings deviate', () => {
  it('are registered (correct-except-siblings among CORRECT, the broken ones among BROKEN), each naming FX- findings at SHOULD', () => {
    const cat = catalogue(spec);
    for (const v of SIBLINGS_CORRECT) expect(CORRECT, v.name).toContain(v);
    for (const v of SIBLINGS_BROKEN) expect(BROKEN, v.name).toContain(v);
    expect(SIBLINGS_CORRECT.length).toBeGreaterThanOrEqual(4);
    for (const v of ALL.filter((x) => x.findings)) {
      for (const id of v.findings!) {
        expect(id, v.name).toMatch(/^FX-/);
        expect(cat.get(id).level, `${v.name}: ${id}`).toBe('SHOULD');
      }
    }
  });

  it.each(SIBLINGS_CORRECT)(
    '$name gets its findings and passes its MUSTs',
    async (variant) => {
      const run = await runVariant(variant, { seed: 42, runs: 3 });
      const judgement = await judgeVariant(variant, run);
      expect(judgement.ok, `${judgement.summary}\n${judgement.failures.join('\n')}`).toBe(true);
      for (const id of variant.findings!) {
        const r = run.results.requirements.find((x) => x.id === id)!;
        expect(r.status, id).toBe('fail');
        // Evidence: the raw request and response of the answer that deviated.
        expect(r.failures[0]!.request?.method, id).toBe('GET');
        expect(r.failures[0]!.response?.status, id).toBeGreaterThan(0);
      }
      expect(run.results.summary.must.failed).toBe(0);
      expect(run.results.fixtures.every((f) => f.restored)).toBe(true);
    },
    120_000,
  );
});

describe('done when: an emulator with ISO timestamps in DescribeUser and no validation gets a verdict', () => {
  const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;

  it('exits 1 (not 2) with the validation requirements failing, an FX- finding for the timestamp and the fixture users restored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-siblings-'));
    const args = [
      'run',
      '--target',
      'module',
      '--module',
      'test/fixtures/module-siblings.ts',
      '--instance-id',
      INSTANCE,
      '--user-id',
      USER,
      '--second-user-id',
      SECOND,
      '--seed',
      '7',
      '--runs',
      '2',
      '--report-dir',
      dir,
    ];
    let code = 0;
    let stderr = '';
    try {
      await exec(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, VARIANT: 'iso-timestamps-and-no-validation' },
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      code = (e as { code: number }).code;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(code, stderr).toBe(1);
    const res = results(dir);
    const status = (id: string) => res.requirements.find((r) => r.id === id)?.status;
    for (const id of ['IN-FIRSTNAME-MAXLEN', 'IN-IDENTITYINFO-REQUIRED', 'IN-MOBILE-PATTERN', 'SRV-NO-5XX'])
      expect(status(id), id).toBe('fail');
    const finding = res.requirements.find((r) => r.id === 'FX-BODY-TYPES')!;
    expect(finding.status).toBe('fail');
    expect(finding.level).toBe('SHOULD');
    expect(finding.failures[0]!.problem).toMatch(
      /User\.LastModifiedTime is "\d{4}-\d\d-\d\dT[^"]+" \(a JSON string\) where the model has a number/,
    );
    expect(finding.failures[0]!.response?.body).toContain('"LastModifiedTime":"');
    expect(res.summary.verdict).toBe('not conformant');
    expect(res.fixtures.length).toBe(2);
    expect(
      res.fixtures.every((f) => f.restored),
      JSON.stringify(res.fixtures),
    ).toBe(true);
  }, 240_000);
});
