// The generators hold no facts: a modified copy of the spec gives different cases with no other edit, and a spec
// the generators cannot honour makes them refuse to start rather than mislabel cases.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { catalogue, createValidator, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, defaultSpec, loadSpec, type Spec } from '../spec/index.ts';
import { boundaryCases, createGenerators, type Case } from '../generators/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the spec's YAML, read by key path where the test knows the shape.
type Json = Record<string, any>;
const readYaml = (file: string): Json => parseYaml(readFileSync(file, 'utf8')) as Json;
const identitySchema = (doc: Json) => doc.components.schemas.UserIdentityInfo;

/** FirstName up to 40 code points, Mobile restricted to UK numbers (+44 and ten digits). */
async function modifiedSpec(): Promise<Spec> {
  const doc = readYaml(DEFAULT_DOCUMENT);
  const members = identitySchema(doc).properties;
  members.FirstName.maxLength = 40;
  members.Mobile.pattern = '^\\+44\\d{10}$';
  members.Mobile['x-pattern-readings'] = [
    { reading: 'anchored', pattern: '^\\+44\\d{10}$' },
    { reading: 'model-literal', pattern: '\\+44\\d{10}$' },
  ];
  return loadSpec({ document: doc });
}

const identityOf = (c: Case) => ((c.body ?? {}) as Record<string, Record<string, unknown>>).IdentityInfo ?? {};
const firstNameLengths = (cases: Case[], pick: (c: Case) => boolean) =>
  [
    ...new Set(
      cases
        .filter((c) => pick(c) && typeof identityOf(c).FirstName === 'string')
        .map((c) => [...(identityOf(c).FirstName as string)].length),
    ),
  ].sort((a, b) => a - b);
const mobiles = (cases: Case[], pick: (c: Case) => boolean) =>
  cases.filter((c) => pick(c) && typeof identityOf(c).Mobile === 'string').map((c) => identityOf(c).Mobile as string);

const spec = await defaultSpec();
const modified = await modifiedSpec();

describe('a modified spec', () => {
  const before = boundaryCases(spec, 'SAML');
  const after = boundaryCases(modified, 'SAML');
  const isValidFirstName = (c: Case) => c.kind === 'valid' && c.id.startsWith('boundary:valid:FirstName:');
  const isFirstNameMax = (c: Case) => c.requirementIds.includes('IN-FIRSTNAME-MAXLEN');

  it('moves the FirstName bounds of the boundary phase from 255 to 40', () => {
    expect(firstNameLengths(before, isValidFirstName)).toEqual([0, 1, 254, 255]);
    expect(firstNameLengths(after, isValidFirstName)).toEqual([0, 1, 39, 40]);
    expect(firstNameLengths(before, isFirstNameMax)).toEqual([256]);
    expect(firstNameLengths(after, isFirstNameMax)).toEqual([41]);
    expect(after.find((c) => c.id === 'boundary:valid:FirstName:len-40:astral')?.requirementIds).toEqual(
      expect.arrayContaining(['OK-MODEL-BOUNDS', 'OK-LENGTH-CODEPOINTS']),
    );
    expect(catalogue(modified).get('IN-FIRSTNAME-MAXLEN').title).toContain('40');
  });

  it('builds Mobile values from the new readings, and violations that both new readings reject', () => {
    const uk = /^\+44\d{10}$/;
    const valid = (c: Case) => c.kind === 'valid';
    const violating = (c: Case) => c.requirementIds.includes('IN-MOBILE-PATTERN');
    expect(mobiles(before, valid).every((m) => uk.test(m))).toBe(false);
    expect(mobiles(after, valid).length).toBeGreaterThan(0);
    expect(mobiles(after, valid).every((m) => uk.test(m))).toBe(true);
    const lengths = mobiles(after, violating).map((m) => m.length);
    expect(lengths).toEqual(expect.arrayContaining([12, 14]));
    for (const m of mobiles(after, violating)) expect(/\+44\d{10}$/.test(m) || uk.test(m), m).toBe(false);
  });

  it('gives random cases within the new bounds, each still honest under the modified spec', () => {
    const g = createGenerators(modified, 'SAML');
    const validator = createValidator(modified);
    fc.assert(
      fc.property(g.validCase, (c) => {
        const identity = identityOf(c);
        if (typeof identity.FirstName === 'string') expect([...identity.FirstName].length).toBeLessThanOrEqual(40);
        if (typeof identity.Mobile === 'string') expect(identity.Mobile).toMatch(/^\+44\d{10}$/);
        expect(validator.validate(modified.operation.name, { labels: c.labels, body: c.body }, 'SAML').violations).toEqual([]);
      }),
      { seed: 5, numRuns: 40 },
    );
  });
});

