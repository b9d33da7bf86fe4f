// Members of every JSON type the model uses are generated, labelled and re-checked from the schema alone
// (UpdateUserPhoneConfig's UserPhoneConfig: an enum, two booleans, a 32-bit integer with a model minimum and a
// documented maximum, a patterned string): every value of the enum and its near misses, both booleans and every wrong
// JSON type, an integer's bounds, one past each, fractions and numbers beyond 32 bits; the combinations the material
// leaves open are observed, never sent as valid. The state the checks keep compares such values by value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberValueKey, sameMemberValue } from '../core/binding.ts';
import { createGenerators, type Case } from '../generators/index.ts';
import { loadSpec } from '../spec/index.ts';

const PHONE = {
  name: 'UpdateUserPhoneConfig',
  member: 'PhoneConfig',
  route: { method: 'POST', path: '/users/{InstanceId}/{UserId}/phone-config' },
};
const spec = await loadSpec({ binding: PHONE });
const g = createGenerators(spec, 'CONNECT_MANAGED');
const boundary = g.boundaryCases();
const phoneConfig = (c: Case) => (c.body as { PhoneConfig?: Record<string, unknown> } | undefined)?.PhoneConfig;
const named = (id: string) => boundary.filter((c) => c.requirementIds.includes(id));

describe('the boundary phase of UpdateUserPhoneConfig', () => {
  it('reaches every input requirement, and every requirement of the catalogue but those of checks', () => {
    for (const r of spec.requirements.filter((x) => x.outcome)) expect(named(r.id).length, r.id).toBeGreaterThan(0);
    for (const id of [
      'OK-ACCEPT-VALID',
      'PC-OK-PHONETYPE-VALUES',
      'PC-OK-ACW-BOUNDS',
      'PC-OK-DESKPHONE-E164',
      'PC-OBS-PHONETYPE-OMITTED',
      'PC-OBS-DESK-COMBINATIONS',
      'PC-OBS-DESKPHONE-READINGS',
    ])
      expect(named(id).length, id).toBeGreaterThan(0);
  });

  it('sends each value of the enum as valid, and near misses of each as PC-IN-PHONETYPE-ENUM', () => {
    const accepted = boundary.filter((c) => c.expected.outcome === 'accepted').map((c) => phoneConfig(c)?.PhoneType);
    expect(new Set(accepted)).toEqual(new Set(['SOFT_PHONE', 'DESK_PHONE']));
    const misses = named('PC-IN-PHONETYPE-ENUM').map((c) => phoneConfig(c)!.PhoneType);
    expect(misses).toEqual(
      expect.arrayContaining(['', 'soft_phone', ' SOFT_PHONE ', 'SOFT_PHON', 'desk_phone', ' DESK_PHONE ', 'DESK_PHON']),
    );
    for (const c of named('PC-IN-PHONETYPE-ENUM')) expect(c.requirementIds).toEqual(['PC-IN-PHONETYPE-ENUM']);
  });

  it('sends both booleans as valid and every other JSON type as a deserialization violation', () => {
    for (const member of ['AutoAccept', 'PersistentConnection']) {
      const valid = boundary
        .filter((c) => c.expected.outcome === 'accepted' && c.id.includes(`:${member}:`) && !c.id.endsWith(':absent'))
        .map((c) => phoneConfig(c)![member]);
      expect(new Set(valid)).toEqual(new Set([true, false]));
      const id = member === 'AutoAccept' ? 'PC-IN-AUTOACCEPT-TYPE' : 'PC-IN-PERSISTENTCONNECTION-TYPE';
      const wrong = named(id).map((c) => phoneConfig(c)![member]);
      expect(wrong.map((v) => (Array.isArray(v) ? 'array' : typeof v)).sort()).toEqual(['array', 'number', 'object', 'string']);
      for (const c of named(id)) expect(c.expected).toMatchObject({ outcome: 'rejected', types: 'any' });
    }
  });

  it('sends the integer at its bounds, one past each, fractions, text and numbers beyond 32 bits', () => {
    const acw = (c: Case) => phoneConfig(c)?.AfterContactWorkTimeLimit;
    expect(named('PC-OK-ACW-BOUNDS').map(acw).sort()).toEqual([0, 2_000_000]);
    expect(named('PC-IN-ACW-MIN').map(acw)).toEqual([-1]);
    expect(named('PC-IN-ACW-MAX').map(acw)).toEqual([2_000_001]);
    expect(named('PC-IN-ACW-MAX')[0]!.expected).toMatchObject({ outcome: 'rejected' });
    expect(named('PC-IN-ACW-TYPE').map(acw)).toEqual(expect.arrayContaining([1.5, 'NaN', 2 ** 31, -(2 ** 31) - 1, true]));
    // Valid integers travel through the SDK; a fraction or text only raw (the SDK's types say number).
    for (const c of named('PC-OK-ACW-BOUNDS')) expect(c.channel).toBe('sdk');
    for (const c of named('PC-IN-ACW-TYPE')) expect(c.channel).toBe('raw');
  });

  it('observes the combinations the material leaves open, never sends them as valid', () => {
    const omitted = named('PC-OBS-PHONETYPE-OMITTED');
    // JSON null counts as absent (a null-member case that nulls PhoneType observes this too).
    for (const c of omitted) {
      expect(c.expected.outcome, c.id).toBe('observed');
      expect(phoneConfig(c)?.PhoneType ?? null, c.id).toBeNull();
    }
    const desk = named('PC-OBS-DESK-COMBINATIONS').map((c) => phoneConfig(c)!);
    expect(desk).toEqual(
      expect.arrayContaining([
        expect.not.objectContaining({ DeskPhoneNumber: expect.anything() }),
        expect.objectContaining({ PhoneType: 'DESK_PHONE', AutoAccept: true }),
        expect.objectContaining({ PhoneType: 'DESK_PHONE', PersistentConnection: true }),
      ]),
    );
    const isCombination = (p: Record<string, unknown>) =>
      !('PhoneType' in p) ||
      (p.PhoneType === 'DESK_PHONE' && (!('DeskPhoneNumber' in p) || p.AutoAccept === true || p.PersistentConnection === true));
    for (const c of boundary.filter((x) => x.expected.outcome === 'accepted')) expect(isCombination(phoneConfig(c)!), c.id).toBe(false);
    // Random valid cases: observed exactly when they hold a combination; structures never do.
    for (const c of fc.sample(g.validCase, { seed: 7, numRuns: 300 }))
      expect(c.expected.outcome === 'observed', JSON.stringify(phoneConfig(c))).toBe(isCombination(phoneConfig(c)!));
    for (const p of fc.sample(g.validStructure, { seed: 7, numRuns: 300 })) expect(isCombination(p), JSON.stringify(p)).toBe(false);
  });

  it('random invalid cases of each typed requirement violate exactly it (re-checked by the oracle)', () => {
    for (const id of ['PC-IN-PHONETYPE-ENUM', 'PC-IN-ACW-TYPE', 'PC-IN-ACW-MIN', 'PC-IN-ACW-MAX', 'PC-IN-AUTOACCEPT-TYPE']) {
      const cases = fc.sample(g.invalidCaseFor(id), { seed: 3, numRuns: 40 });
      for (const c of cases) expect(c.requirementIds, c.id).toEqual([id]);
    }
    // A relabelled case is re-checked: a valid enum value labelled as a violation is caught.
    const valid = boundary.find((c) => c.expected.outcome === 'accepted')!;
    expect(() => g.recheck({ ...valid, requirementIds: ['PC-IN-PHONETYPE-ENUM'] })).toThrow(
      /labelled PC-IN-PHONETYPE-ENUM but the oracle finds/,
    );
  });
});

describe('member values compare by value', () => {
  it('sameMemberValue: the same JSON type and value, deeply', () => {
    expect(sameMemberValue(30, 30)).toBe(true);
    expect(sameMemberValue(30, '30')).toBe(false);
    expect(sameMemberValue(true, 'true')).toBe(false);
    expect(sameMemberValue(false, undefined)).toBe(false);
    expect(sameMemberValue({ a: [1, { b: true }] }, { a: [1, { b: true }] })).toBe(true);
    expect(sameMemberValue({ a: [1, { b: true }] }, { a: [1, { b: false }] })).toBe(false);
    expect(sameMemberValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('memberValueKey: equal for equal values, whatever the key order; distinct across types', () => {
    expect(memberValueKey({ b: 1, a: [true] })).toBe(memberValueKey({ a: [true], b: 1 }));
    expect(memberValueKey(30)).not.toBe(memberValueKey('30'));
    expect(memberValueKey(false)).not.toBe(memberValueKey('false'));
  });
});
