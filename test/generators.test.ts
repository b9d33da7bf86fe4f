// The generators, judged from outside: every case is checked with the spec's validator and catalogue directly
// (not through generators/recheck.ts, so a bug in the oracle cannot hide a wrong label), for each identity
// management type, in the boundary phase and in small random runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue, createValidator, defaultSpec } from '../spec/index.ts';
import { CaseMismatchError, createGenerators, LABEL_INJECTIONS, randomCases, replayCase, type Case } from '../generators/index.ts';

const spec = await defaultSpec();
const cat = catalogue(spec);
const validator = createValidator(spec);
const TYPES = spec.identityManagementTypes;
const OBSERVED_WIRE = ['OBS-CONTENT-TYPE', 'OBS-BODY-SIZE', 'OBS-DUPLICATE-KEYS', 'OBS-NULL-MEMBER', 'OBS-UNKNOWN-MEMBER'];
/** Requirements that record where the readings of a pattern disagree, by the member they are about. */
const READINGS = new Map(spec.requirements.filter((r) => r.ambiguityOf).map((r) => [r.id, r.ambiguityOf!.split('.')[1]!]));
const OBSERVED_IDS = [...OBSERVED_WIRE, ...READINGS.keys()];
const generators = new Map(TYPES.map((t) => [t, createGenerators(spec, t)]));
const gen = (type: string) => generators.get(type)!;

const sorted = (ids: string[]) => [...ids].sort();
const codePoints = (s: string) => [...s].length;
const identityOf = (c: Case) => ((c.body ?? {}) as Record<string, Record<string, unknown>>).IdentityInfo ?? {};
const memberLength = (c: Case, member: string) => codePoints(String(identityOf(c)[member]));

const undecodable = (raw: string) => {
  try {
    decodeURIComponent(raw);
    return false;
  } catch {
    return true;
  }
};

/** The requirements a case violates, and those whose readings disagree on it, by the spec alone. A label that does
 * not decode violates the requirement claiming its `encoding` constraint (the validator reads decoded labels). */
function judge(type: string, c: Case): { violated: string[]; ambiguous: string[] } {
  const badLabels = Object.entries(c.wire.encodedLabels)
    .filter(([, raw]) => undecodable(raw))
    .map(([name]) => cat.claiming(`${name}.encoding`).id);
  const withLabels = (f: { violated: string[]; ambiguous: string[] }) => ({ ...f, violated: [...new Set([...badLabels, ...f.violated])] });
  let body = c.body;
  if (c.kind === 'wire') {
    const parsed = validator.parseBody(c.wire.body);
    if (!parsed.ok) return withLabels(cat.requirementsOf({ violations: [parsed.finding], ambiguities: [] }));
    body = parsed.value;
  }
  return withLabels(cat.requirementsOf(validator.validate(spec.operation.name, { labels: c.labels, body }, type)));
}

