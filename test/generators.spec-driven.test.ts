// The generators hold no facts: a modified copy of the spec gives different cases with no other edit, and a spec
// the generators cannot honour makes them refuse to start rather than mislabel cases.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { catalogue, createValidator, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, defaultSpec, loadSpec, type Spec } from '../spec/index.ts';
import { boundaryCases, createGenerators, type Case } from '../generators/index.ts';

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
  [...new Set(cases.filter((c) => pick(c) && typeof identityOf(c).FirstName === 'string').map((c) => [...(identityOf(c).FirstName as string)].length))].sort(
    (a, b) => a - b,
  );
const mobiles = (cases: Case[], pick: (c: Case) => boolean) => cases.filter((c) => pick(c) && typeof identityOf(c).Mobile === 'string').map((c) => identityOf(c).Mobile as string);

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

  it('refuses a catalogue without a requirement the generators name', async () => {
    const requirements = readYaml(DEFAULT_REQUIREMENTS);
    requirements.requirements = requirements.requirements.filter((r: Json) => r.id !== 'OK-EMAIL-ANY');
    const without = await loadSpec({ requirements });
    expect(() => createGenerators(without, 'CONNECT_MANAGED')).toThrow(/OK-EMAIL-ANY/);
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
