// The loader fails closed: the real spec loads into the views the code reads, and every broken variant of it is
// refused with a SpecError whose message names the broken place. Each broken variant is the real file, read with
// `yaml`, deep-cloned, with exactly one thing changed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS, loadSpec, SpecError, type Spec } from '../spec/index.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const RAW_DOCUMENT = parse(readFileSync(DEFAULT_DOCUMENT, 'utf8')) as Json;
const RAW_REQUIREMENTS = parse(readFileSync(DEFAULT_REQUIREMENTS, 'utf8')) as Json;
const IN_MEMORY_DOCUMENT = '<document given in memory>';
const IN_MEMORY_REQUIREMENTS = '<requirements given in memory>';

const UPDATE_PATH = '/users/{InstanceId}/{UserId}/identity-info';
const IDENTITY = '/components/schemas/UserIdentityInfo';
const RULES = `${IDENTITY}/x-identity-management-rules`;
const member = (name: string) => `${IDENTITY}/properties/${name}`;
/** A JSON pointer segment, escaped. */
const seg = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
/** A string as a regular expression that matches it literally. */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The node at a JSON pointer of a parsed YAML tree; throws when the pointer does not lead to an object. */
function node(root: Json, pointer: string): Json {
  let here: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    here = Array.isArray(here) ? here[Number(key)] : isObject(here) ? here[key] : undefined;
  }
  if (!isObject(here)) throw new Error(`test setup: ${pointer} is not an object`);
  return here;
}

const document = () => structuredClone(RAW_DOCUMENT);
const requirements = () => structuredClone(RAW_REQUIREMENTS);
const requirementList = (reqs: Json) => reqs.requirements as Json[];
function requirement(reqs: Json, id: string): Json {
  const r = requirementList(reqs).find((x) => x.id === id);
  if (!r) throw new Error(`test setup: no requirement ${id} in requirements.yaml`);
  return r;
}

/** Loads a copy of the real document with one change. */
const loadDocument = (change: (doc: Json) => void) => {
  const doc = document();
  change(doc);
  return loadSpec({ document: doc, requirements: RAW_REQUIREMENTS });
};
/** Loads a copy of the real requirements with one change. */
const loadRequirements = (change: (reqs: Json) => void) => {
  const reqs = requirements();
  change(reqs);
  return loadSpec({ document: RAW_DOCUMENT, requirements: reqs });
};

/** Asserts the load fails with a SpecError whose message matches every pattern; returns the message. */
async function expectSpecError(loading: Promise<Spec>, ...patterns: RegExp[]): Promise<string> {
  const error = await loading.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the loader accepted a broken spec').toBeInstanceOf(SpecError);
  const message = (error as SpecError).message;
  for (const pattern of patterns) expect(message).toMatch(pattern);
  return message;
}

