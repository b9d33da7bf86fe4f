// The spec as an executable validator: createValidator(spec) plus catalogue(spec).requirementsOf(verdict) map each
// request to exactly the requirement IDs it violates (under every reading) or is ambiguous for, per identity
// management type. The table covers every input requirement; a new one without a row fails the coverage test.
import { describe, expect, it } from 'vitest';
import { catalogue, createValidator, loadSpec, type ValidationResult } from '../spec/index.ts';

const spec = await loadSpec();
const validator = createValidator(spec);
const cat = catalogue(spec);

// ---------------------------------------------------------------- bounds, read from the spec
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`test setup: the spec has no ${what}`);
  return value;
}
const memberSpec = (name: string) =>
  defined(
    spec.members.find((m) => m.name === name),
    `member ${name}`,
  );
const FIRST_MAX = defined(memberSpec('FirstName').maxLength, 'FirstName maxLength');
const LAST_MAX = defined(memberSpec('LastName').maxLength, 'LastName maxLength');
const CM_LAST_MAX = defined(spec.typeRules.CONNECT_MANAGED?.constraints.LastName?.maxLength, 'CONNECT_MANAGED LastName maxLength');
const INSTANCE_MAX = defined(spec.operation.labels.find((l) => l.name === 'InstanceId')?.maxLength, 'InstanceId maxLength');

// ---------------------------------------------------------------- values
const GRIN = '\u{1F600}'; // one code point, two UTF-16 units
const astral = (n: number) => GRIN.repeat(n);
const DECOMPOSED = 'Jose\u0301'; // e + COMBINING ACUTE ACCENT
const PRECOMPOSED = 'Jos\u00e9';
const MARKER = 'Sekr3tValu3';
const LABELS = { InstanceId: 'instance-0001', UserId: 'user-0001' };

// ---------------------------------------------------------------- identity management types a row runs on
const SAML = 'SAML';
const CM = 'CONNECT_MANAGED';
const ED = 'EXISTING_DIRECTORY';
/** undefined: the instance's type is not known, so no per-type rule applies. */
type On = string | undefined;
const ANY: On[] = [SAML, CM, ED, undefined];
const NAMES_ALLOWED: On[] = [SAML, CM, undefined];
const EMAIL_ALLOWED: On[] = [CM, undefined];

interface Case {
  name: string;
  on: On[];
  body?: unknown;
  labels?: Record<string, string>;
  violated?: string[];
  ambiguous?: string[];
}
const info = (identityInfo: Record<string, unknown>) => ({ IdentityInfo: identityInfo });