/** The outcome an input requirement allows, read from the spec the long way round. */
function outcomeOf(id: string) {
  const o = spec.protocol.outcomes[cat.get(id).outcome!];
  const statusOk = (s: number) => (o.status === '4xx' ? s >= 400 && s < 500 : o.status.includes(s));
  return {
    status: o.status,
    types: o.types === 'any' ? 'any' : sorted(spec.operation.errors.filter((e) => statusOk(e.status)).map((e) => e.type)),
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEMBER_NAMES = spec.members.map((m) => m.name);
const BODY_NAMES = Object.keys(spec.operation.bodySchema?.properties ?? {});
/** The top level and the identity structure of a raw body, as JSON.parse reads them. */
function levels(c: Case): { top: Json; identity: Json } {
  let body: unknown;
  try {
    body = JSON.parse(c.wire.body);
  } catch {
    body = undefined;
  }
  const top = isObject(body) ? body : {};
  return { top, identity: isObject(top.IdentityInfo) ? top.IdentityInfo : {} };
}

/** Evidence, in the raw request, of the anomaly an observed wire case names. */
const ANOMALY: Record<string, (c: Case) => boolean> = {
  'OBS-CONTENT-TYPE': (c) => c.wire.headers['content-type'] !== 'application/json',
  'OBS-BODY-SIZE': (c) => Buffer.byteLength(c.wire.body) > 1024 * 1024,
  'OBS-DUPLICATE-KEYS': (c) => JSON.stringify(JSON.parse(c.wire.body)).length < c.wire.body.length,
  'OBS-NULL-MEMBER': (c) => {
    const { top, identity } = levels(c);
    // A defined member sent as null; a member the schema does not define is unknown, whatever its value.
    return MEMBER_NAMES.some((m) => identity[m] === null) || BODY_NAMES.some((m) => m !== 'IdentityInfo' && top[m] === null);
  },
  'OBS-UNKNOWN-MEMBER': (c) => {
    const { top, identity } = levels(c);
    return Object.keys(top).some((k) => !BODY_NAMES.includes(k)) || Object.keys(identity).some((k) => !MEMBER_NAMES.includes(k));
  },
};
/** No other anomaly than the one named: a null member is only in OBS-NULL-MEMBER cases, an unknown one only in
 * OBS-UNKNOWN-MEMBER cases. */
const CLEAN_OF = ['OBS-NULL-MEMBER', 'OBS-UNKNOWN-MEMBER'];

/** Asserts that a case is exactly what its label says. */
function expectHonest(type: string, c: Case): void {
  const found = judge(type, c);
  expect(c.identityManagementType, c.id).toBe(type);
  if (c.kind === 'wire')
    for (const id of CLEAN_OF.filter((x) => !c.requirementIds.includes(x))) expect(ANOMALY[id]!(c), `${c.id} ${id}`).toBe(false);
  if (c.kind === 'observed') {
    // The only finding is that the readings of one member's pattern disagree; the SDK can send it.
    expect([c.requirementIds.length, READINGS.has(c.requirementIds[0]!)], c.id).toEqual([1, true]);
    expect(found, c.id).toEqual({ violated: [], ambiguous: c.requirementIds });
    expect([c.expected, c.channel], c.id).toEqual([{ outcome: 'observed' }, 'sdk']);
    return;
  }
  expect(found.ambiguous, c.id).toEqual([]);
  if (c.kind === 'valid') {
    expect(found.violated, c.id).toEqual([]);
    if (c.expected.outcome === 'accepted') {
      expect(c.requirementIds, c.id).toContain('OK-ACCEPT-VALID');
      expect(c.expected.status, c.id).toEqual([spec.operation.successStatus]);
    } else {
      expect([c.requirementIds, c.expected.outcome], c.id).toEqual([['OBS-OMITTED-NAMES'], 'observed']);
    }
    return;
  }
  const inputs = c.requirementIds.filter((id) => !OBSERVED_WIRE.includes(id));
  expect(sorted(found.violated), c.id).toEqual(sorted(inputs));
  if (inputs.length) {
    expect(c.expected.outcome, c.id).toBe('rejected');
    if (inputs.length === 1 && c.expected.outcome === 'rejected') {
      const o = outcomeOf(inputs[0]!);
      expect({ status: c.expected.status, types: c.expected.types === 'any' ? 'any' : sorted(c.expected.types) }, c.id).toEqual(o);
    }
    return;
  }
  expect([c.kind, c.expected, c.requirementIds.length], c.id).toEqual(['wire', { outcome: 'observed' }, 1]);
  expect(ANOMALY[c.requirementIds[0]!]!(c), c.id).toBe(true);
}

/** The SDK can send a case only when its body is the SDK's typed input. */
function expectChannel(c: Case): void {
  if (c.channel === 'raw') return;
  expect(c.kind, c.id).not.toBe('wire');
  expect(
    Object.keys(c.body as object).every((k) => k === 'IdentityInfo'),
    c.id,
  ).toBe(true);
  expect(
    Object.values(identityOf(c)).every((v) => typeof v === 'string'),
    c.id,
  ).toBe(true);
}

const applicable = (type: string) => cat.inputs.filter((r) => r.appliesTo.includes(type)).map((r) => r.id);

describe.each(TYPES)('boundary phase for %s', (type) => {
  const cases = gen(type).boundaryCases();

  it('labels every case honestly: valid ones pass, invalid ones violate exactly their label, wire ones show their anomaly', () => {
    for (const c of cases) {
      expectHonest(type, c);
      expectChannel(c);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.every((c) => c.id.startsWith('boundary:'))).toBe(true);
  });

  it('reaches every input requirement that applies to the type, within its first round', () => {
    const ids = applicable(type);
    const covered = (list: Case[]) => new Set(list.flatMap((c) => c.requirementIds));
    expect(sorted(ids.filter((id) => covered(cases).has(id)))).toEqual(sorted(ids));
    expect(sorted(ids.filter((id) => covered(cases.slice(0, ids.length)).has(id)))).toEqual(sorted(ids));
    expect(gen(type).inputRequirementIds).toEqual(ids);
    expect(ids).toContain('IN-LABEL-ENCODING');
  });

  it('observes null members: only members the type allows and does not need, the rest of the structure valid', () => {
    const nulls = cases.filter((c) => c.requirementIds.includes('OBS-NULL-MEMBER'));
    // Null counts as absent: never a member the type forbids (it would hide that violation), never a name (its
    // omission is itself observed, OBS-OMITTED-NAMES).
    const nullable = MEMBER_NAMES.filter((m) => !['FirstName', 'LastName', ...spec.typeRules[type]!.forbidden].includes(m));
    const nulled = (c: Case) =>
      Object.entries(levels(c).identity)
        .filter(([, v]) => v === null)
        .map(([k]) => k);
    expect(nulls.map((c) => [c.id.split(':').at(-1), nulled(c)])).toEqual([
      ['one-member', nullable.slice(0, 1)],
      ['every-member', nullable],
    ]);
    for (const c of nulls) {
      const rest = Object.fromEntries(Object.entries(levels(c).identity).filter(([, v]) => v !== null));
      expect(
        cat.requirementsOf(validator.validate(spec.operation.name, { labels: c.labels, body: { IdentityInfo: rest } }, type)),
        c.id,
      ).toEqual({ violated: [], ambiguous: [] });
      expect(Object.keys(rest), c.id).toEqual(
        expect.arrayContaining(
          MEMBER_NAMES.filter((m) => ['FirstName', 'LastName'].includes(m) && !spec.typeRules[type]!.forbidden.includes(m)),
        ),
      );
    }
  });

  it('observes members the schema does not define, in the identity structure and at the top of the body', () => {
    const unknown = cases.filter((c) => c.requirementIds.includes('OBS-UNKNOWN-MEMBER'));
    expect(unknown.map((c) => c.id.split(':').at(-1))).toEqual(['identity', 'body']);
    const [inIdentity, inBody] = unknown.map(levels);
    expect(Object.keys(inIdentity!.identity).filter((k) => !MEMBER_NAMES.includes(k))).toHaveLength(1);
    expect(Object.keys(inIdentity!.top)).toEqual(['IdentityInfo']);
    expect(Object.keys(inBody!.top).filter((k) => k !== 'IdentityInfo')).toHaveLength(1);
    expect(Object.keys(inBody!.identity).every((k) => MEMBER_NAMES.includes(k))).toBe(true);
  });

  it('observes, once per member with readings, a value the readings disagree on, the rest of the structure as every other case has it', () => {
    const base = identityOf(cases.find((c) => c.id === 'boundary:valid:structure:all-members')!);
    for (const [id, member] of READINGS) {
      const found = cases.filter((c) => c.requirementIds.includes(id));
      expect(
        found.map((c) => c.kind),
        id,
      ).toEqual(['observed']);
      const value = String(identityOf(found[0]!)[member]);
      const verdicts = spec.members.find((m) => m.name === member)!.readings.map((r) => r.regex.test(value));
      expect(verdicts, `${id} ${JSON.stringify(value)}`).toEqual(expect.arrayContaining([true, false]));
      expect({ ...identityOf(found[0]!), [member]: base[member] }).toEqual(base);
      expect(value).not.toBe(base[member]);
      // Mail-safe (docs/contract.md A9): every address-shaped part is in a reserved domain.
      for (const [address] of value.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g))
        expect(address).toMatch(/\.(invalid|test|example)$/);
      expect(gen(type).readingSearches.find((x) => x.requirementId === id)).toMatchObject({ found: true, member, value });
    }
    // The contract's own examples are of these shapes: text before a clean Mobile, text after a clean SecondaryEmail.
    const value = (id: string) => String(identityOf(cases.find((c) => c.requirementIds.includes(id))!)[READINGS.get(id)!]);
    expect(value('OBS-MOBILE-READINGS')).toMatch(/^\D+\+[1-9]\d{1,14}$/);
    expect(value('OBS-SECONDARYEMAIL-READINGS').startsWith(String(base.SecondaryEmail))).toBe(true);
  });

  // Mobile has the most ways to break: six edits of a clean number and four ways of writing it with separators.
  it('keeps each requirement to a handful of boundary cases (at most 10)', () => {
    const perRequirement = new Map<string, number>();
    for (const c of cases.filter((x) => x.kind !== 'valid'))
      perRequirement.set(c.requirementIds[0]!, (perRequirement.get(c.requirementIds[0]!) ?? 0) + 1);
    expect(Math.max(...perRequirement.values())).toBeLessThanOrEqual(10);
  });

  it('never uses a forbidden member in a valid case', () => {
    const forbidden = spec.typeRules[type]!.forbidden;
    for (const c of cases.filter((x) => x.kind === 'valid'))
      expect(
        Object.keys(identityOf(c)).filter((m) => forbidden.includes(m)),
        c.id,
      ).toEqual([]);
  });

  it('proves code-point lengths with names of the maximum length in astral characters', () => {
    for (const m of spec.members.filter((x) => x.maxLength !== undefined && !spec.typeRules[type]!.forbidden.includes(x.name))) {
      const max = spec.typeRules[type]!.constraints[m.name]?.maxLength ?? m.maxLength!;
      const astral = cases.find(
        (c) => c.kind === 'valid' && memberLength(c, m.name) === max && String(identityOf(c)[m.name]).length === 2 * max,
      );
      expect(astral?.requirementIds, `${type} ${m.name}`).toEqual(
        expect.arrayContaining(['OK-ACCEPT-VALID', 'OK-MODEL-BOUNDS', 'OK-LENGTH-CODEPOINTS']),
      );
      const over = cases.filter((c) => c.requirementIds[0] === cat.claiming(`IdentityInfo.${m.name}.maxLength`).id);
      expect(over.map((c) => memberLength(c, m.name))).toEqual([m.maxLength! + 1, m.maxLength! + 1]);
      expect(over.some((c) => String(identityOf(c)[m.name]).length === 2 * (m.maxLength! + 1))).toBe(true);
    }
  });

  it('violates the Mobile pattern in every way the contract lists, each rejected by every reading', () => {
    const mobile = spec.members.find((m) => m.name === 'Mobile')!;
    const violations = cases.filter((c) => c.requirementIds[0] === 'IN-MOBILE-PATTERN');
    expect(violations.map((c) => c.id.split(':').at(-1))).toEqual(
      expect.arrayContaining(['drop-first', 'leading-zero', 'too-short', 'too-long', 'letter-for-digit', 'non-ascii-digit']),
    );
    // Numbers as people write them, which a normalising store would accept: `+1 555 555 0100`, `+1-555-…`, `+1.555…`,
    // `+1 (555) 555-0100`.
    const written = (edit: string) => String(identityOf(violations.find((c) => c.id.endsWith(`:${edit}`))!).Mobile);
    expect(written('spaces-between-digits')).toMatch(/^\+\d( \d{1,4})+$/);
    expect(written('hyphens-between-digits')).toMatch(/^\+\d(-\d{1,4})+$/);
    expect(written('periods-between-digits')).toMatch(/^\+\d(\.\d{1,4})+$/);
    expect(written('parentheses-around-digits')).toMatch(/^\+\d \(\d{1,3}\) \d+(-\d+)*$/);
    for (const edit of ['spaces-between-digits', 'hyphens-between-digits', 'periods-between-digits', 'parentheses-around-digits']) {
      expect(written(edit).replace(/[ ().-]/g, ''), edit).toBe(
        String(identityOf(cases.find((c) => c.id === 'boundary:valid:structure:all-members')!).Mobile),
      );
    }
    for (const c of violations)
      for (const r of mobile.readings) expect(r.regex.test(String(identityOf(c).Mobile)), `${c.id} ${r.reading}`).toBe(false);
    for (const c of cases.filter((x) => x.kind === 'valid' && 'Mobile' in identityOf(x))) {
      for (const r of mobile.readings) expect(r.regex.test(String(identityOf(c).Mobile)), c.id).toBe(true);
    }
  });

  it('sends a decomposed real name for each NFC rule', () => {
    for (const id of ['IN-FIRSTNAME-NFC', 'IN-LASTNAME-NFC']) {
      const decomposed = cases.find((c) => c.id === `boundary:${id}:decomposed`);
      expect(Object.values(identityOf(decomposed!))).toContain('José'.normalize('NFD'));
    }
  });
});

describe('boundary phase, per type rules', () => {
  const find = (type: string, id: string) =>
    gen(type)
      .boundaryCases()
      .filter((c) => c.requirementIds.includes(id));

  it('sends Email on SAML, names and Email on EXISTING_DIRECTORY, each violating only the per-type rule', () => {
    expect(find('SAML', 'IN-SAML-EMAIL-FORBIDDEN').filter((c) => c.requirementIds.length === 1).length).toBeGreaterThan(0);
    for (const [id, member] of [
      ['IN-ED-FIRSTNAME-FORBIDDEN', 'FirstName'],
      ['IN-ED-LASTNAME-FORBIDDEN', 'LastName'],
      ['IN-ED-EMAIL-FORBIDDEN', 'Email'],
    ] as const) {
      const alone = find('EXISTING_DIRECTORY', id).filter((c) => c.requirementIds.length === 1);
      expect(alone.map((c) => member in identityOf(c))).toContain(true);
    }
  });

  it('sends empty names and a LastName of 257 on CONNECT_MANAGED, and labels a LastName of 301 with both bounds', () => {
    expect(find('CONNECT_MANAGED', 'IN-CM-FIRSTNAME-MINLEN').map((c) => identityOf(c).FirstName)).toEqual(['']);
    expect(find('CONNECT_MANAGED', 'IN-CM-LASTNAME-MINLEN').map((c) => identityOf(c).LastName)).toEqual(['']);
    const over = find('CONNECT_MANAGED', 'IN-CM-LASTNAME-MAXLEN');
    expect(over.filter((c) => c.requirementIds.length === 1).map((c) => memberLength(c, 'LastName'))).toEqual([257, 257]);
    expect(over.filter((c) => c.requirementIds.length === 2).map((c) => [memberLength(c, 'LastName'), sorted(c.requirementIds)])).toEqual([
      [301, ['IN-CM-LASTNAME-MAXLEN', 'IN-LASTNAME-MAXLEN']],
      [301, ['IN-CM-LASTNAME-MAXLEN', 'IN-LASTNAME-MAXLEN']],
    ]);
  });

  it('sends an InstanceId one over its maximum, empty labels, and label bytes that are not UTF-8', () => {
    const cases = gen('SAML').boundaryCases();
    expect(cases.filter((c) => c.requirementIds[0] === 'IN-INSTANCEID-MAXLEN').map((c) => codePoints(c.labels.InstanceId!))).toEqual([
      101, 101,
    ]);
    expect(cases.filter((c) => c.requirementIds[0] === 'IN-LABEL-EMPTY').map((c) => c.wire.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/users\/\/[^/]+\/identity-info$/),
        expect.stringMatching(/^\/users\/[^/]+\/\/identity-info$/),
      ]),
    );
  });

  it('sends label bytes that are not UTF-8 in each label, as raw requests rejected with any 4xx that carries a type (IN-LABEL-ENCODING)', () => {
    const cases = gen('SAML').boundaryCases();
    const encoding = cases.filter((c) => c.requirementIds.includes('IN-LABEL-ENCODING'));
    const { InstanceId, UserId } = cases.find((c) => c.kind === 'valid')!.wire.encodedLabels;
    const bad = ['%FF', '%C0%AF', '%ED%A0%80', '%E2%82'];
    expect(encoding.map((c) => c.wire.path).sort()).toEqual(
      [...bad.map((b) => `/users/${b}/${UserId}/identity-info`), ...bad.map((b) => `/users/${InstanceId}/${b}/identity-info`)].sort(),
    );
    for (const c of encoding) {
      expect([c.kind, c.channel, c.requirementIds], c.id).toEqual(['wire', 'raw', ['IN-LABEL-ENCODING']]);
      expect(c.expected, c.id).toEqual({ outcome: 'rejected', status: '4xx', types: 'any' });
      // Otherwise valid: the body is the structure every other case starts from, the decoded label is the lenient reading.
      expect(c.wire.body, c.id).toBe(cases.find((x) => x.id === 'boundary:valid:structure:all-members')!.wire.body);
      expect(
        Object.values(c.labels).some((l) => l.includes('\uFFFD')),
        c.id,
      ).toBe(true);
    }
    expect(cases.some((c) => c.requirementIds.includes('SRV-NO-5XX'))).toBe(false);
  });

  it('keeps names of valid cases to the per-type bounds: 1..255 and 1..256 on CONNECT_MANAGED, 0..255 and 0..300 on SAML', () => {
    const lengths = (type: string, member: string) =>
      sorted(
        gen(type)
          .boundaryCases()
          .filter((c) => new RegExp(`^boundary:valid:${member}:len-\\d+$`).test(c.id))
          .map((c) => String(memberLength(c, member))),
      );
    expect(lengths('CONNECT_MANAGED', 'FirstName')).toEqual(expect.arrayContaining(['1', '2', '254', '255']));
    expect(lengths('CONNECT_MANAGED', 'LastName')).toEqual(expect.arrayContaining(['1', '2', '255', '256']));
    expect(lengths('SAML', 'FirstName')).toEqual(expect.arrayContaining(['0', '1', '254', '255']));
    expect(lengths('SAML', 'LastName')).toEqual(expect.arrayContaining(['0', '1', '299', '300']));
  });
});

