// The second operation's facts, once: spec/connect.openapi.yaml lists UpdateUserPhoneConfig as an operation under
// test beside UpdateUserIdentityInfo, with the siblings described once; spec/requirements.yaml holds the generic
// requirements (no `operations`: every operation) and each operation's own. A spec is loaded for one operation (its
// binding names it): it holds that operation and the siblings, its members of every JSON type the model uses (string,
// enum, boolean, integer), their constraints, and the requirements of that operation only. The validator judges each
// member type (docs/contract-phone-config.md P2-P6).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogue, createValidator, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, loadSpec, SpecError, type Spec } from '../spec/index.ts';

type Json = Record<string, unknown>;
const RAW_DOCUMENT = parse(readFileSync(DEFAULT_DOCUMENT, 'utf8')) as Json;
const RAW_REQUIREMENTS = parse(readFileSync(DEFAULT_REQUIREMENTS, 'utf8')) as Json;
const PHONE = {
  name: 'UpdateUserPhoneConfig',
  member: 'PhoneConfig',
  route: { method: 'POST', path: '/users/{InstanceId}/{UserId}/phone-config' },
};

const phone: Spec = await loadSpec({ binding: PHONE });
const identity: Spec = await loadSpec();
const listOf = (reqs: Json) => reqs.requirements as Json[];