const CASES: Case[] = [
  // valid requests
  { name: 'an empty IdentityInfo', on: ANY, body: info({}) },
  { name: 'a clean Mobile and SecondaryEmail', on: ANY, body: info({ Mobile: '+15555550100', SecondaryEmail: 'a.b@example.com' }) },
  {
    name: 'names with every other member but Email',
    on: NAMES_ALLOWED,
    body: info({ FirstName: 'Ana', LastName: 'Lima', Mobile: '+442071838750', SecondaryEmail: 'ana.lima@example.org' }),
  },
  { name: 'an Email that is no email address (Email has no format rule)', on: EMAIL_ALLOWED, body: info({ Email: 'not an address' }) },
  { name: 'members the model does not define (ignored)', on: ANY, body: { IdentityInfo: { Nickname: 42 }, Extra: [1] } },
  { name: 'a precomposed (NFC) FirstName and LastName', on: NAMES_ALLOWED, body: info({ FirstName: PRECOMPOSED, LastName: PRECOMPOSED }) },

  // length in code points
  { name: `a FirstName of ${FIRST_MAX} astral characters`, on: NAMES_ALLOWED, body: info({ FirstName: astral(FIRST_MAX) }) },
  {
    name: `a FirstName of ${FIRST_MAX + 1} astral characters`,
    on: NAMES_ALLOWED,
    body: info({ FirstName: astral(FIRST_MAX + 1) }),
    violated: ['IN-FIRSTNAME-MAXLEN'],
  },
  { name: `a LastName of ${LAST_MAX} characters`, on: [SAML, undefined], body: info({ LastName: 'L'.repeat(LAST_MAX) }) },
  {
    name: `a LastName of ${LAST_MAX + 1} astral characters`,
    on: [SAML, undefined],
    body: info({ LastName: astral(LAST_MAX + 1) }),
    violated: ['IN-LASTNAME-MAXLEN'],
  },

  // CONNECT_MANAGED: stricter names
  { name: 'an empty FirstName', on: [CM], body: info({ FirstName: '' }), violated: ['IN-CM-FIRSTNAME-MINLEN'] },
  { name: 'an empty FirstName', on: [SAML, undefined], body: info({ FirstName: '' }) },
  { name: 'an empty LastName', on: [CM], body: info({ LastName: '' }), violated: ['IN-CM-LASTNAME-MINLEN'] },
  { name: 'an empty LastName', on: [SAML, undefined], body: info({ LastName: '' }) },
  {
    name: 'empty names',
    on: [CM],
    body: info({ FirstName: '', LastName: '' }),
    violated: ['IN-CM-FIRSTNAME-MINLEN', 'IN-CM-LASTNAME-MINLEN'],
  },
  { name: `a LastName of ${CM_LAST_MAX} astral characters`, on: [CM], body: info({ LastName: astral(CM_LAST_MAX) }) },
  {
    name: `a LastName of ${CM_LAST_MAX + 1} characters`,
    on: [CM],
    body: info({ LastName: 'L'.repeat(CM_LAST_MAX + 1) }),
    violated: ['IN-CM-LASTNAME-MAXLEN'],
  },
  { name: `a LastName of ${CM_LAST_MAX + 1} characters`, on: [SAML, undefined], body: info({ LastName: 'L'.repeat(CM_LAST_MAX + 1) }) },
  {
    name: `a LastName of ${LAST_MAX + 1} characters`,
    on: [CM],
    body: info({ LastName: 'L'.repeat(LAST_MAX + 1) }),
    violated: ['IN-LASTNAME-MAXLEN', 'IN-CM-LASTNAME-MAXLEN'],
  },

  // SAML and EXISTING_DIRECTORY: forbidden members
  { name: 'an Email', on: [SAML], body: info({ Email: 'agent@example.com' }), violated: ['IN-SAML-EMAIL-FORBIDDEN'] },
  { name: 'an empty Email (presence is what counts)', on: [SAML], body: info({ Email: '' }), violated: ['IN-SAML-EMAIL-FORBIDDEN'] },
  { name: 'a FirstName', on: [ED], body: info({ FirstName: 'Ana' }), violated: ['IN-ED-FIRSTNAME-FORBIDDEN'] },
  { name: 'a LastName', on: [ED], body: info({ LastName: 'Lima' }), violated: ['IN-ED-LASTNAME-FORBIDDEN'] },
  { name: 'an Email', on: [ED], body: info({ Email: 'agent@example.com' }), violated: ['IN-ED-EMAIL-FORBIDDEN'] },
  {
    name: 'empty names and Email',
    on: [ED],
    body: info({ FirstName: '', LastName: '', Email: '' }),
    violated: ['IN-ED-FIRSTNAME-FORBIDDEN', 'IN-ED-LASTNAME-FORBIDDEN', 'IN-ED-EMAIL-FORBIDDEN'],
  },

  // null counts as absent
  { name: 'a FirstName of null', on: [CM], body: info({ FirstName: null }) },
  { name: 'names, Email and Mobile of null', on: ANY, body: info({ FirstName: null, LastName: null, Email: null, Mobile: null }) },
  { name: 'an IdentityInfo of null', on: ANY, body: { IdentityInfo: null }, violated: ['IN-IDENTITYINFO-REQUIRED'] },
  { name: 'a body without IdentityInfo', on: ANY, body: {}, violated: ['IN-IDENTITYINFO-REQUIRED'] },

  // Mobile: readings of the model's pattern
  {
    name: 'a Mobile with text before the + (readings disagree)',
    on: ANY,
    body: info({ Mobile: 'abc+15555550100' }),
    ambiguous: ['OBS-MOBILE-READINGS'],
  },
  { name: 'a Mobile with a leading 0', on: ANY, body: info({ Mobile: '+05555550100' }), violated: ['IN-MOBILE-PATTERN'] },
  { name: 'a Mobile without +', on: ANY, body: info({ Mobile: '15555550100' }), violated: ['IN-MOBILE-PATTERN'] },
  { name: 'a Mobile with one digit', on: ANY, body: info({ Mobile: '+1' }), violated: ['IN-MOBILE-PATTERN'] },
  { name: 'a Mobile with 16 digits', on: ANY, body: info({ Mobile: '+1234567890123456' }), violated: ['IN-MOBILE-PATTERN'] },
  { name: 'a Mobile with letters after the +', on: ANY, body: info({ Mobile: '+1555abc0100' }), violated: ['IN-MOBILE-PATTERN'] },
  { name: 'a Mobile with 15 digits', on: ANY, body: info({ Mobile: '+123456789012345' }) },

  // SecondaryEmail: readings of the documented pattern
  {
    name: 'a SecondaryEmail with trailing text (readings disagree)',
    on: ANY,
    body: info({ SecondaryEmail: 'a@b.co trailing' }),
    ambiguous: ['OBS-SECONDARYEMAIL-READINGS'],
  },
  { name: 'a SecondaryEmail without @', on: ANY, body: info({ SecondaryEmail: 'nope' }), violated: ['IN-SECONDARYEMAIL-PATTERN'] },
  {
    name: 'a SecondaryEmail with leading text',
    on: ANY,
    body: info({ SecondaryEmail: 'x a@b.co' }),
    violated: ['IN-SECONDARYEMAIL-PATTERN'],
  },

  // NFC
  { name: 'a decomposed FirstName', on: NAMES_ALLOWED, body: info({ FirstName: DECOMPOSED }), violated: ['IN-FIRSTNAME-NFC'] },
  { name: 'a decomposed LastName', on: NAMES_ALLOWED, body: info({ LastName: DECOMPOSED }), violated: ['IN-LASTNAME-NFC'] },
  {
    name: 'a decomposed FirstName',
    on: [ED],
    body: info({ FirstName: DECOMPOSED }),
    violated: ['IN-FIRSTNAME-NFC', 'IN-ED-FIRSTNAME-FORBIDDEN'],
  },

  // labels
  { name: 'an empty InstanceId', on: ANY, body: info({}), labels: { ...LABELS, InstanceId: '' }, violated: ['IN-LABEL-EMPTY'] },
  { name: 'an empty UserId', on: ANY, body: info({}), labels: { ...LABELS, UserId: '' }, violated: ['IN-LABEL-EMPTY'] },
  { name: 'no labels at all', on: [undefined], body: info({}), labels: {}, violated: ['IN-LABEL-EMPTY'] },
  {
    name: `an InstanceId of ${INSTANCE_MAX + 1} characters`,
    on: ANY,
    body: info({}),
    labels: { ...LABELS, InstanceId: 'i'.repeat(INSTANCE_MAX + 1) },
    violated: ['IN-INSTANCEID-MAXLEN'],
  },
  {
    name: `an InstanceId of ${INSTANCE_MAX} characters`,
    on: ANY,
    body: info({}),
    labels: { ...LABELS, InstanceId: 'i'.repeat(INSTANCE_MAX) },
  },
  {
    name: `an InstanceId of ${INSTANCE_MAX} astral characters`,
    on: [undefined],
    body: info({}),
    labels: { ...LABELS, InstanceId: astral(INSTANCE_MAX) },
  },

  // body and member types
  ...[[], 'text', 42, true, null, undefined].map(
    (body): Case => ({ name: `a body of ${JSON.stringify(body) ?? 'nothing'}`, on: ANY, body, violated: ['IN-BODY-TYPE'] }),
  ),
  ...['x', [], 7, false].map(
    (v): Case => ({
      name: `an IdentityInfo of ${JSON.stringify(v)}`,
      on: ANY,
      body: { IdentityInfo: v },
      violated: ['IN-IDENTITYINFO-TYPE'],
    }),
  ),
  { name: 'a FirstName that is a number', on: NAMES_ALLOWED, body: info({ FirstName: 5 }), violated: ['IN-FIRSTNAME-TYPE'] },
  { name: 'a LastName that is an array', on: NAMES_ALLOWED, body: info({ LastName: ['Lima'] }), violated: ['IN-LASTNAME-TYPE'] },
  { name: 'an Email that is an object', on: EMAIL_ALLOWED, body: info({ Email: { address: 'a@b.co' } }), violated: ['IN-EMAIL-TYPE'] },
  { name: 'a SecondaryEmail that is a boolean', on: ANY, body: info({ SecondaryEmail: true }), violated: ['IN-SECONDARYEMAIL-TYPE'] },
  { name: 'a Mobile that is a number', on: ANY, body: info({ Mobile: 15555550100 }), violated: ['IN-MOBILE-TYPE'] },
  {
    name: 'a FirstName that is a number',
    on: [ED],
    body: info({ FirstName: 5 }),
    violated: ['IN-FIRSTNAME-TYPE', 'IN-ED-FIRSTNAME-FORBIDDEN'],
  },

  // several at once
  {
    name: 'a long decomposed FirstName, a bad Mobile and an ambiguous SecondaryEmail',
    on: [SAML],
    body: info({ FirstName: DECOMPOSED.repeat(FIRST_MAX), Mobile: '0', SecondaryEmail: 'a@b.co trailing', Email: 'x' }),
    violated: ['IN-FIRSTNAME-MAXLEN', 'IN-FIRSTNAME-NFC', 'IN-MOBILE-PATTERN', 'IN-SAML-EMAIL-FORBIDDEN'],
    ambiguous: ['OBS-SECONDARYEMAIL-READINGS'],
  },
];