describe.each(TYPES)('random phase for %s', (type) => {
  const g = gen(type);
  const seed = 20260808;

  it('gives valid cases that pass the validator, and identity infos with every name the type allows', () => {
    fc.assert(
      fc.property(g.validCase, (c) => {
        expectHonest(type, c);
        expectChannel(c);
      }),
      { seed, numRuns: 60 },
    );
    const allowedNames = ['FirstName', 'LastName'].filter((m) => !spec.typeRules[type]!.forbidden.includes(m));
    fc.assert(
      fc.property(g.validStructure, (identity) => {
        expect(
          cat.requirementsOf(
            validator.validate(spec.operation.name, { labels: { InstanceId: 'i', UserId: 'u' }, body: { IdentityInfo: identity } }, type),
          ),
        ).toEqual({ violated: [], ambiguous: [] });
        for (const m of allowedNames) expect(identity).toHaveProperty(m);
      }),
      { seed, numRuns: 40 },
    );
  });

  it('gives invalid cases of every applicable requirement, each violating exactly its label', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(g.invalidCase, (c) => {
        expectHonest(type, c);
        expectChannel(c);
        seen.add(c.requirementIds[0]!);
      }),
      { seed, numRuns: 250 },
    );
    for (const id of applicable(type)) {
      fc.assert(
        fc.property(g.invalidCaseFor(id), (c) => {
          expect(c.requirementIds).toContain(id);
        }),
        { seed, numRuns: 3 },
      );
    }
    expect(seen.size).toBeGreaterThan(applicable(type).length / 2);
  });

  it('gives wire cases that are invalid raw requests or exactly one observed anomaly, over every such requirement', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(g.wireCase, (c) => {
        expectHonest(type, c);
        for (const id of c.requirementIds) seen.add(id);
      }),
      { seed, numRuns: 150 },
    );
    expect(sorted([...seen])).toEqual(sorted(['IN-BODY-JSON', 'IN-BODY-TYPE', 'IN-LABEL-ENCODING', ...OBSERVED_IDS]));
    expect(sorted(g.observedRequirementIds)).toEqual(sorted(OBSERVED_IDS));
  });

  it.each(OBSERVED_IDS)('gives observed cases of %s, each exactly that observation', (id) => {
    const values = new Set<string>();
    fc.assert(
      fc.property(g.observedCaseFor(id), (c) => {
        expectHonest(type, c);
        expect(c.requirementIds).toEqual([id]);
        values.add(c.wire.body);
      }),
      { seed, numRuns: id === 'OBS-BODY-SIZE' ? 5 : 40 },
    );
    if (id !== 'OBS-BODY-SIZE') expect(values.size).toBeGreaterThan(10);
    expect(g.arbitrary(`observed:${id}`)).toBe(g.observedCaseFor(id));
  });

  it('gives label bytes of every kind that is not UTF-8, the fixed ones and random ones, between random valid text', () => {
    const kinds = new Set<string>();
    const sequences = new Set<string>();
    fc.assert(
      fc.property(g.invalidCaseFor('IN-LABEL-ENCODING'), (c) => {
        expectHonest(type, c);
        const broken = Object.entries(c.wire.encodedLabels).filter(([, raw]) => undecodable(raw));
        expect(broken, c.id).toHaveLength(1);
        kinds.add(c.id.split(':').at(-1)!);
        // The bad bytes: the run of non-ASCII percent-encoded bytes that does not decode.
        for (const run of broken[0]![1].match(/(%[89A-F][0-9A-F])+/g) ?? []) if (undecodable(run)) sequences.add(run);
      }),
      { seed, numRuns: 100 },
    );
    expect(sorted([...kinds])).toEqual(['cut-sequence', 'encoded-surrogate', 'invalid-byte', 'overlong']);
    expect([...sequences].filter((x) => !['%FF', '%C0%AF', '%ED%A0%80', '%E2%82'].includes(x)).length).toBeGreaterThan(10);
  });
});

