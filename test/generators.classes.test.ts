// Coverage by construction (generators/classes.ts): every kind of valid value the spec names (x-value-classes) reaches
// every member whose constraints accept it, in a boundary case of its own, on every identity management type; what a
// member gets follows from the spec alone (a new class, a new member, a tighter bound), and nothing unsafe is sent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { bodyProblems } from '../core/safe-values.ts';
import { createGenerators, type Case, type ClassCoverage } from '../generators/index.ts';
import { stretch } from '../generators/classes.ts';
import { isMailSafe } from '../generators/mail-safe.ts';
import { createValidator, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, defaultSpec, loadSpec, type Spec } from '../spec/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the spec's YAML, read by key path where the test knows the shape.
type Json = Record<string, any>;
const readYaml = (file: string): Json => parseYaml(readFileSync(file, 'utf8')) as Json;
const identityOf = (c: Case) => ((c.body ?? {}) as Record<string, Record<string, string>>).IdentityInfo ?? {};
const codePoints = (s: string) => [...s].length;

const spec = await defaultSpec();
const TYPES = spec.identityManagementTypes;
const coverage = (s: Spec, type: string, options = {}) => createGenerators(s, type, options).valueClasses;
const reached = (list: ClassCoverage[], name: string) => list.find((c) => c.name === name)!.members.map((m) => m.member);

describe('the kinds of valid value of the spec', () => {
  it('are read from x-value-classes, in order, each with a description and values', () => {
    expect(spec.valueClasses.filler).toBe('a');
    expect(spec.valueClasses.classes.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'digits',
        'apostrophe',
        'hyphen',
        'period',
        'comma',
        'plus',
        'underscore',
        'percent',
        'inner-space',
        'edge-space',
        'capitals',
        'latin-1',
        'bmp-letters',
        'combining',
        'astral',
        'rtl',
      ]),
    );
    expect(spec.valueClasses.classes.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'plus-addressing',
        'address-capitals',
        'multi-label-domain',
        'long-domain',
        'long-local-part',
        'quoted-local-part',
      ]),
    );
  });

  it('each reach some member of some identity management type (a class no member accepts would be dead data)', () => {
    const anywhere = new Set(
      TYPES.flatMap((t) =>
        coverage(spec, t)
          .filter((c) => c.members.length)
          .map((c) => c.name),
      ),
    );
    expect(spec.valueClasses.classes.map((c) => c.name).filter((n) => !anywhere.has(n))).toEqual([]);
  });

  it('reach a member exactly when its constraints accept them: names and Email take every class; SecondaryEmail only what its pattern allows; Mobile digits', () => {
    const cm = coverage(spec, 'CONNECT_MANAGED');
    for (const c of cm) expect(reached(cm, c.name), c.name).toEqual(expect.arrayContaining(['FirstName', 'LastName', 'Email']));
    for (const name of [
      'digits',
      'hyphen',
      'period',
      'plus',
      'underscore',
      'percent',
      'capitals',
      'plus-addressing',
      'address-capitals',
      'multi-label-domain',
      'long-domain',
      'long-local-part',
    ]) {
      expect(reached(cm, name), name).toContain('SecondaryEmail');
    }
    for (const name of [
      'apostrophe',
      'comma',
      'inner-space',
      'edge-space',
      'latin-1',
      'bmp-letters',
      'combining',
      'astral',
      'rtl',
      'quoted-local-part',
      'unusual-local-part',
    ]) {
      expect(reached(cm, name), name).not.toContain('SecondaryEmail');
    }
    expect(cm.filter((c) => reached(cm, c.name).includes('Mobile')).map((c) => c.name)).toEqual(['digits']);
    // A type's forbidden members get nothing; its other members what their constraints accept.
    const ed = coverage(spec, 'EXISTING_DIRECTORY');
    expect([...new Set(ed.flatMap((c) => c.members.map((m) => m.member)))].sort()).toEqual(['Mobile', 'SecondaryEmail']);
    expect(ed.find((c) => c.name === 'apostrophe')!.notApplicable).toEqual(['SecondaryEmail', 'Mobile']);
  });

  it('send each class in one valid boundary case of its own, holding the class value in every member it reaches', () => {
    for (const type of TYPES) {
      const g = createGenerators(spec, type);
      const cases = g.boundaryCases().filter((c) => c.id.startsWith('boundary:valid:class:'));
      const applying = g.valueClasses.filter((c) => c.members.length);
      expect(cases.map((c) => c.id)).toEqual(applying.map((c) => `boundary:valid:class:${c.name}`));
      for (const c of cases) {
        expect([c.kind, c.expected.outcome, c.group], c.id).toEqual(['valid', 'accepted', 'valid:class']);
        expect(c.requirementIds).toContain('OK-ACCEPT-VALID');
        const cls = applying.find((x) => c.id.endsWith(`:${x.name}`))!;
        for (const m of cls.members) expect(identityOf(c)[m.member], `${c.id} ${m.member}`).toBe(m.value);
      }
    }
  });

  it('in the forms each member allows: alone (the value as the spec writes it), at its upper bound, or inside a typical value', () => {
    const validator = createValidator(spec);
    for (const type of TYPES) {
      const g = createGenerators(spec, type);
      for (const c of g.valueClasses) {
        const values = spec.valueClasses.classes.find((x) => x.name === c.name)!.values;
        for (const m of c.members) {
          const plan = spec.members.find((x) => x.name === m.member)!;
          const bound = spec.typeRules[type]!.constraints[m.member]?.maxLength ?? plan.maxLength;
          const where = `${type} ${c.name} ${m.member} ${m.form}`;
          if (m.form === 'alone') expect(values, where).toContain(m.value);
          if (m.form === 'at-bound') expect([codePoints(m.value), m.value], where).toEqual([bound, stretch(values.at(-1)!, bound!, 'a')]);
          if (m.form === 'inside')
            expect(
              values.some((v) => m.value.includes(v)),
              where,
            ).toBe(true);
          // Valid for the member on this type under every reading, and safe to send.
          const verdict = validator.validate(
            spec.operation.name,
            { labels: { InstanceId: 'i', UserId: 'u' }, body: { IdentityInfo: { [m.member]: m.value } } },
            type,
          );
          expect([verdict.violations, verdict.ambiguities, isMailSafe(m.value)], where).toEqual([[], [], true]);
        }
      }
    }
  });

  it('give every member with an upper bound both forms across the types: the class alone and at the bound', () => {
    for (const member of ['FirstName', 'LastName']) {
      const forms = new Set(
        TYPES.flatMap((t) => coverage(spec, t).flatMap((c) => c.members.filter((m) => m.member === member).map((m) => m.form))),
      );
      expect([...forms].sort(), member).toEqual(['alone', 'at-bound']);
    }
    // The class alone is the shortest value: one digit is a whole FirstName.
    expect(
      coverage(spec, 'CONNECT_MANAGED')
        .find((c) => c.name === 'digits')!
        .members.find((m) => m.member === 'FirstName'),
    ).toEqual({ member: 'FirstName', form: 'alone', value: '0' });
  });

  it("stay safe for a real account: under the safe-values options every class case passes the guard's body rules", () => {
    for (const type of TYPES) {
      const g = createGenerators(spec, type, { strictMail: true, fictionalMobiles: true });
      const cases = g.boundaryCases().filter((c) => c.id.startsWith('boundary:valid:class:'));
      expect(cases.length, type).toBeGreaterThan(0);
      for (const c of cases) expect(bodyProblems(c.wire.body), c.id).toEqual([]);
    }
  });

  it('stretch a value in its middle, between graphemes, so that marks stay on their letters and edges stay edges', () => {
    expect(stretch(' a ', 6, 'a')).toBe(' aaaa ');
    expect(stretch('q̇', 4, 'a')).toBe('q̇aa');
    expect(stretch('mary ann', 10, 'x')).toBe('maryxx ann');
    expect(stretch('007', 3, 'a')).toBe('007');
  });
});

