// --target aws, operation UpdateUserPhoneConfig, against the project's own server (the reference of that operation on
// 127.0.0.1, counting every request): the sandbox policy and the guard hold for the second operation as for the first.
// The run writes only its own fixture users, stays within its budget, sends no desk phone number and no whole number
// that could ring anyone (docs/contract-phone-config.md P12), and puts every fixture's whole PhoneConfig back. The guard
// bound to the operation refuses its route to a user the run does not own, and a number that is not fictional.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateUserPhoneConfigCommand } from '@aws-sdk/client-connect';
import { bodyProblems } from '../core/safe-values.ts';
import { utf8 } from '../core/wire.ts';
import type { Results } from '../engine/results.ts';
import { UPDATE_USER_PHONE_CONFIG } from '../operations/index.ts';
import { specOf, type Spec } from '../spec/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { cleanup } from '../bin/cleanup.ts';
import { isUserError } from '../core/errors.ts';
import { SendStopped } from '../targets/stop.ts';
import {
  fixtureFlags,
  IDS,
  readJson,
  runQuietly,
  sandboxFlags,
  startCountingServer,
  useExampleCredentials,
  writesOutside,
  type CountingServer,
} from './aws-server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cc-aws-phone-'));
useExampleCredentials(tmp);
let spec: Spec;
let server: CountingServer;
let results: Results;
let code: number;
const BUDGET = 120;

beforeAll(async () => {
  spec = await specOf(UPDATE_USER_PHONE_CONFIG);
  server = await startCountingServer(spec, { binding: UPDATE_USER_PHONE_CONFIG });
  const dir = join(tmp, 'run');
  ({ code } = await runQuietly([
    ...sandboxFlags(server, fixtureFlags),
    '--operation',
    'UpdateUserPhoneConfig',
    '--identity-management',
    'CONNECT_MANAGED',
    '--max-requests',
    String(BUDGET),
    '--rate',
    '50',
    '--burst',
    '10',
    '--seed',
    '5',
    '--report-dir',
    dir,
  ]));
  results = readJson<Results>(join(dir, 'results.json'));
}, 240_000);
afterAll(() => server.close());

describe('a sandbox run of UpdateUserPhoneConfig', () => {
  it('tests that operation, within its budget, and ends with every fixture restored', () => {
    expect(results.spec.operation).toBe('UpdateUserPhoneConfig');
    expect(server.arrivals.length).toBeLessThanOrEqual(BUDGET);
    expect(server.writes().some((w) => w.path.endsWith('/phone-config'))).toBe(true);
    expect(results.fixtures.length).toBeGreaterThan(0);
    expect(results.fixtures.every((f) => f.restored)).toBe(true);
    // Every member each fixture held before the run (the reference's users start as a soft phone that accepts nothing)
    // holds its value again. A member it did not hold cannot be removed through this operation (a JSON null counts as
    // absent; docs/contract-phone-config.md P12): what the run may leave there is a value that rings no one.
    for (const id of [IDS.user, IDS.secondUser]) {
      const user = server.service.store.instances.get(IDS.instance)!.users.get(id)!;
      expect(user.PhoneConfig).toMatchObject({ PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 });
      expect(bodyProblems(JSON.stringify(user.PhoneConfig))).toEqual([]);
    }
    expect([0, 1]).toContain(code);
  });

  it('writes only to its own fixture users and instances', () => {
    expect(writesOutside(server, [IDS.instance, IDS.secondInstance, IDS.user, IDS.secondUser])).toEqual([]);
  });

  it('sends no number that could ring anyone: desk phone numbers and whole numbers alike', () => {
    const writes = server.writes();
    expect(writes.some((w) => /"DeskPhoneNumber"/.test(w.body))).toBe(true);
    for (const w of writes) expect(bodyProblems(w.body), w.body).toEqual([]);
  });
});