describe('reproducibility', () => {
  const g = gen('CONNECT_MANAGED');

  it('gives the same cases for the same seed, and other cases for another seed', () => {
    for (const generator of ['valid', 'invalid', 'wire', 'observed:OBS-MOBILE-READINGS', 'observed:OBS-NULL-MEMBER']) {
      const a = randomCases(g, { generator, seed: 7, runs: 15 });
      const b = randomCases(createGenerators(spec, 'CONNECT_MANAGED'), { generator, seed: 7, runs: 15 });
      expect(b).toEqual(a);
      expect(randomCases(g, { generator, seed: 8, runs: 15 })).not.toEqual(a);
    }
    expect(createGenerators(spec, 'CONNECT_MANAGED').boundaryCases()).toEqual(g.boundaryCases());
  });

  it('re-creates a random case from its seed and path, including a shrunk counterexample', () => {
    const cases = randomCases(g, { generator: 'invalid:IN-FIRSTNAME-MAXLEN', seed: 11, runs: 10 });
    expect(replayCase(spec, 'CONNECT_MANAGED', cases[6]!.replay!)).toEqual(cases[6]);
    const run = fc.check(
      fc.property(g.arbitrary('invalid:IN-FIRSTNAME-MAXLEN'), (c) => memberLength(c, 'FirstName') < 257),
      { seed: 11, numRuns: 100 },
    );
    expect(run.failed).toBe(true);
    const shrunk = run.counterexample![0];
    expect(memberLength(shrunk, 'FirstName')).toBe(257);
    const replayed = replayCase(spec, 'CONNECT_MANAGED', {
      generator: 'invalid:IN-FIRSTNAME-MAXLEN',
      seed: 11,
      path: run.counterexamplePath!,
    });
    expect({ ...replayed, id: shrunk.id, replay: undefined }).toEqual({ ...shrunk, replay: undefined });
  });

  it('re-creates observed cases by name, through arbitrary(name) as replayCase does', () => {
    for (const generator of ['observed:OBS-SECONDARYEMAIL-READINGS', 'observed:OBS-UNKNOWN-MEMBER', 'invalid:IN-LABEL-ENCODING']) {
      const cases = randomCases(g, { generator, seed: 13, runs: 8 });
      expect(replayCase(spec, 'CONNECT_MANAGED', cases[5]!.replay!)).toEqual(cases[5]);
    }
    expect(() => g.arbitrary('observed:OBS-CONTENT-TYPES')).toThrow(/not an observed requirement the generators make cases of/);
    expect(() => g.arbitrary('observed:IN-FIRSTNAME-MAXLEN')).toThrow(/not an observed requirement/);
  });
});