describe('the real spec', () => {
  let spec: Spec;
  beforeAll(async () => {
    spec = await loadSpec();
  });

  it('loads from the default files and from the same files given in memory', async () => {
    expect(spec.files).toEqual({ document: DEFAULT_DOCUMENT, requirements: DEFAULT_REQUIREMENTS });
    const inMemory = await loadSpec({ document: document(), requirements: requirements() });
    expect(inMemory.files).toEqual({ document: IN_MEMORY_DOCUMENT, requirements: IN_MEMORY_REQUIREMENTS });
    expect(inMemory.constraints).toEqual(spec.constraints);
    expect(inMemory.requirements).toEqual(spec.requirements);
  });

  it('has the operation under test and its four siblings, one per operationId of the document but the other operations under test', () => {
    const paths = RAW_DOCUMENT.paths as Record<string, Record<string, Json>>;
    const operationIds = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    const others = (RAW_DOCUMENT['x-operation-under-test'] as string[]).filter((name) => name !== spec.operation.name);
    expect(others).toEqual(['UpdateUserPhoneConfig']);
    expect(Object.keys(spec.operations).sort()).toEqual(operationIds.filter((id) => !others.includes(id as string)).sort());
    expect(Object.keys(spec.operations).sort()).toEqual([
      'CreateUser',
      'DeleteUser',
      'DescribeInstance',
      'DescribeUser',
      'UpdateUserIdentityInfo',
    ]);
    expect((RAW_DOCUMENT['x-operation-under-test'] as string[])[0]).toBe('UpdateUserIdentityInfo');
    expect(spec.operation).toBe(spec.operations.UpdateUserIdentityInfo);
    expect(spec.operation).toMatchObject({ method: 'POST', pathTemplate: UPDATE_PATH, successStatus: 200 });
    expect(paths[UPDATE_PATH]?.post?.operationId).toBe(spec.operation.name);
  });

  it('reads the labels of the operation under test from its path parameters', () => {
    const schema = (name: string) => node(RAW_DOCUMENT, `/components/parameters/${name}/schema`);
    expect(spec.operation.labels).toEqual([
      { name: 'InstanceId', required: true, minLength: schema('InstanceId').minLength, maxLength: schema('InstanceId').maxLength },
      { name: 'UserId', required: true, minLength: undefined, maxLength: undefined },
    ]);
    expect(spec.operation.labels[0]).toMatchObject({ minLength: 1, maxLength: 100 });
  });

  it("declares the operation's five errors with the status of the response that lists them", () => {
    const responses = node(RAW_DOCUMENT, `/paths/${seg(UPDATE_PATH)}/post/responses`);
    const fromYaml = Object.entries(responses)
      .filter(([code]) => Number(code) >= 300)
      .flatMap(([code, response]) => {
        const name = String((response as Json).$ref)
          .split('/')
          .pop()!;
        const header = node(RAW_DOCUMENT, `/components/responses/${name}/headers/X-Amzn-Errortype/schema`);
        return (header.enum as string[]).map((type) => ({ type, status: Number(code) }));
      });
    expect(spec.operation.errors.map(({ type, status }) => ({ type, status }))).toEqual(fromYaml);
    // docs/contract.md A2: the five errors listed for the operation.
    expect(Object.fromEntries(spec.operation.errors.map((e) => [e.type, [e.status, e.fault]]))).toEqual({
      InvalidParameterException: [400, 'client'],
      InvalidRequestException: [400, 'client'],
      ResourceNotFoundException: [404, 'client'],
      ThrottlingException: [429, 'client'],
      InternalServiceException: [500, 'server'],
    });
  });

  it('knows every error of every operation and of the protocol by type', () => {
    for (const op of Object.values(spec.operations)) for (const e of op.errors) expect(spec.errors[e.type]).toEqual(e);
    const p = spec.protocol;
    expect(spec.errors[p.deserializationError.type]).toMatchObject({ status: p.deserializationError.status, fault: 'client' });
    expect(spec.errors[p.authenticationErrors.unsigned]).toMatchObject({ status: p.authenticationErrors.status });
    expect(spec.errors.DuplicateResourceException).toMatchObject({ status: 409 });
  });

  it('reads the members of UserIdentityInfo, in schema order, with the bounds, patterns and notes of the YAML', () => {
    const properties = node(RAW_DOCUMENT, `${IDENTITY}/properties`) as Record<string, Json>;
    expect(spec.members.map((m) => m.name)).toEqual(['FirstName', 'LastName', 'Email', 'SecondaryEmail', 'Mobile']);
    expect(spec.members.map((m) => m.name)).toEqual(Object.keys(properties));
    for (const m of spec.members) {
      const raw = properties[m.name]!;
      expect(m, m.name).toMatchObject({ type: raw.type, sensitive: raw['x-sensitive'] === true });
      expect(m.minLength, `${m.name} minLength`).toBe(raw.minLength);
      expect(m.maxLength, `${m.name} maxLength`).toBe(raw.maxLength);
      expect(m.pattern, `${m.name} pattern`).toBe(raw.pattern);
      expect(m.normalization, `${m.name} normalization`).toBe(raw['x-normalization']);
      const rawReadings = (raw['x-pattern-readings'] ?? raw['x-documented-pattern'] ?? []) as { reading: string; pattern: string }[];
      expect(
        m.readings.map(({ reading, pattern }) => ({ reading, pattern })),
        `${m.name} readings`,
      ).toEqual(rawReadings);
      for (const r of m.readings) expect(r.regex.source, `${m.name} ${r.reading}`).toBe(new RegExp(r.pattern, 'u').source);
    }
  });

  it('reads the model bounds the contract names (names 0..255 and 0..300, Mobile pattern, NFC names)', () => {
    const byName = Object.fromEntries(spec.members.map((m) => [m.name, m]));
    expect(byName.FirstName).toMatchObject({ minLength: 0, maxLength: 255, normalization: 'NFC', sensitive: true });
    expect(byName.LastName).toMatchObject({ minLength: 0, maxLength: 300, normalization: 'NFC', sensitive: true });
    expect(byName.Email).toMatchObject({ sensitive: true, readings: [] });
    expect(byName.SecondaryEmail).toMatchObject({ sensitive: true, readingsKeyword: 'x-documented-pattern' });
    expect(byName.Mobile).toMatchObject({ sensitive: false, readingsKeyword: 'pattern', pattern: String.raw`^\+[1-9]\d{1,14}$` });
  });

  it('reads the stricter rules per identity management type from x-identity-management-rules', () => {
    const raw = node(RAW_DOCUMENT, RULES) as Record<string, Json>;
    const types = node(RAW_DOCUMENT, '/components/schemas/IdentityManagementType').enum as string[];
    expect(spec.identityManagementTypes).toEqual(types);
    expect(Object.keys(spec.typeRules).sort()).toEqual([...types].sort());
    for (const type of types) {
      const r = raw[type] ?? {};
      expect(spec.typeRules[type], type).toEqual({
        constraints: r.constraints ?? {},
        forbidden: r.forbidden ?? [],
        required: r.required ?? [],
        omissionObserved: r.omissionObserved ?? [],
      });
    }
    expect(spec.typeRules.CONNECT_MANAGED?.constraints).toEqual({
      FirstName: { minLength: 1 },
      LastName: { minLength: 1, maxLength: 256 },
    });
    expect(spec.typeRules.SAML?.forbidden).toEqual(['Email']);
    expect(spec.typeRules.EXISTING_DIRECTORY?.forbidden).toEqual(['FirstName', 'LastName', 'Email']);
  });

  it('lists every constraint with the value of the schema, and each one is claimed by exactly one requirement', () => {
    const value = (address: string) => spec.constraints.find((c) => c.address === address)?.value;
    const firstName = node(RAW_DOCUMENT, member('FirstName'));
    const cm = node(RAW_DOCUMENT, `${RULES}/CONNECT_MANAGED/constraints/LastName`);
    expect(value('IdentityInfo.FirstName.maxLength')).toBe(firstName.maxLength);
    expect(value('IdentityInfo.Mobile.pattern')).toBe(node(RAW_DOCUMENT, member('Mobile')).pattern);
    expect(value('CONNECT_MANAGED:IdentityInfo.LastName.maxLength')).toBe(cm.maxLength);
    expect(spec.constraints.find((c) => c.address === 'SAML:IdentityInfo.Email.forbidden')).toMatchObject({
      identityManagementType: 'SAML',
      member: 'IdentityInfo.Email',
      keyword: 'forbidden',
    });
    for (const c of spec.constraints) {
      const claimants = spec.requirements.filter((r) => r.constrains.includes(c.address)).map((r) => r.id);
      expect(claimants, c.address).toHaveLength(1);
    }
  });

  it('gives every path label of the operation an encoding constraint (percent-encoded UTF-8), claimed by IN-LABEL-ENCODING', () => {
    const encoding = spec.constraints.filter((c) => c.keyword === 'encoding');
    expect(encoding).toEqual(
      spec.operation.labels.map((l) => ({
        address: `${l.name}.encoding`,
        member: l.name,
        keyword: 'encoding',
        value: 'utf-8',
        identityManagementType: undefined,
      })),
    );
    expect(encoding.map((c) => c.address)).toEqual(['InstanceId.encoding', 'UserId.encoding']);
    expect(spec.requirements.find((r) => r.id === 'IN-LABEL-ENCODING')).toMatchObject({
      level: 'MUST',
      area: 'validation',
      outcome: 'routing',
      constrains: ['InstanceId.encoding', 'UserId.encoding'],
      appliesTo: spec.identityManagementTypes,
      source: 'Smithy httpLabel (percent-encoded UTF-8); docs/contract.md A6, B7',
    });
    // routing: any 4xx that carries an error type (IN-LABEL-EMPTY, IN-LABEL-ENCODING), which a front end's SerializationException is.
    expect(spec.protocol.outcomes.routing).toEqual({ status: '4xx', types: 'any' });
  });

  it('gives a new path label its own encoding constraint, which the catalogue must claim', async () => {
    const withSection = () => {
      const doc = document();
      const paths = doc.paths as Record<string, Json>;
      const item = paths[UPDATE_PATH]!;
      delete paths[UPDATE_PATH];
      paths[`${UPDATE_PATH}/{Section}`] = item;
      ((item.post as Json).parameters as Json[]).push({ name: 'Section', in: 'path', required: true, schema: { type: 'string' } });
      return doc;
    };
    await expectSpecError(
      loadSpec({ document: withSection(), requirements: RAW_REQUIREMENTS }),
      /no requirement claims the constraint\(s\) Section\.encoding, Section\.required$/,
    );
    const reqs = requirements();
    (requirement(reqs, 'IN-LABEL-ENCODING').constrains as string[]).push('Section.encoding');
    (requirement(reqs, 'IN-LABEL-EMPTY').constrains as string[]).push('Section.required');
    const loaded = await loadSpec({ document: withSection(), requirements: reqs });
    expect(loaded.constraints.filter((c) => c.keyword === 'encoding').map((c) => c.address)).toEqual([
      'InstanceId.encoding',
      'UserId.encoding',
      'Section.encoding',
    ]);
  });

  it('reads the kinds of valid value of x-value-classes, and none when the document has no such extension', async () => {
    const raw = RAW_DOCUMENT['x-value-classes'] as { filler: string; classes: { name: string; values: string[] }[] };
    expect(spec.valueClasses.filler).toBe(raw.filler);
    expect(spec.valueClasses.classes.map((c) => [c.name, c.values])).toEqual(raw.classes.map((c) => [c.name, c.values]));
    const without = document();
    delete without['x-value-classes'];
    expect((await loadSpec({ document: without, requirements: RAW_REQUIREMENTS })).valueClasses).toEqual({ filler: '', classes: [] });
  });

  it('reads every requirement of the catalogue, with defaults for appliesTo and needs', () => {
    // Every requirement of the catalogue that is a rule of this operation (no `operations`, or one that names it).
    const ofThisOperation = requirementList(RAW_REQUIREMENTS).filter(
      (r) => !(r as { operations?: string[] }).operations || (r as { operations: string[] }).operations.includes('UpdateUserIdentityInfo'),
    );
    expect(spec.requirements.map((r) => r.id)).toEqual(ofThisOperation.map((r) => r.id));
    expect(spec.requirements.some((r) => r.id.startsWith('PC-'))).toBe(false);
    const ok = spec.requirements.find((r) => r.id === 'OK-ACCEPT-VALID')!;
    expect(ok).toMatchObject({ appliesTo: spec.identityManagementTypes, needs: [], constrains: [], outcome: undefined });
    expect(spec.requirements.find((r) => r.id === 'IN-SAML-EMAIL-FORBIDDEN')).toMatchObject({ appliesTo: ['SAML'], outcome: 'constraint' });
    expect(spec.requirements.find((r) => r.id === 'EX-FOREIGN-USER')?.needs).toEqual(['secondInstance']);
  });

  it('leaves no {ADDRESS} placeholder in any title or text, and fills each from the schema', () => {
    const placeholder = /\{[^{}\s]+\}/;
    for (const r of spec.requirements) {
      expect(r.title, r.id).not.toMatch(placeholder);
      expect(r.text, r.id).not.toMatch(placeholder);
    }
    const rawTitle = String(requirement(RAW_REQUIREMENTS, 'IN-FIRSTNAME-MAXLEN').title);
    expect(rawTitle).toContain('{IdentityInfo.FirstName.maxLength}');
    const max = String(node(RAW_DOCUMENT, member('FirstName')).maxLength);
    expect(spec.requirements.find((r) => r.id === 'IN-FIRSTNAME-MAXLEN')?.title).toBe(
      rawTitle.replace('{IdentityInfo.FirstName.maxLength}', max),
    );
    const cmMax = String(node(RAW_DOCUMENT, `${RULES}/CONNECT_MANAGED/constraints/LastName`).maxLength);
    expect(spec.requirements.find((r) => r.id === 'IN-CM-LASTNAME-MAXLEN')?.title).toContain(` ${cmMax} `);
  });

  it('reports a changed bound in the title that names it, with no other edit', async () => {
    const changed = await loadSpec({
      document: (() => {
        const doc = document();
        node(doc, member('FirstName')).maxLength = 40;
        return doc;
      })(),
      requirements: RAW_REQUIREMENTS,
    });
    const title = changed.requirements.find((r) => r.id === 'IN-FIRSTNAME-MAXLEN')!.title;
    expect(title).toMatch(/\b40\b/);
    expect(title).not.toContain(String(node(RAW_DOCUMENT, member('FirstName')).maxLength));
    expect(changed.members.find((m) => m.name === 'FirstName')?.maxLength).toBe(40);
  });
});