describe('observations found from the spec', () => {
  /** Mobile with two readings that accept exactly the same values. */
  async function equivalentReadings(): Promise<Spec> {
    const doc = readYaml(DEFAULT_DOCUMENT);
    identitySchema(doc).properties.Mobile['x-pattern-readings'] = [
      { reading: 'anchored', pattern: '^\\+[1-9]\\d{1,14}$' },
      { reading: 'ascii-digits', pattern: '^\\+[1-9][0-9]{1,14}$' },
    ];
    return loadSpec({ document: doc });
  }

  it('finds the value on which readings disagree by searching edits of valid values; where they never disagree, says so and makes no case', async () => {
    const same = await equivalentReadings();
    for (const type of same.identityManagementTypes) {
      const g = createGenerators(same, type);
      const mobile = g.readingSearches.find((x) => x.requirementId === 'OBS-MOBILE-READINGS');
      expect(mobile).toMatchObject({ found: false, member: 'Mobile', address: 'IdentityInfo.Mobile.pattern' });
      expect(mobile!.found ? '' : mobile!.reason).toMatch(/the readings agree on every prefix, suffix, surround edit/);
      expect(mobile!.tried).toBeGreaterThan(10);
      expect(g.readingSearches.find((x) => x.requirementId === 'OBS-SECONDARYEMAIL-READINGS')).toMatchObject({ found: true });
      expect(g.boundaryCases().filter((c) => c.requirementIds.includes('OBS-MOBILE-READINGS'))).toEqual([]);
      expect(g.boundaryCases().filter((c) => c.requirementIds.includes('OBS-SECONDARYEMAIL-READINGS'))).toHaveLength(1);
      expect(g.observedRequirementIds).not.toContain('OBS-MOBILE-READINGS');
      expect(() => g.arbitrary('observed:OBS-MOBILE-READINGS')).toThrow(
        /no case observes OBS-MOBILE-READINGS for .*: the readings agree .*value\(s\) tried/,
      );
      expect(fc.sample(g.wireCase, { seed: 9, numRuns: 60 }).some((c) => c.requirementIds.includes('OBS-MOBILE-READINGS'))).toBe(false);
    }
    // The same search on the real spec finds the contract's example shape for Mobile.
    const real = createGenerators(spec, 'SAML').readingSearches.find((x) => x.requirementId === 'OBS-MOBILE-READINGS');
    expect(real).toMatchObject({ found: true, edit: 'prefix' });
  });

  it('stops the search at the search limit, and says so', () => {
    const g = createGenerators(spec, 'CONNECT_MANAGED', { searchLimit: 5 });
    const search = g.readingSearches.find((x) => x.requirementId === 'OBS-SECONDARYEMAIL-READINGS')!;
    expect(search).toMatchObject({ found: false, tried: 5, reason: 'no disagreement within the search limit of 5 values' });
    expect(g.boundaryCases().some((c) => c.requirementIds.includes('OBS-SECONDARYEMAIL-READINGS'))).toBe(false);
    expect(
      createGenerators(spec, 'CONNECT_MANAGED').readingSearches.find((x) => x.requirementId === 'OBS-SECONDARYEMAIL-READINGS')!.tried,
    ).toBeGreaterThan(5);
  });

  it('sends a defined sibling of the identity structure as null, and picks unknown names the schema does not define at any level', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    doc.components.schemas.UpdateUserIdentityInfoRequest.properties.Nickname = { type: 'string' };
    const sibling = await loadSpec({ document: doc });
    const cases = boundaryCases(sibling, 'CONNECT_MANAGED');
    const nulls = cases.filter((c) => c.requirementIds.includes('OBS-NULL-MEMBER'));
    expect(nulls.map((c) => c.id.split(':').at(-1))).toEqual(['one-member', 'every-member', 'siblings']);
    expect((nulls[2]!.body as Json).Nickname).toBeNull();
    const unknown = cases.filter((c) => c.requirementIds.includes('OBS-UNKNOWN-MEMBER'));
    expect(Object.keys(identityOf(unknown[0]!))).toContain('MiddleName');
    expect(Object.keys(unknown[1]!.body as Json)).toEqual(['IdentityInfo', 'MiddleName']);
    // The real spec has no sibling: no such variant, and the first name on the list.
    const real = boundaryCases(spec, 'CONNECT_MANAGED').filter(
      (c) => c.requirementIds.includes('OBS-UNKNOWN-MEMBER') || c.requirementIds.includes('OBS-NULL-MEMBER'),
    );
    expect(real.map((c) => c.id.split(':').at(-1))).toEqual(['one-member', 'identity', 'every-member', 'body']);
    expect(Object.keys(identityOf(real[1]!))).toContain('Nickname');
  });

  it('sends no null member where the protocol does not count null as absent', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    doc['x-protocol'].nullIsAbsent = false;
    const strict = await loadSpec({ document: doc });
    const g = createGenerators(strict, 'CONNECT_MANAGED');
    expect(g.observedRequirementIds).not.toContain('OBS-NULL-MEMBER');
    expect(g.boundaryCases().some((c) => c.requirementIds.includes('OBS-NULL-MEMBER'))).toBe(false);
  });
});