describe('the oracle fails closed', () => {
  const g = gen('CONNECT_MANAGED');
  const cases = g.boundaryCases();
  const one = (prefix: string) => cases.find((c) => c.id.startsWith(prefix))!;

  it('throws, naming the case, when a label or a body is changed after generation', () => {
    const invalid = one('boundary:IN-FIRSTNAME-MAXLEN:over-max');
    expect(() => g.recheck({ ...invalid, requirementIds: ['IN-LASTNAME-MAXLEN'] })).toThrow(CaseMismatchError);
    expect(() => g.recheck({ ...invalid, requirementIds: ['IN-LASTNAME-MAXLEN'] })).toThrow(/boundary:IN-FIRSTNAME-MAXLEN:over-max/);
    const valid = one('boundary:valid:structure:all-members');
    const tooLong = { ...valid, body: { IdentityInfo: { ...identityOf(valid), FirstName: 'x'.repeat(256) } } };
    expect(() => g.recheck({ ...tooLong, wire: { ...valid.wire, body: JSON.stringify(tooLong.body) } })).toThrow(/IN-FIRSTNAME-MAXLEN/);
    const contentType = one('boundary:OBS-CONTENT-TYPE:');
    expect(() => g.recheck({ ...contentType, wire: { ...contentType.wire, headers: { 'content-type': 'application/json' } } })).toThrow(
      /violates nothing/,
    );
    expect(() => g.recheck({ ...invalid, expected: { outcome: 'rejected', status: [404], types: 'any' } })).toThrow(/expects/);
    expect(() => createGenerators(spec, 'NOT_A_TYPE')).toThrow(/unknown identity management type/);
  });

  /** A wire case with another body, its text and value kept in step. */
  const withBody = (c: Case, body: unknown): Case => ({ ...c, body, wire: { ...c.wire, body: JSON.stringify(body) } });

  it('judges label bytes that are not UTF-8 as a violation of the label encoding, not an anomaly', () => {
    const bad = one('boundary:IN-LABEL-ENCODING:UserId:overlong');
    expect(() => g.recheck({ ...bad, requirementIds: ['SRV-NO-5XX'], expected: { outcome: 'observed' } })).toThrow(
      /labelled SRV-NO-5XX but the oracle finds IN-LABEL-ENCODING/,
    );
    expect(() => g.recheck({ ...bad, expected: { outcome: 'rejected', status: [400], types: ['InvalidParameterException'] } })).toThrow(
      /expects/,
    );
    // The same request with a label that decodes violates nothing.
    const fixed = { ...bad.wire.encodedLabels, UserId: 'user-1' };
    expect(() =>
      g.recheck({
        ...bad,
        labels: { ...bad.labels, UserId: 'user-1' },
        wire: { ...bad.wire, encodedLabels: fixed, path: bad.wire.path.replace('%C0%AF', 'user-1') },
      }),
    ).toThrow(/violates nothing/);
  });

  it('accepts an observed case only when the readings that disagree on it are exactly its label', () => {
    const mobile = one('boundary:OBS-MOBILE-READINGS:');
    expect(g.recheck(mobile)).toBe(mobile);
    expect(() => g.recheck({ ...mobile, requirementIds: ['OBS-SECONDARYEMAIL-READINGS'] })).toThrow(
      /labelled OBS-SECONDARYEMAIL-READINGS but the oracle finds OBS-MOBILE-READINGS/,
    );
    const both = {
      IdentityInfo: { ...identityOf(mobile), SecondaryEmail: identityOf(one('boundary:OBS-SECONDARYEMAIL-READINGS:')).SecondaryEmail },
    };
    expect(() => g.recheck(withBody(mobile, both))).toThrow(/but the oracle finds OBS-MOBILE-READINGS, OBS-SECONDARYEMAIL-READINGS/);
    const agreed = { IdentityInfo: { ...identityOf(mobile), Mobile: identityOf(one('boundary:valid:structure:all-members')).Mobile } };
    expect(() => g.recheck(withBody(mobile, agreed))).toThrow(/the readings agree on it/);
    const alsoInvalid = { IdentityInfo: { ...identityOf(mobile), FirstName: '' } };
    expect(() => g.recheck(withBody(mobile, alsoInvalid))).toThrow(/an observed case violates IN-CM-FIRSTNAME-MINLEN/);
    // A valid case is still refused where the readings disagree.
    const valid = one('boundary:valid:structure:all-members');
    expect(() => g.recheck(withBody(valid, { IdentityInfo: identityOf(mobile) }))).toThrow(
      /readings disagree on it \(OBS-MOBILE-READINGS\)/,
    );
  });

  it('reads null and unknown members from the raw body, where the validator cannot see them', () => {
    const nulls = one('boundary:OBS-NULL-MEMBER:one-member');
    const unknown = one('boundary:OBS-UNKNOWN-MEMBER:identity');
    expect(() => g.recheck({ ...nulls, requirementIds: ['OBS-UNKNOWN-MEMBER'] })).toThrow(/but the oracle finds OBS-NULL-MEMBER/);
    expect(() => g.recheck({ ...unknown, requirementIds: ['OBS-NULL-MEMBER'] })).toThrow(/but the oracle finds OBS-UNKNOWN-MEMBER/);
    const both = { IdentityInfo: { ...identityOf(unknown), Mobile: null } };
    expect(() => g.recheck(withBody(unknown, both))).toThrow(/but the oracle finds OBS-NULL-MEMBER, OBS-UNKNOWN-MEMBER/);
    // A null name is also an omitted name: the null does not hide that observation.
    expect(() => g.recheck(withBody(nulls, { IdentityInfo: { ...identityOf(nulls), FirstName: null } }))).toThrow(
      /the oracle finds OBS-NULL-MEMBER, OBS-OMITTED-NAMES/,
    );
    // A valid case or an invalid one must not carry either.
    const valid = one('boundary:valid:structure:all-members');
    expect(() => g.recheck({ ...valid, body: { ...(valid.body as object), Extra: 1 } })).toThrow(
      /a valid case violates OBS-UNKNOWN-MEMBER/,
    );
    const invalid = one('boundary:IN-FIRSTNAME-MAXLEN:over-max');
    expect(() => g.recheck({ ...invalid, body: { IdentityInfo: { ...identityOf(invalid), Mobile: null } } })).toThrow(
      /an invalid case has wire anomalies \(OBS-NULL-MEMBER\)/,
    );
  });

  it('refuses a null that would hide a violation: a member the type forbids', () => {
    const saml = gen('SAML');
    const nulls = saml.boundaryCases().find((c) => c.id === 'boundary:OBS-NULL-MEMBER:one-member')!;
    const hiding = { IdentityInfo: { ...identityOf(nulls), Email: null } };
    expect(() => saml.recheck(withBody(nulls, hiding))).toThrow(/IdentityInfo\.Email is null, which counts as absent, but SAML forbids it/);
  });
});