describe('the loader refuses a broken OpenAPI document', () => {
  it('an extension the code does not understand, naming it and its JSON pointer', async () => {
    const message = await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('Email'))['x-foo'] = true;
      }),
      /x-foo/,
      /not understood/,
    );
    expect(message).toContain(`${IN_MEMORY_DOCUMENT}#${member('Email')}`);
  });

  it('an unknown extension inside paths, with the path escaped in the pointer', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, `/paths/${seg(UPDATE_PATH)}/post`)['x-foo'] = 1;
      }),
      new RegExp(`${lit(`#/paths/${seg(UPDATE_PATH)}/post`)}: extension x-foo`),
    );
  });

  it('a known extension in the wrong place', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, IDENTITY)['x-normalization'] = 'NFC';
      }),
      new RegExp(`${lit(IDENTITY)}: extension x-normalization belongs on a property of a component schema`),
    );
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, '/info')['x-model'] = RAW_DOCUMENT['x-model'];
      }),
      /#\/info: extension x-model belongs on the document root/,
    );
  });

  it('a known extension with a malformed value', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('FirstName'))['x-normalization'] = 'NFX';
      }),
      new RegExp(`${lit(member('FirstName'))}/x-normalization: must be NFC`),
    );
    await expectSpecError(
      loadDocument((doc) => {
        delete node(doc, '/x-model').botocore;
      }),
      /#\/x-model: needs source, botocore/,
    );
    await expectSpecError(
      loadDocument((doc) => {
        doc['x-length-unit'] = 'utf-16';
      }),
      /#\/x-length-unit: must be code-point/,
    );
  });

  // x-value-classes: the kinds of valid value the boundary phase sends (generators/classes.ts). A malformed class would
  // be coverage that silently is not there, or a value that is not valid, or one that can reach someone.
  it.each([
    ['a class name that is not kebab-case', (c: Json[]) => (c[0]!.name = 'Digits'), /classes\/0: name must be kebab-case/],
    ['a class name used twice', (c: Json[]) => (c[1]!.name = c[0]!.name), /classes\/1: the name digits is used twice/],
    ['a class without a description', (c: Json[]) => delete c[0]!.description, /classes\/0 \(digits\): needs a description/],
    ['a class without values', (c: Json[]) => (c[0]!.values = []), /classes\/0 \(digits\): values must be a non-empty list/],
    ['a value that is not a string', (c: Json[]) => (c[0]!.values = [7]), /value 0 7 must be a non-empty string/],
    ['a value that is not NFC', (c: Json[]) => (c[0]!.values = ['José'.normalize('NFD')]), /value 0 .* is not in NFC/],
    ['a value with a lone surrogate', (c: Json[]) => (c[0]!.values = ['a\ud800']), /holds a lone surrogate/],
    [
      'an address that can receive mail',
      (c: Json[]) => (c[0]!.values = ['ada@gmail.com']),
      /an address on gmail\.com, which can receive mail/,
    ],
    [
      'a number that can ring',
      (c: Json[]) => (c[0]!.values = ['+442071234567']),
      /the number 442071234567, which is not reserved for fiction/,
    ],
    [
      'a field the loader does not understand',
      (c: Json[]) => (c[0]!.examples = ['0']),
      /classes\/0: examples not understood \(name, description, values\)/,
    ],
  ])('x-value-classes with %s', async (_, change, message) => {
    await expectSpecError(
      loadDocument((doc) => change((doc['x-value-classes'] as Json).classes as Json[])),
      /#\/x-value-classes: /,
      message,
    );
  });

  it('x-value-classes with a filler of two characters, without classes, or in the wrong place', async () => {
    await expectSpecError(
      loadDocument((doc) => ((doc['x-value-classes'] as Json).filler = 'ab')),
      /x-value-classes: filler must be one character/,
    );
    await expectSpecError(
      loadDocument((doc) => ((doc['x-value-classes'] as Json).classes = [])),
      /x-value-classes: classes must be a non-empty list/,
    );
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('FirstName'))['x-value-classes'] = doc['x-value-classes'];
      }),
      /extension x-value-classes belongs on the document root/,
    );
  });

  it('a document that is not valid OpenAPI: paths that is not an object', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        doc.paths = 42;
      }),
      /not a valid OpenAPI document/,
      /paths/,
    );
  });

  it('a document that is not valid OpenAPI: a response without description', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        delete node(doc, '/components/responses/ResourceNotFound').description;
      }),
      new RegExp(`^${lit(IN_MEMORY_DOCUMENT)}: is not a valid OpenAPI document`),
      /description/,
    );
  });

  it('a document that is not OpenAPI 3.1', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        doc.openapi = '3.0.3';
      }),
      /3\.1/,
    );
  });

  it('an x-operation-under-test that names no operation', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        doc['x-operation-under-test'] = 'UpdateUserIdentityInformation';
      }),
      /#\/x-operation-under-test: names no operation/,
      /UpdateUserIdentityInformation/,
    );
  });

  it('an error response without the error type header enum', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        delete node(doc, '/components/responses/Throttling').headers;
      }),
      new RegExp(`${lit(seg(UPDATE_PATH))}/post/responses/429: an error response needs a X-Amzn-Errortype header`),
    );
  });

  it('a constraint that no requirement claims, naming its address', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('Email')).maxLength = 100;
      }),
      /no requirement claims the constraint\(s\) IdentityInfo\.Email\.maxLength$/,
    );
  });

  it('a per-type rule that is not stricter than the schema', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, `${RULES}/CONNECT_MANAGED/constraints/LastName`).maxLength = 400;
      }),
      new RegExp(`${lit(RULES)}/CONNECT_MANAGED/constraints/LastName/maxLength: must be stricter than the schema's maxLength 300`),
    );
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, `${RULES}/CONNECT_MANAGED/constraints/FirstName`).minLength = 0;
      }),
      /CONNECT_MANAGED\/constraints\/FirstName\/minLength: must be stricter than the schema's minLength 0/,
    );
  });

  // Fails until load.ts checks that length bounds are non-negative integers (see the report): today such a
  // per-type bound loads, is printed in the title, and the validator compares lengths with it by coercion, so
  // 'two hundred' is never enforced and null rejects every non-empty LastName.
  it.each<unknown>(['two hundred', null, -1, 2.5])('a per-type length bound of %j', async (bad) => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, `${RULES}/CONNECT_MANAGED/constraints/LastName`).maxLength = bad;
      }),
      new RegExp(`${lit(RULES)}/CONNECT_MANAGED/constraints/LastName/maxLength`),
    );
  });

  // Fails until load.ts checks schema length bounds (see the report): today '255' loads, MemberSpec.maxLength
  // holds a string, and only createValidator fails later, with a plain Error from ajv that names no file.
  it.each<unknown>(['255', 2.5])('a schema length bound of %j', async (bad) => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('FirstName')).maxLength = bad;
      }),
      new RegExp(`${lit(member('FirstName'))}(/maxLength)?: `),
    );
  });

  it('a per-type rule for an unknown identity management type', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, RULES).AZURE_AD = { forbidden: ['Email'] };
      }),
      new RegExp(`${lit(RULES)}/AZURE_AD: is not an identity management type`),
    );
  });

  it('a per-type rule about a member the schema does not have', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, `${RULES}/SAML`).forbidden = ['Email', 'Nickname'];
      }),
      /SAML\/forbidden: Nickname is not a member/,
    );
  });

  it('x-pattern-readings whose list does not contain the schema pattern', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        node(doc, member('Mobile')).pattern = String.raw`^\+[1-9]\d{1,13}$`;
      }),
      new RegExp(`${lit(member('Mobile'))}/x-pattern-readings: the schema's pattern .* must be one of its readings`),
    );
  });

  it('x-pattern-readings on a member without a pattern', async () => {
    await expectSpecError(
      loadDocument((doc) => {
        delete node(doc, member('Mobile')).pattern;
      }),
      /Mobile\/x-pattern-readings: readings of a pattern need the schema to have a pattern/,
    );
  });
});