describe('the journal of a run of UpdateUserPhoneConfig', () => {
  it('names the operation; cleanup restores its snapshots with its restore; a run of another operation refuses to', async () => {
    const ran = JSON.parse(readFileSync(join(tmp, 'run', 'journal.json'), 'utf8')) as { operation?: string };
    expect(ran.operation).toBe('UpdateUserPhoneConfig');
    // An unfinished journal: a snapshot of a fixture's PhoneConfig that was never restored.
    const dir = join(tmp, 'unfinished');
    mkdirSync(dir, { recursive: true });
    const snapshot = { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 45 };
    const at = new Date().toISOString();
    writeFileSync(
      join(dir, 'journal.json'),
      JSON.stringify({
        version: 1,
        runId: 'test',
        pid: 1,
        startedAt: at,
        target: { kind: 'aws', region: 'us-east-1', endpointUrl: server.endpoint },
        allowInstances: [IDS.instance],
        operation: 'UpdateUserPhoneConfig',
        entries: [
          {
            kind: 'snapshot',
            instanceId: IDS.instance,
            userId: IDS.user,
            identityManagementType: 'CONNECT_MANAGED',
            identityInfo: snapshot,
            at,
          },
        ],
      }),
    );
    // A run of UpdateUserIdentityInfo in that folder does not put back another operation's snapshot.
    const refused = await runQuietly([...sandboxFlags(server, fixtureFlags), '--report-dir', dir]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /an earlier run of UpdateUserPhoneConfig, not UpdateUserIdentityInfo; run connect-conformance cleanup/,
    );
    // cleanup puts it back with UpdateUserPhoneConfig's restore.
    const user = server.service.store.instances.get(IDS.instance)!.users.get(IDS.user)!;
    user.PhoneConfig.AfterContactWorkTimeLimit = 999;
    expect(await cleanup(['--report-dir', dir])).toBe(0);
    expect(user.PhoneConfig.AfterContactWorkTimeLimit).toBe(45);
  });
});

describe('the guard bound to UpdateUserPhoneConfig', () => {
  const guard = () =>
    new Guard({
      allowInstances: [IDS.instance],
      fixtureUsers: [IDS.user],
      journal: { covers: () => true, coversCreate: () => true },
      binding: UPDATE_USER_PHONE_CONFIG,
    });
  const post = (user: string, body: unknown, route = 'phone-config') => ({
    method: 'POST',
    path: `/users/${IDS.instance}/${user}/${route}`,
    headers: {},
    body: utf8(JSON.stringify(body)),
  });
  const refusal = (request: ReturnType<typeof post>) => {
    try {
      guard().check(request);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(SendStopped);
      return (e as Error).message;
    }
  };

  it('lets its route through to an owned user with a fictional number, and nothing else', () => {
    expect(refusal(post(IDS.user, { PhoneConfig: { PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+15555550100' } }))).toBeUndefined();
    expect(refusal(post(IDS.secondUser, { PhoneConfig: { PhoneType: 'SOFT_PHONE' } }))).toMatch(/./);
    expect(refusal(post(IDS.user, { PhoneConfig: { PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+12125551234' } }))).toMatch(
      /not reserved for fiction/,
    );
    expect(refusal(post(IDS.user, { PhoneConfig: { AfterContactWorkTimeLimit: 2000000 } }))).toMatch(/not reserved for fiction/);
    // The other operation's route is not this run's operation.
    expect(refusal(post(IDS.user, { IdentityInfo: { FirstName: 'Zoë' } }, 'identity-info'))).toMatch(
      /none of the operations the suite sends/,
    );
  });

  it("restores a fixture's whole PhoneConfig with one UpdateUserPhoneConfig", () => {
    const command = UPDATE_USER_PHONE_CONFIG.restore(
      { InstanceId: IDS.instance, UserId: IDS.user },
      {
        PhoneType: 'DESK_PHONE',
        DeskPhoneNumber: '+15555550100',
        AutoAccept: false,
        AfterContactWorkTimeLimit: 30,
        PersistentConnection: false,
      },
    );
    expect(command).toBeInstanceOf(UpdateUserPhoneConfigCommand);
    expect((command as UpdateUserPhoneConfigCommand).input).toEqual({
      InstanceId: IDS.instance,
      UserId: IDS.user,
      PhoneConfig: {
        PhoneType: 'DESK_PHONE',
        DeskPhoneNumber: '+15555550100',
        AutoAccept: false,
        AfterContactWorkTimeLimit: 30,
        PersistentConnection: false,
      },
    });
  });
});