describe('withLabels', () => {
  const g = gen('CONNECT_MANAGED');
  const fixture = { InstanceId: 'fixture-instance', UserId: 'fixture-user' };

  it('aims every case at other labels, keeping the labels a case is about, and re-checks it', () => {
    for (const c of g.boundaryCases()) {
      const moved = g.withLabels(c, fixture);
      expect(moved.requirementIds, c.id).toEqual(c.requirementIds);
      const about = c.requirementIds.some((id) => ['IN-LABEL-EMPTY', 'IN-INSTANCEID-MAXLEN', 'IN-LABEL-ENCODING'].includes(id));
      if (!about) expect(moved.labels, c.id).toEqual(fixture);
      if (c.requirementIds.includes('IN-LABEL-ENCODING')) {
        // Only the label whose bytes are bad is kept; the other one is the fixture's.
        const [name, raw] = Object.entries(c.wire.encodedLabels).find(([, r]) => undecodable(r))!;
        expect(moved.labels, c.id).toEqual({ ...fixture, [name]: c.labels[name] });
        expect(moved.wire.encodedLabels[name], c.id).toBe(raw);
        expect([moved.kind, moved.expected], c.id).toEqual([c.kind, c.expected]);
      }
      if (c.requirementIds.includes('IN-LABEL-EMPTY')) expect(Object.values(moved.labels), c.id).toContain('');
      expect([moved.kind, moved.channel], c.id).toEqual([c.kind, c.channel]);
    }
  });
});