describe('the loader refuses a broken requirement catalogue', () => {
  it('a constraint claimed twice, naming both requirements', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        (requirement(reqs, 'IN-LASTNAME-MAXLEN').constrains as string[]).push('IdentityInfo.FirstName.maxLength');
      }),
      /\(IN-LASTNAME-MAXLEN\): constrains IdentityInfo\.FirstName\.maxLength, already claimed by IN-FIRSTNAME-MAXLEN/,
    );
  });

  it('a label encoding that no requirement claims', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'IN-LABEL-ENCODING').constrains = ['InstanceId.encoding'];
      }),
      /no requirement claims the constraint\(s\) UserId\.encoding$/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        reqs.requirements = requirementList(reqs).filter((r) => r.id !== 'IN-LABEL-ENCODING');
      }),
      /no requirement claims the constraint\(s\) InstanceId\.encoding, UserId\.encoding$/,
    );
  });

  it('a label encoding claimed as an input requirement without an outcome, or twice', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'IN-LABEL-ENCODING').outcome;
      }),
      /\(IN-LABEL-ENCODING\): an input requirement needs an outcome/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        (requirement(reqs, 'IN-LABEL-EMPTY').constrains as string[]).push('UserId.encoding');
      }),
      // IN-LABEL-EMPTY comes first in the catalogue, so IN-LABEL-ENCODING is the second claim.
      /\(IN-LABEL-ENCODING\): constrains UserId\.encoding, already claimed by IN-LABEL-EMPTY/,
    );
  });

  it('a requirement that constrains an address the schema does not have', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'IN-EMAIL-TYPE').constrains = ['IdentityInfo.Email.type', 'IdentityInfo.Email.maxLength'];
      }),
      new RegExp(
        `^${lit(IN_MEMORY_REQUIREMENTS)} \\(IN-EMAIL-TYPE\\): constrains IdentityInfo\\.Email\\.maxLength, which is not a constraint of the schema`,
      ),
    );
  });

  it('an input requirement without an outcome', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'IN-FIRSTNAME-MAXLEN').outcome;
      }),
      /\(IN-FIRSTNAME-MAXLEN\): an input requirement needs an outcome/,
    );
  });

  it('an outcome on a requirement that claims no constraint', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'OK-ACCEPT-VALID').outcome = 'constraint';
      }),
      /\(OK-ACCEPT-VALID\): an outcome belongs to an input requirement/,
    );
  });

  it('a duplicate requirement id', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirementList(reqs).push({ ...requirement(reqs, 'OBS-BODY-SIZE'), title: 'A second one' });
      }),
      /\(OBS-BODY-SIZE\): the id is used twice/,
    );
  });

  it('a requirement with a field the catalogue schema does not know', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'RB-READBACK').owner = 'someone';
      }),
      /\(RB-READBACK\) at \/requirements\/\d+/,
      /additional properties \(owner\)/,
    );
  });

  it('a requirement with a level the catalogue schema does not allow', async () => {
    const message = await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'ERR-MESSAGE').level = 'MAY';
      }),
      /\(ERR-MESSAGE\) at \/requirements\/\d+\/level/,
    );
    const index = requirementList(RAW_REQUIREMENTS).findIndex((r) => r.id === 'ERR-MESSAGE');
    expect(message).toContain(`/requirements/${index}/level`);
  });

  it('a requirement without a required field, or with a malformed id', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'SRV-NO-5XX').source;
      }),
      /\(SRV-NO-5XX\)/,
      /source/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'SRV-NO-5XX').id = 'srv no 5xx';
      }),
      /\/requirements\/\d+\/id/,
    );
  });

  it('a placeholder that names no constraint', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'IN-FIRSTNAME-MAXLEN').title = 'A FirstName longer than {IdentityInfo.FirstName.maxLen} code points is rejected';
      }),
      /\(IN-FIRSTNAME-MAXLEN\): the placeholder \{IdentityInfo\.FirstName\.maxLen\} names no constraint/,
    );
  });

  it('a placeholder in a text that names no constraint', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'OK-MODEL-BOUNDS').text = 'Up to {IdentityInfo.Email.maxLength}.';
      }),
      /\(OK-MODEL-BOUNDS\): the placeholder \{IdentityInfo\.Email\.maxLength\} names no constraint/,
    );
  });

  it('appliesTo that disagrees with the per-type constraints the requirement claims', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'IN-SAML-EMAIL-FORBIDDEN').appliesTo = ['SAML', 'CONNECT_MANAGED'];
      }),
      /\(IN-SAML-EMAIL-FORBIDDEN\): claims rules of SAML, so appliesTo must be exactly \[SAML\]/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'IN-CM-LASTNAME-MAXLEN').appliesTo;
      }),
      /\(IN-CM-LASTNAME-MAXLEN\): claims rules of CONNECT_MANAGED, so appliesTo must be exactly \[CONNECT_MANAGED\]/,
    );
  });

  it('appliesTo that names an unknown identity management type', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'OK-EMAIL-ANY').appliesTo = ['CONNECT_MANAGED', 'AZURE_AD'];
      }),
      /\(OK-EMAIL-ANY\): appliesTo AZURE_AD, which is not an identity management type/,
    );
  });

  it('a constraint with readings that no ambiguityOf requirement records', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'OBS-MOBILE-READINGS').ambiguityOf;
      }),
      /no requirement records the disagreements of the readings of IdentityInfo\.Mobile\.pattern/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        delete requirement(reqs, 'OBS-SECONDARYEMAIL-READINGS').ambiguityOf;
      }),
      /readings of IdentityInfo\.SecondaryEmail\.x-documented-pattern/,
    );
  });

  it('an ambiguityOf that names a constraint without readings, or one already recorded', async () => {
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'OBS-NULL-MEMBER').ambiguityOf = 'IdentityInfo.FirstName.maxLength';
      }),
      /\(OBS-NULL-MEMBER\): ambiguityOf IdentityInfo\.FirstName\.maxLength: not a constraint with several readings/,
    );
    await expectSpecError(
      loadRequirements((reqs) => {
        requirement(reqs, 'OBS-NULL-MEMBER').ambiguityOf = 'IdentityInfo.Mobile.pattern';
      }),
      /ambiguityOf IdentityInfo\.Mobile\.pattern is already recorded by OBS-MOBILE-READINGS/,
    );
  });
});