describe('what a member gets follows from the spec alone', () => {
  it('a new class reaches every member whose constraints accept it, with no other edit', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    doc['x-value-classes'].classes.push({ name: 'tilde', description: 'a tilde', values: ['~'] });
    const withTilde = await loadSpec({ document: doc });
    const cm = coverage(withTilde, 'CONNECT_MANAGED');
    expect(reached(cm, 'tilde')).toEqual(['FirstName', 'LastName', 'Email']);
    expect(
      createGenerators(withTilde, 'CONNECT_MANAGED')
        .boundaryCases()
        .some((c) => c.id === 'boundary:valid:class:tilde'),
    ).toBe(true);
  });

  it('a new member gets the classes its constraints allow (a short NFC name takes no 249-character address)', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    doc.components.schemas.UserIdentityInfo.properties.MiddleName = { type: 'string', maxLength: 40, 'x-normalization': 'NFC' };
    const requirements = readYaml(DEFAULT_REQUIREMENTS);
    const claim = (id: string, constrains: string[], outcome: string) => ({
      id,
      level: 'MUST',
      area: 'validation',
      title: 'A test rule',
      text: 'A test rule.',
      source: 'test',
      constrains,
      outcome,
    });
    requirements.requirements.push(
      claim('IN-MIDDLENAME-TYPE', ['IdentityInfo.MiddleName.type'], 'deserialization'),
      claim('IN-MIDDLENAME-RULES', ['IdentityInfo.MiddleName.maxLength', 'IdentityInfo.MiddleName.x-normalization'], 'constraint'),
    );
    const withMiddle = await loadSpec({ document: doc, requirements });
    const cm = coverage(withMiddle, 'CONNECT_MANAGED');
    const middle = cm.filter((c) => reached(cm, c.name).includes('MiddleName')).map((c) => c.name);
    expect(middle).toEqual(expect.arrayContaining(['digits', 'apostrophe', 'edge-space', 'combining', 'astral', 'plus-addressing']));
    expect(cm.filter((c) => c.notApplicable.includes('MiddleName')).map((c) => c.name)).toEqual(['long-domain', 'long-local-part']);
  });

  it('refuses, naming the class, a value the generators may not send (an address outside the reserved top-level domains)', async () => {
    const doc = readYaml(DEFAULT_DOCUMENT);
    // example.com is reserved (the guard allows it), but the generators keep addresses under .invalid, .test, .example.
    doc['x-value-classes'].classes.push({ name: 'dot-com', description: 'an address on example.com', values: ['ada@example.com'] });
    const strange = await loadSpec({ document: doc });
    expect(() => createGenerators(strange, 'SAML')).toThrow(
      /x-value-classes dot-com: "ada@example.com" holds an address outside the reserved top-level domains/,
    );
  });
});
