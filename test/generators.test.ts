// The generators, judged from outside: every case is checked with the spec's validator and catalogue directly
// (not through generators/recheck.ts, so a bug in the oracle cannot hide a wrong label), for each identity
// management type, in the boundary phase and in small random runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue, createValidator, defaultSpec } from '../spec/index.ts';
import { CaseMismatchError, createGenerators, randomCases, replayCase, type Case } from '../generators/index.ts';

const spec = await defaultSpec();
const cat = catalogue(spec);
const validator = createValidator(spec);
const TYPES = spec.identityManagementTypes;
const OBSERVED_WIRE = ['OBS-CONTENT-TYPE', 'OBS-BODY-SIZE', 'OBS-DUPLICATE-KEYS', 'SRV-NO-5XX'];
const generators = new Map(TYPES.map((t) => [t, createGenerators(spec, t)]));
const gen = (type: string) => generators.get(type)!;

const sorted = (ids: string[]) => [...ids].sort();
const codePoints = (s: string) => [...s].length;
const identityOf = (c: Case) => ((c.body ?? {}) as Record<string, Record<string, unknown>>).IdentityInfo ?? {};
const memberLength = (c: Case, member: string) => codePoints(String(identityOf(c)[member]));

/** The requirements a case violates, and those whose readings disagree on it, by the spec alone. */
function judge(type: string, c: Case): { violated: string[]; ambiguous: string[] } {
  let body = c.body;
  if (c.kind === 'wire') {
    const parsed = validator.parseBody(c.wire.body);
    if (!parsed.ok) return cat.requirementsOf({ violations: [parsed.finding], ambiguities: [] });
    body = parsed.value;
  }
  return cat.requirementsOf(validator.validate(spec.operation.name, { labels: c.labels, body }, type));
}

/** The outcome an input requirement allows, read from the spec the long way round. */
function outcomeOf(id: string) {
  const o = spec.protocol.outcomes[cat.get(id).outcome!];
  const statusOk = (s: number) => (o.status === '4xx' ? s >= 400 && s < 500 : o.status.includes(s));
  return { status: o.status, types: o.types === 'any' ? 'any' : sorted(spec.operation.errors.filter((e) => statusOk(e.status)).map((e) => e.type)) };
}

const undecodable = (raw: string) => {
  try {
    decodeURIComponent(raw);
    return false;
  } catch {
    return true;
  }
};

/** Evidence, in the raw request, of the anomaly an observed wire case names. */
const ANOMALY: Record<string, (c: Case) => boolean> = {
  'OBS-CONTENT-TYPE': (c) => c.wire.headers['content-type'] !== 'application/json',
  'OBS-BODY-SIZE': (c) => Buffer.byteLength(c.wire.body) > 1024 * 1024,
  'OBS-DUPLICATE-KEYS': (c) => JSON.stringify(JSON.parse(c.wire.body)).length < c.wire.body.length,
  'SRV-NO-5XX': (c) => Object.values(c.wire.encodedLabels).some(undecodable),
};