describe('label injections', () => {
  const g = gen('CONNECT_MANAGED');
  const fixture = { InstanceId: 'c0a1b2c3-0000-4000-8000-000000000001', UserId: 'a0000000-0000-4000-8000-000000000001' };
  const valid = g.boundaryCases().find((c) => c.id === 'boundary:valid:structure:all-members')!;

  it('aim a valid case through a label that names nothing but reads, decoded and resolved, as the path of another ID', () => {
    const wire = (kind: (typeof LABEL_INJECTIONS)[number]) =>
      g.withInjectedLabel(valid, fixture, 'UserId', kind, 'missing', fixture.UserId);
    expect(LABEL_INJECTIONS.map((k) => [k, wire(k).labels.UserId, wire(k).wire.encodedLabels.UserId, wire(k).channel])).toEqual([
      ['encoded-slash', `missing/${fixture.UserId}`, `missing%2F${fixture.UserId}`, 'sdk'],
      ['dot-segments', `missing/../${fixture.UserId}`, `missing%2F..%2F${fixture.UserId}`, 'sdk'],
      ['encoded-dot-segments', `missing/../${fixture.UserId}`, `missing%2F%2e%2e%2F${fixture.UserId}`, 'raw'],
      ['double-encoded', `missing%2F..%2F${fixture.UserId}`, `missing%252F..%252F${fixture.UserId}`, 'sdk'],
    ]);
    for (const k of LABEL_INJECTIONS) {
      const c = wire(k);
      expect([c.kind, c.expected.outcome, c.labels.InstanceId, c.body], k).toEqual(['valid', 'accepted', fixture.InstanceId, valid.body]);
      expect(c.wire.path, k).toBe(`/users/${fixture.InstanceId}/${c.wire.encodedLabels.UserId}/identity-info`);
    }
  });

  it('are re-checked: an injected InstanceId past its maximum length is refused, as any case that is not what it says', () => {
    expect(() => g.withInjectedLabel(valid, fixture, 'InstanceId', 'dot-segments', 'x'.repeat(100), fixture.InstanceId)).toThrow(
      CaseMismatchError,
    );
    expect(() => g.withInjectedLabel(valid, fixture, 'Nowhere', 'dot-segments', 'x', 'y')).toThrow(/Nowhere is not a label/);
  });
});