describe('the loader refuses files it cannot read', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-loader-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a document path that does not exist, naming the file', async () => {
    const missing = join(dir, 'missing.openapi.yaml');
    await expectSpecError(loadSpec({ document: missing }), new RegExp(`^${lit(missing)}: cannot be read \\(ENOENT\\)`));
  });

  it('a requirements path that does not exist, naming the file', async () => {
    const missing = join(dir, 'missing.requirements.yaml');
    await expectSpecError(loadSpec({ requirements: missing }), new RegExp(`^${lit(missing)}: cannot be read`));
  });

  it('a file that is not valid YAML, naming the file', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'openapi: 3.1.0\npaths: {\n  unclosed: [1, 2\n');
    await expectSpecError(loadSpec({ document: file }), new RegExp(`^${lit(file)}: is not valid YAML`));
    await expectSpecError(loadSpec({ requirements: file }), new RegExp(`^${lit(file)}: is not valid YAML`));
  });

  it('a YAML file that holds no mapping, naming the file', async () => {
    const file = join(dir, 'list.yaml');
    writeFileSync(file, '- just\n- a list\n');
    await expectSpecError(loadSpec({ requirements: file }), new RegExp(`^${lit(file)}: must hold a mapping`));
  });

  it('a broken document read from a file names that file and the place', async () => {
    const file = join(dir, 'broken.openapi.yaml');
    const doc = document();
    node(doc, member('Email')).maxLength = 100;
    writeFileSync(file, stringify(doc));
    const loaded = await loadSpec({ document: file }).catch((e: unknown) => e);
    expect(loaded).toBeInstanceOf(SpecError);
    // The unclaimed constraint is reported against the catalogue, which is the default file here.
    expect((loaded as SpecError).message).toMatch(
      new RegExp(`^${lit(DEFAULT_REQUIREMENTS)}: no requirement claims the constraint\\(s\\) IdentityInfo\\.Email\\.maxLength`),
    );

    const unknown = document();
    node(unknown, member('Email'))['x-foo'] = true;
    writeFileSync(file, stringify(unknown));
    await expectSpecError(loadSpec({ document: file }), new RegExp(`^${lit(file)}#${lit(member('Email'))}: extension x-foo`));
  });
});