/** Asserts that a case is exactly what its label says. */
function expectHonest(type: string, c: Case): void {
  const found = judge(type, c);
  expect(c.identityManagementType, c.id).toBe(type);
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
  expect(Object.keys(c.body as object).every((k) => k === 'IdentityInfo'), c.id).toBe(true);
  expect(Object.values(identityOf(c)).every((v) => typeof v === 'string'), c.id).toBe(true);
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
  });

  it('keeps each requirement to a handful of boundary cases (at most 8)', () => {
    const perRequirement = new Map<string, number>();
    for (const c of cases.filter((x) => x.kind !== 'valid')) perRequirement.set(c.requirementIds[0]!, (perRequirement.get(c.requirementIds[0]!) ?? 0) + 1);
    expect(Math.max(...perRequirement.values())).toBeLessThanOrEqual(8);
  });

  it('never uses a forbidden member in a valid case', () => {
    const forbidden = spec.typeRules[type]!.forbidden;
    for (const c of cases.filter((x) => x.kind === 'valid')) expect(Object.keys(identityOf(c)).filter((m) => forbidden.includes(m)), c.id).toEqual([]);
  });

  it('proves code-point lengths with names of the maximum length in astral characters', () => {
    for (const m of spec.members.filter((x) => x.maxLength !== undefined && !spec.typeRules[type]!.forbidden.includes(x.name))) {
      const max = spec.typeRules[type]!.constraints[m.name]?.maxLength ?? m.maxLength!;
      const astral = cases.find((c) => c.kind === 'valid' && memberLength(c, m.name) === max && String(identityOf(c)[m.name]).length === 2 * max);
      expect(astral?.requirementIds, `${type} ${m.name}`).toEqual(expect.arrayContaining(['OK-ACCEPT-VALID', 'OK-MODEL-BOUNDS', 'OK-LENGTH-CODEPOINTS']));
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
    for (const c of violations) for (const r of mobile.readings) expect(r.regex.test(String(identityOf(c).Mobile)), `${c.id} ${r.reading}`).toBe(false);
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
  const find = (type: string, id: string) => gen(type).boundaryCases().filter((c) => c.requirementIds.includes(id));

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
    expect(cases.filter((c) => c.requirementIds[0] === 'IN-INSTANCEID-MAXLEN').map((c) => codePoints(c.labels.InstanceId!))).toEqual([101, 101]);
    expect(cases.filter((c) => c.requirementIds[0] === 'IN-LABEL-EMPTY').map((c) => c.wire.path)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/users\/\/[^/]+\/identity-info$/), expect.stringMatching(/^\/users\/[^/]+\/\/identity-info$/)]),
    );
    expect(cases.filter((c) => c.requirementIds[0] === 'SRV-NO-5XX').map((c) => c.wire.path)).toContain(`/users/%FF/${cases[0]!.wire.encodedLabels.UserId}/identity-info`);
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
      fc.property(g.validIdentityInfo, (identity) => {
        expect(cat.requirementsOf(validator.validate(spec.operation.name, { labels: { InstanceId: 'i', UserId: 'u' }, body: { IdentityInfo: identity } }, type))).toEqual({ violated: [], ambiguous: [] });
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

  it('gives wire cases that are either invalid bodies or exactly one observed anomaly', () => {
    fc.assert(
      fc.property(g.wireCase, (c) => {
        expectHonest(type, c);
      }),
      { seed, numRuns: 30 },
    );
  });
});

describe('reproducibility', () => {
  const g = gen('CONNECT_MANAGED');

  it('gives the same cases for the same seed, and other cases for another seed', () => {
    for (const generator of ['valid', 'invalid', 'wire']) {
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
    const run = fc.check(fc.property(g.arbitrary('invalid:IN-FIRSTNAME-MAXLEN'), (c) => memberLength(c, 'FirstName') < 257), { seed: 11, numRuns: 100 });
    expect(run.failed).toBe(true);
    const shrunk = run.counterexample![0];
    expect(memberLength(shrunk, 'FirstName')).toBe(257);
    const replayed = replayCase(spec, 'CONNECT_MANAGED', { generator: 'invalid:IN-FIRSTNAME-MAXLEN', seed: 11, path: run.counterexamplePath! });
    expect({ ...replayed, id: shrunk.id, replay: undefined }).toEqual({ ...shrunk, replay: undefined });
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
    expect(() => g.recheck({ ...contentType, wire: { ...contentType.wire, headers: { 'content-type': 'application/json' } } })).toThrow(/violates nothing/);
    expect(() => g.recheck({ ...invalid, expected: { outcome: 'rejected', status: [404], types: 'any' } })).toThrow(/expects/);
    expect(() => createGenerators(spec, 'NOT_A_TYPE')).toThrow(/unknown identity management type/);
  });
});

describe('withLabels', () => {
  const g = gen('CONNECT_MANAGED');
  const fixture = { InstanceId: 'fixture-instance', UserId: 'fixture-user' };

  it('aims every case at other labels, keeping the labels a case is about, and re-checks it', () => {
    for (const c of g.boundaryCases()) {
      const moved = g.withLabels(c, fixture);
      expect(moved.requirementIds, c.id).toEqual(c.requirementIds);
      const about = c.requirementIds.some((id) => ['IN-LABEL-EMPTY', 'IN-INSTANCEID-MAXLEN', 'SRV-NO-5XX'].includes(id));
      if (!about) expect(moved.labels, c.id).toEqual(fixture);
      if (c.requirementIds.includes('SRV-NO-5XX')) expect(moved.wire.path, c.id).toMatch(/%(FF|C0|ED|E2)/);
      if (c.requirementIds.includes('IN-LABEL-EMPTY')) expect(Object.values(moved.labels), c.id).toContain('');
    }
  });
});