// ---------------------------------------------------------------- helpers
const validate = (c: Pick<Case, 'body' | 'labels'>, type: On): ValidationResult =>
  validator.validate(spec.operation.name, { labels: c.labels ?? LABELS, body: c.body }, type);
const sorted = (ids: Iterable<string>) => [...ids].sort();
const messagesOf = (v: ValidationResult) => [...v.violations, ...v.ambiguities].map((f) => f.message);
/** Every string of a JSON value, at any depth. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

describe('requests map to exactly the expected requirement IDs', () => {
  for (const c of CASES) {
    for (const type of c.on) {
      it(`${c.name} on ${type ?? 'an instance of unknown type'}`, () => {
        const verdict = validate(c, type);
        const { violated, ambiguous } = cat.requirementsOf(verdict);
        expect(sorted(violated), 'violated').toEqual(sorted(c.violated ?? []));
        expect(sorted(ambiguous), 'ambiguous').toEqual(sorted(c.ambiguous ?? []));
        // A requirement the verdict names applies to the instance's type.
        if (type) for (const id of [...violated, ...ambiguous]) expect(cat.get(id).appliesTo, id).toContain(type);
        // No message repeats a value that was sent (long enough not to occur by chance).
        for (const sent of stringsIn(c.body).filter((s) => s.length >= 4)) {
          for (const message of messagesOf(verdict)) expect(message).not.toContain(sent);
        }
      });
    }
  }
});

describe('the table covers the catalogue', () => {
  // Two input requirements are about the wire, before there is a request to validate: IN-BODY-JSON (text that is
  // not JSON; parseBody covers it, below) and IN-LABEL-ENCODING (label bytes that are not UTF-8; validate() takes
  // labels already decoded, so the generators' oracle judges the bytes; see 'labels reach the validator decoded').
  const WIRE_ONLY = ['IN-BODY-JSON', 'IN-LABEL-ENCODING'];

  it('names every input requirement except the wire-only ones (IN-BODY-JSON, IN-LABEL-ENCODING)', () => {
    const expected = new Set(CASES.flatMap((c) => c.violated ?? []));
    const inputs = cat.inputs.map((r) => r.id).filter((id) => !WIRE_ONLY.includes(id));
    expect(sorted(expected)).toEqual(sorted(inputs));
    expect(WIRE_ONLY.every((id) => cat.get(id).outcome)).toBe(true);
  });

  it('names every requirement that records an ambiguity', () => {
    const expected = new Set(CASES.flatMap((c) => c.ambiguous ?? []));
    expect(sorted(expected)).toEqual(sorted(spec.requirements.filter((r) => r.ambiguityOf).map((r) => r.id)));
  });

  it('runs on every identity management type of the spec, and on an unknown type', () => {
    const used = new Set(CASES.flatMap((c) => c.on));
    expect(sorted([...used].filter((t): t is string => t !== undefined))).toEqual(sorted(spec.identityManagementTypes));
    expect(used.has(undefined)).toBe(true);
  });

  it('tests each per-type requirement on every type it applies to', () => {
    for (const r of cat.inputs.filter((x) => x.appliesTo.length < spec.identityManagementTypes.length)) {
      for (const type of r.appliesTo) {
        expect(
          CASES.some((c) => c.on.includes(type) && c.violated?.includes(r.id)),
          `${r.id} on ${type}`,
        ).toBe(true);
      }
    }
  });
});

describe('labels reach the validator decoded', () => {
  // The label encoding (IN-LABEL-ENCODING) is a constraint of every label, claimed like any other, but a label
  // whose bytes are not UTF-8 never becomes a string the validator could be given: whoever decodes the request
  // judges it. The validator takes the lenient reading of such a label (U+FFFD for a bad sequence) as valid text.
  it('every label has the encoding constraint, claimed by IN-LABEL-ENCODING', () => {
    for (const label of spec.operation.labels) expect(cat.claiming(`${label.name}.encoding`).id, label.name).toBe('IN-LABEL-ENCODING');
  });

  it.each(['\uFFFD', 'i\uFFFD\uFFFDx', '\uFFFD/'])('takes the decoded label %j as text, with no finding about the encoding', (decoded) => {
    for (const name of spec.operation.labels.map((l) => l.name)) {
      const verdict = validate({ body: info({}), labels: { ...LABELS, [name]: decoded } }, undefined);
      expect(verdict).toEqual({ violations: [], ambiguities: [] });
    }
  });
});

describe('parseBody', () => {
  it.each(['{', '', '{"IdentityInfo":{}} trailing', '{"IdentityInfo":', "{'IdentityInfo':{}}"])(
    'fails on %j with address $body.json',
    (text) => {
      const parsed = validator.parseBody(text);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.finding).toMatchObject({ address: '$body.json', member: '$body', keyword: 'json' });
      expect(cat.requirementsOf({ violations: [parsed.finding], ambiguities: [] })).toEqual({ violated: ['IN-BODY-JSON'], ambiguous: [] });
    },
  );

  it('parses one JSON document, whatever its type (the type is judged by validate)', () => {
    expect(validator.parseBody('{"IdentityInfo":{"FirstName":"Ana"}}')).toEqual({
      ok: true,
      value: { IdentityInfo: { FirstName: 'Ana' } },
    });
    expect(validator.parseBody(' [1] ')).toEqual({ ok: true, value: [1] });
    expect(validator.parseBody('null')).toEqual({ ok: true, value: null });
  });

  it('does not repeat the text it could not parse', () => {
    const parsed = validator.parseBody(`{"IdentityInfo":{"FirstName":"${MARKER}"`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.finding.message).not.toContain(MARKER);
  });
});

describe('messages never contain a sensitive value that was sent', () => {
  const sensitive = spec.members.filter((m) => m.sensitive).map((m) => m.name);

  it('the sensitive members are the names and both emails', () => {
    expect(sorted(sensitive)).toEqual(['Email', 'FirstName', 'LastName', 'SecondaryEmail']);
  });

  const requests: { name: string; type: On; body: unknown; ids: string[] }[] = [
    {
      name: 'FirstName too long and not NFC',
      type: CM,
      body: info({ FirstName: `${MARKER}${DECOMPOSED}`.repeat(FIRST_MAX) }),
      ids: ['IN-FIRSTNAME-MAXLEN', 'IN-FIRSTNAME-NFC'],
    },
    { name: 'FirstName forbidden', type: ED, body: info({ FirstName: MARKER }), ids: ['IN-ED-FIRSTNAME-FORBIDDEN'] },
    {
      name: 'LastName too long for CONNECT_MANAGED',
      type: CM,
      body: info({ LastName: MARKER.repeat(CM_LAST_MAX) }),
      ids: ['IN-LASTNAME-MAXLEN', 'IN-CM-LASTNAME-MAXLEN'],
    },
    { name: 'Email forbidden', type: SAML, body: info({ Email: `${MARKER}@example.com` }), ids: ['IN-SAML-EMAIL-FORBIDDEN'] },
    { name: 'SecondaryEmail violated', type: undefined, body: info({ SecondaryEmail: MARKER }), ids: ['IN-SECONDARYEMAIL-PATTERN'] },
    {
      name: 'SecondaryEmail ambiguous',
      type: undefined,
      body: info({ SecondaryEmail: `${MARKER}@example.com ${MARKER}` }),
      ids: ['OBS-SECONDARYEMAIL-READINGS'],
    },
  ];
  for (const r of requests) {
    it(r.name, () => {
      const verdict = validate({ body: r.body }, r.type);
      const { violated, ambiguous } = cat.requirementsOf(verdict);
      expect(sorted([...violated, ...ambiguous])).toEqual(sorted(r.ids));
      const messages = messagesOf(verdict);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).not.toContain(MARKER);
    });
  }
});

describe('findings', () => {
  it('carry the address of the constraint, the member and the type of a per-type rule', () => {
    const verdict = validate({ body: info({ LastName: '' }) }, CM);
    expect(verdict.violations).toHaveLength(1);
    expect(verdict.violations[0]).toMatchObject({
      address: 'CONNECT_MANAGED:IdentityInfo.LastName.minLength',
      member: 'IdentityInfo.LastName',
      keyword: 'minLength',
      identityManagementType: CM,
    });
    expect(spec.constraints.map((c) => c.address)).toContain(verdict.violations[0]!.address);
  });

  it('name the member in its wire form, AWS style', () => {
    const [finding] = validate({ body: info({ FirstName: DECOMPOSED }) }, undefined).violations;
    expect(finding?.message).toMatch(/^1 validation error detected: Value at 'identityInfo\.firstName' failed to satisfy constraint: /);
  });
});

describe('lengthOf', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(GRIN.length).toBe(2);
    expect(validator.lengthOf(GRIN)).toBe(1);
    expect(validator.lengthOf(astral(FIRST_MAX))).toBe(FIRST_MAX);
    expect(validator.lengthOf(DECOMPOSED)).toBe(5);
    expect(validator.lengthOf('')).toBe(0);
  });
});