describe('a spec the generators cannot honour', () => {
  it('refuses a constraint no generator can violate, for the types it applies to', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    identitySchema(doc)['x-identity-management-rules'].SAML.required = ['Mobile'];
    const requirements = readYaml(DEFAULT_REQUIREMENTS);
    requirements.requirements.push({
      id: 'IN-SAML-MOBILE-REQUIRED',
      level: 'MUST',
      area: 'validation',
      title: 'On a SAML instance, a request without Mobile is rejected with 400',
      text: 'A test rule.',
      source: 'test',
      constrains: ['SAML:IdentityInfo.Mobile.required'],
      outcome: 'constraint',
      appliesTo: ['SAML'],
    });
    const strange = await loadSpec({ document: doc, requirements });
    expect(() => createGenerators(strange, 'SAML')).toThrow(/no generator violates SAML:IdentityInfo\.Mobile\.required/);
    expect(createGenerators(strange, 'CONNECT_MANAGED').boundaryCases().length).toBeGreaterThan(0);
  });

  it.each(['OK-EMAIL-ANY', 'OBS-NULL-MEMBER', 'OBS-UNKNOWN-MEMBER'])(
    'refuses a catalogue without %s, a requirement the generators name',
    async (id) => {
      const requirements = readYaml(DEFAULT_REQUIREMENTS);
      requirements.requirements = requirements.requirements.filter((r: Json) => r.id !== id);
      const without = await loadSpec({ requirements });
      expect(() => createGenerators(without, 'CONNECT_MANAGED')).toThrow(
        new RegExp(`generators name the requirement ${id}, which the catalogue does not have`),
      );
    },
  );

  it('refuses a catalogue that judges what the generators only observe', async () => {
    const requirements = readYaml(DEFAULT_REQUIREMENTS);
    requirements.requirements.find((r: Json) => r.id === 'OBS-UNKNOWN-MEMBER').level = 'MUST';
    const judged = await loadSpec({ requirements });
    expect(() => createGenerators(judged, 'SAML')).toThrow(
      /generators name OBS-UNKNOWN-MEMBER as observed, but the catalogue gives it the level MUST/,
    );
  });

  it('refuses a pattern whose readings accept nothing it can generate', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    const mobile = identitySchema(doc).properties.Mobile;
    mobile.pattern = '^\\+1\\d{3}$';
    mobile['x-pattern-readings'] = [
      { reading: 'anchored', pattern: '^\\+1\\d{3}$' },
      { reading: 'other', pattern: '^\\+2\\d{3}$' },
    ];
    const contradictory = await loadSpec({ document: doc });
    expect(() => createGenerators(contradictory, 'SAML')).toThrow(/Mobile.*accepted by every reading/);
  });
});