describe('what a load proved is kept between processes (spec/load-cache.ts)', () => {
  let dir: string;
  let cache: string;
  let saved: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-cache-'));
    cache = join(dir, 'cache');
    saved = process.env.CACHE_DIR;
    process.env.CACHE_DIR = cache; // find-cache-directory's override
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CACHE_DIR;
    else process.env.CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const entries = () => {
    try {
      return readdirSync(join(cache, 'connect-conformance')).filter((n) => n.endsWith('.v8'));
    } catch {
      return [];
    }
  };
  const copies = (doc: Json, req: Json = requirements()) => {
    const d = mkdtempSync(join(dir, 'spec-'));
    writeFileSync(join(d, 'doc.yaml'), stringify(doc));
    writeFileSync(join(d, 'req.yaml'), stringify(req));
    return { document: join(d, 'doc.yaml'), requirements: join(d, 'req.yaml') };
  };

  it('a second load of the same files reads the entry the first wrote, and builds the same spec', async () => {
    const files = copies(document());
    const first = await loadSpec(files);
    expect(entries()).toHaveLength(1);
    const second = await loadSpec(files);
    expect(entries()).toHaveLength(1);
    expect(second).toEqual(first);
    // The second load is the entry's: what the entry says (here altered by hand) is what it builds from.
    const [name] = entries();
    const entry = deserialize(readFileSync(join(cache, 'connect-conformance', name!))) as Json;
    (entry.requirements as { requirements: Json[] }).requirements[0]!.title = 'read from the entry';
    writeFileSync(join(cache, 'connect-conformance', name!), serialize(entry));
    expect((await loadSpec(files)).requirements[0]!.title).toBe('read from the entry');
    rmSync(join(cache, 'connect-conformance', name!));
  });

  it('a changed file is another entry: the change shows, and a broken change is refused although its sibling was cached', async () => {
    const doc = document();
    const before = await loadSpec(copies(doc));
    node(doc, member('FirstName')).maxLength = 99;
    const changed = await loadSpec(copies(doc));
    expect(changed.members.find((m) => m.name === 'FirstName')?.maxLength).toBe(99);
    expect(before.members.find((m) => m.name === 'FirstName')?.maxLength).not.toBe(99);
    const broken = document();
    node(broken, member('Email')).maxLength = '100';
    const count = entries().length;
    await expect(loadSpec(copies(broken))).rejects.toBeInstanceOf(SpecError);
    expect(entries()).toHaveLength(count); // a failed load writes nothing
  });

  it('an entry that is not one (truncated, another key, garbage) is a miss: the files are checked again', async () => {
    const files = copies(document());
    const fresh = await loadSpec(files);
    const another = serialize({ key: 'another', raw: {}, dereferenced: {}, requirements: {} });
    for (const bad of [serialize({ key: 'x' }).subarray(0, 5), another, Buffer.from('garbage')]) {
      for (const n of entries()) writeFileSync(join(cache, 'connect-conformance', n), bad);
      expect(await loadSpec(files)).toEqual(fresh);
    }
  });

  it('a cached document shares its objects as the dereferenced one does (one object wherever a $ref points to it)', async () => {
    const files = copies(document());
    const fresh = await loadSpec({ document: document() }); // given in memory: checked and dereferenced here
    await loadSpec(files);
    const cached = await loadSpec(files); // the entry's
    expect(entries().length).toBeGreaterThan(0);
    const objects = (root: unknown) => {
      const seen = new Set<object>();
      let visits = 0;
      const walk = (v: unknown) => {
        if (typeof v !== 'object' || v === null) return;
        visits++;
        if (seen.has(v)) return;
        seen.add(v);
        for (const x of Object.values(v)) walk(x);
      };
      walk(root);
      return { distinct: seen.size, visits };
    };
    expect(objects(cached.document)).toEqual(objects(fresh.document));
    expect(objects(fresh.document).distinct).toBeLessThan(objects(fresh.document).visits); // the test has something to see
  });

  it('a document given in memory is never cached', async () => {
    const count = entries().length;
    await loadSpec({ document: document() });
    expect(entries()).toHaveLength(count);
  });
});