describe('the spec of UpdateUserPhoneConfig', () => {
  it('holds the operation and the siblings, described once; not the other operation under test', () => {
    expect(phone.operation.name).toBe('UpdateUserPhoneConfig');
    expect(phone.operation).toMatchObject({ method: 'POST', pathTemplate: PHONE.route.path, successStatus: 200 });
    expect(Object.keys(phone.operations).sort()).toEqual([
      'CreateUser',
      'DeleteUser',
      'DescribeInstance',
      'DescribeUser',
      'UpdateUserPhoneConfig',
    ]);
    expect(Object.keys(identity.operations)).not.toContain('UpdateUserPhoneConfig');
    // The siblings are the same objects' descriptions: one path each in the document.
    expect(phone.operations.DescribeUser).toEqual(identity.operations.DescribeUser);
    expect(phone.operation.errors.map((e) => e.type).sort()).toEqual(identity.operation.errors.map((e) => e.type).sort());
  });

  it('reads the members of every type the model uses, as the 2026 model states them', () => {
    expect(phone.effectMember).toBe('PhoneConfig');
    const byName = Object.fromEntries(phone.members.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual([
      'PhoneType',
      'AutoAccept',
      'AfterContactWorkTimeLimit',
      'DeskPhoneNumber',
      'PersistentConnection',
    ]);
    expect(byName.PhoneType).toMatchObject({ type: 'string', enum: ['SOFT_PHONE', 'DESK_PHONE'] });
    expect(byName.AutoAccept).toMatchObject({ type: 'boolean' });
    expect(byName.PersistentConnection).toMatchObject({ type: 'boolean' });
    expect(byName.AfterContactWorkTimeLimit).toMatchObject({ type: 'integer', format: 'int32', minimum: 0, documentedMaximum: 2_000_000 });
    expect(byName.AfterContactWorkTimeLimit!.maximum).toBeUndefined();
    expect(byName.DeskPhoneNumber).toMatchObject({ type: 'string', sensitive: true, readingsKeyword: 'pattern' });
    expect(byName.DeskPhoneNumber!.readings.map((r) => r.reading)).toEqual(['anchored', 'model-literal']);
    // None is required (PhoneType was until botocore 1.42.46): no per-type rule either.
    for (const type of phone.identityManagementTypes)
      expect(phone.typeRules[type]).toEqual({ constraints: {}, forbidden: [], required: [], omissionObserved: [] });
  });

  it('has a constraint for every keyword of every member, each claimed by one requirement of this operation', () => {
    const addresses = phone.constraints.map((c) => c.address);
    for (const a of [
      'PhoneConfig.required',
      'PhoneConfig.type',
      'PhoneConfig.PhoneType.enum',
      'PhoneConfig.AutoAccept.type',
      'PhoneConfig.AfterContactWorkTimeLimit.format',
      'PhoneConfig.AfterContactWorkTimeLimit.minimum',
      'PhoneConfig.AfterContactWorkTimeLimit.x-documented-maximum',
      'PhoneConfig.DeskPhoneNumber.pattern',
      'PhoneConfig.PersistentConnection.type',
    ])
      expect(addresses).toContain(a);
    const cat = catalogue(phone);
    for (const a of addresses) expect(cat.claiming(a).id, a).toMatch(/^(IN-|PC-IN-)/);
    expect(cat.claiming('PhoneConfig.AfterContactWorkTimeLimit.x-documented-maximum').level).toBe('SHOULD');
    expect(cat.recordingAmbiguity('PhoneConfig.DeskPhoneNumber.pattern').id).toBe('PC-OBS-DESKPHONE-READINGS');
  });

  it('has the generic requirements once and its own, and none of the other operation', () => {
    const ids = phone.requirements.map((r) => r.id);
    const generic = listOf(RAW_REQUIREMENTS)
      .filter((r) => !r.operations)
      .map((r) => String(r.id));
    const own = listOf(RAW_REQUIREMENTS)
      .filter((r) => (r.operations as string[] | undefined)?.includes('UpdateUserPhoneConfig'))
      .map((r) => String(r.id));
    expect(ids).toEqual([...generic, ...own]);
    expect(own.length).toBeGreaterThanOrEqual(10);
    expect(ids).not.toContain('IN-MOBILE-PATTERN');
    expect(identity.requirements.map((r) => r.id)).not.toContain('PC-IN-ACW-MIN');
    for (const id of [
      'RB-READBACK',
      'NL-REJECTED-UNCHANGED',
      'ERR-TYPE-DECLARED',
      'SRV-NO-5XX',
      'AUTH-UNSIGNED',
      'THR-WRITE-UNCHANGED',
      'EX-UNKNOWN-USER',
    ])
      expect(ids).toContain(id);
    // A generic requirement names the operation's member where it names one.
    expect(phone.requirements.find((r) => r.id === 'NL-REJECTED-UNCHANGED')!.title).toBe(
      'A rejected request leaves the stored PhoneConfig unchanged',
    );
    expect(identity.requirements.find((r) => r.id === 'NL-REJECTED-UNCHANGED')!.title).toBe(
      'A rejected request leaves the stored IdentityInfo unchanged',
    );
    expect(phone.requirements.find((r) => r.id === 'PC-IN-PHONETYPE-ENUM')!.title).toBe(
      'A PhoneType other than SOFT_PHONE, DESK_PHONE is rejected with 400',
    );
  });
});

describe('loading fails closed', () => {
  it('a binding of an operation the document does not list under test', async () => {
    await expect(
      loadSpec({ binding: { ...PHONE, name: 'DescribeUser', route: { method: 'GET', path: '/users/{InstanceId}/{UserId}' } } }),
    ).rejects.toThrow(
      /x-operation-under-test: does not list DescribeUser, the operation of the binding \(it lists UpdateUserIdentityInfo, UpdateUserPhoneConfig\)/,
    );
  });

  it('a requirement whose operations name an operation not under test', async () => {
    const reqs = structuredClone(RAW_REQUIREMENTS);
    listOf(reqs).find((r) => r.id === 'PC-OK-ACW-BOUNDS')!.operations = ['UpdateUserPhoneConfiguration'];
    await expect(loadSpec({ binding: PHONE, requirements: reqs })).rejects.toThrow(
      /\(PC-OK-ACW-BOUNDS\): operations names UpdateUserPhoneConfiguration, which is not an operation under test/,
    );
  });

  it('a constraint of the phone configuration no requirement claims', async () => {
    const reqs = structuredClone(RAW_REQUIREMENTS);
    reqs.requirements = listOf(reqs).filter((r) => r.id !== 'PC-IN-ACW-MIN');
    await expect(loadSpec({ binding: PHONE, requirements: reqs })).rejects.toThrow(
      /no requirement claims the constraint\(s\) PhoneConfig\.AfterContactWorkTimeLimit\.minimum/,
    );
  });

  it('a member of a type the code does not understand, or a keyword its type does not take', async () => {
    const doc = structuredClone(RAW_DOCUMENT);
    const props = ((doc.components as Json).schemas as Record<string, Json>).UserPhoneConfig!.properties as Record<string, Json>;
    props.AutoAccept = { type: 'number' };
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(SpecError);
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(
      /UserPhoneConfig\/properties\/AutoAccept: a member must be of type string, boolean, integer \(found "number"\)/,
    );
    props.AutoAccept = { type: 'boolean', minimum: 0 };
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(/minimum not understood on a member of type boolean/);
  });

  it('an observed combination no requirement observes, or of a member or value the structure lacks', async () => {
    const reqs = structuredClone(RAW_REQUIREMENTS);
    delete listOf(reqs).find((r) => r.id === 'PC-OBS-DESK-COMBINATIONS')!.observes;
    await expect(loadSpec({ binding: PHONE, requirements: reqs })).rejects.toThrow(
      /no requirement observes the combination\(s\) PhoneConfig\.x-observed-combinations\.desk-phone/,
    );
    const doc = structuredClone(RAW_DOCUMENT);
    const combinations = ((doc.components as Json).schemas as Record<string, Json>).UserPhoneConfig!['x-observed-combinations'] as Record<
      string,
      Json[]
    >;
    combinations['desk-phone']![0] = { equals: { PhoneType: 'HARD_PHONE' } };
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(
      /"HARD_PHONE" is not a value of PhoneType \(string: SOFT_PHONE, DESK_PHONE\)/,
    );
    combinations['desk-phone']![0] = { absent: ['Extension'] };
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(/Extension is not a member of PhoneConfig/);
  });

  it('an acceptance requirement that accepts what is not a constraint of a member', async () => {
    const reqs = structuredClone(RAW_REQUIREMENTS);
    listOf(reqs).find((r) => r.id === 'PC-OK-ACW-BOUNDS')!.accepts = ['PhoneConfig.AfterContactWorkTimeLimit.maximum'];
    await expect(loadSpec({ binding: PHONE, requirements: reqs })).rejects.toThrow(
      /\(PC-OK-ACW-BOUNDS\): accepts PhoneConfig\.AfterContactWorkTimeLimit\.maximum, which is not a constraint of a member/,
    );
  });

  it('a documented maximum outside the model bounds, or not a whole number', async () => {
    const doc = structuredClone(RAW_DOCUMENT);
    const acw = (((doc.components as Json).schemas as Record<string, Json>).UserPhoneConfig!.properties as Record<string, Json>)
      .AfterContactWorkTimeLimit!;
    acw['x-documented-maximum'] = 2 ** 31;
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(
      /x-documented-maximum: must lie within the model's bounds 0\.\.2147483647/,
    );
    acw['x-documented-maximum'] = 2.5;
    await expect(loadSpec({ binding: PHONE, document: doc })).rejects.toThrow(/x-documented-maximum: must be a whole number/);
  });
});

describe('the validator judges every member type', () => {
  const validator = createValidator(phone);
  const cat = catalogue(phone);
  const judged = (body: unknown) =>
    cat.requirementsOf(validator.validate('UpdateUserPhoneConfig', { labels: { InstanceId: 'i', UserId: 'u' }, body }));

  it.each([
    [{ PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0, PersistentConnection: true }, []],
    [{ PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+15555550100', AfterContactWorkTimeLimit: 2_000_000 }, []],
    [{ PhoneType: 'soft_phone' }, ['PC-IN-PHONETYPE-ENUM']],
    [{ PhoneType: '' }, ['PC-IN-PHONETYPE-ENUM']],
    // A value of the wrong JSON type fails its type only (deserialization comes first), not the enum too.
    [{ PhoneType: 5 }, ['PC-IN-PHONETYPE-TYPE']],
    [{ AutoAccept: 'true' }, ['PC-IN-AUTOACCEPT-TYPE']],
    [{ PersistentConnection: 0 }, ['PC-IN-PERSISTENTCONNECTION-TYPE']],
    [{ AfterContactWorkTimeLimit: -1 }, ['PC-IN-ACW-MIN']],
    [{ AfterContactWorkTimeLimit: 1.5 }, ['PC-IN-ACW-TYPE']],
    [{ AfterContactWorkTimeLimit: 'NaN' }, ['PC-IN-ACW-TYPE']],
    [{ AfterContactWorkTimeLimit: 2 ** 31 }, ['PC-IN-ACW-TYPE']],
    // Below -2^31 it is not an int32 at all: its minimum is not judged.
    [{ AfterContactWorkTimeLimit: -(2 ** 31) - 1 }, ['PC-IN-ACW-TYPE']],
    [{ AfterContactWorkTimeLimit: 2 ** 31 - 1 }, ['PC-IN-ACW-MAX']],
    [{ AfterContactWorkTimeLimit: 2_000_001 }, ['PC-IN-ACW-MAX']],
    [{ DeskPhoneNumber: 15555550100 }, ['PC-IN-DESKPHONE-TYPE']],
    [{ DeskPhoneNumber: '+05555550100' }, ['PC-IN-DESKPHONE-PATTERN']],
  ])('PhoneConfig %j violates %j', (phoneConfig, violated) => {
    expect(judged({ PhoneConfig: phoneConfig })).toEqual({ violated, ambiguous: [] });
  });

  it('a value the readings of the pattern disagree on is ambiguous; a missing or non-object PhoneConfig is a violation', () => {
    expect(judged({ PhoneConfig: { DeskPhoneNumber: 'abc+15555550100' } })).toEqual({
      violated: [],
      ambiguous: ['PC-OBS-DESKPHONE-READINGS'],
    });
    expect(judged({})).toEqual({ violated: ['PC-IN-PHONECONFIG-REQUIRED'], ambiguous: [] });
    expect(judged({ PhoneConfig: null })).toEqual({ violated: ['PC-IN-PHONECONFIG-REQUIRED'], ambiguous: [] });
    expect(judged({ PhoneConfig: [] })).toEqual({ violated: ['PC-IN-PHONECONFIG-TYPE'], ambiguous: [] });
  });
});
