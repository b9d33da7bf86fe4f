// Requests the contract only observes (OBS-CONTENT-TYPE, OBS-BODY-SIZE, OBS-DUPLICATE-KEYS, OBS-NULL-MEMBER,
// OBS-UNKNOWN-MEMBER), each otherwise valid, so the only thing it tests is its anomaly: another content type, a body
// over a size no one documents, duplicate JSON keys, members sent as JSON null, and members the schema does not define.
// All of them are raw requests the SDK cannot express. (Bodies that are not JSON or not an object, and label bytes that
// are not UTF-8, are input requirements: see invalid.ts.)
import fc from 'fast-check';
import type { MemberValue } from '../core/binding.ts';
import type { Draft } from './build.ts';
import type { Sources } from './invalid.ts';
import { OBSERVED } from './named-requirements.ts';
import { cycle } from './text.ts';
import type { EffectState } from './valid.ts';

export interface ObservedVariant {
  name: string;
  requirementId: string;
  /** `wire` for a raw request; `observed` for a value the SDK can send (see readings.ts). */
  kind: 'wire' | 'observed';
  boundary: Draft;
  random: fc.Arbitrary<Draft>;
}

const OTHER_MEDIA_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/x-amz-json-1.1'];
const PADDING = [' ', '\n', '\t', '\r'];

const objectText = (entries: [string, unknown][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;

function contentTypeVariants(s: Sources): ObservedVariant[] {
  const draft = (labels: Record<string, string>, identity: EffectState, headers: Record<string, string>): Draft => {
    const body = { [s.ctx.identityMember]: identity };
    return { labels, body, bodyText: JSON.stringify(body), headers };
  };
  const headerSets: [string, Record<string, string>][] = [
    ...OTHER_MEDIA_TYPES.filter((t) => t !== s.ctx.mediaType).map((t): [string, Record<string, string>] => [t, { 'content-type': t }]),
    ['absent', {}],
  ];
  return headerSets.map(([name, headers]) => ({
    name,
    requirementId: OBSERVED.contentType,
    kind: 'wire',
    boundary: draft(s.labels, s.base, headers),
    random: fc.tuple(s.randomLabels, s.randomIdentity).map(([labels, identity]) => draft(labels, identity, headers)),
  }));
}

function bodySizeVariants(s: Sources): ObservedVariant[] {
  const size = s.ctx.options.oversizedBodyBytes;
  const padded = (labels: Record<string, string>, identity: EffectState, pieces: string[], extra: number): Draft => {
    const body = { [s.ctx.identityMember]: identity };
    const text = JSON.stringify(body);
    const padding = cycle(pieces, Math.max(0, size - Buffer.byteLength(text)) + extra);
    return { labels, body, bodyText: `{${padding}${text.slice(1)}` };
  };
  return [
    {
      name: 'whitespace-padded',
      requirementId: OBSERVED.bodySize,
      kind: 'wire',
      boundary: padded(s.labels, s.base, [' '], 0),
      random: fc
        .tuple(s.randomLabels, s.randomIdentity, fc.uniqueArray(fc.constantFrom(...PADDING), { minLength: 1 }), fc.nat({ max: 4096 }))
        .map(([labels, identity, pieces, extra]) => padded(labels, identity, pieces, extra)),
    },
  ];
}

function duplicateKeyVariants(s: Sources): ObservedVariant[] {
  const id = s.ctx.identityMember;
  const memberDuplicate = (labels: Record<string, string>, identity: EffectState, name: string, second: MemberValue): Draft => {
    const text = `{${JSON.stringify(id)}:${objectText([...Object.entries(identity), [name, second]])}}`;
    return { labels, body: JSON.parse(text), bodyText: text };
  };
  const identityDuplicate = (labels: Record<string, string>, first: EffectState, second: EffectState): Draft => {
    const text = objectText([
      [id, first],
      [id, second],
    ]);
    return { labels, body: JSON.parse(text), bodyText: text };
  };
  const [name, values] = [...s.values].find(([n, v]) => n in s.base && Object.values(v.samples).some((x) => x !== s.base[n]))!;
  const second = Object.values(values.samples).find((x) => x !== s.base[name])!;
  const present = s.randomIdentity.filter((identity) => Object.keys(identity).length > 0);
  return [
    {
      name: 'member',
      requirementId: OBSERVED.duplicateKeys,
      kind: 'wire',
      boundary: memberDuplicate(s.labels, s.base, name, second),
      random: fc
        .tuple(
          s.randomLabels,
          present.chain((identity) =>
            fc
              .constantFrom(...Object.keys(identity))
              .chain((m) => fc.tuple(fc.constant(identity), fc.constant(m), s.values.get(m)!.arbitrary)),
          ),
        )
        .map(([labels, [identity, m, value]]) => memberDuplicate(labels, identity, m, value)),
    },
    {
      name: 'identity',
      requirementId: OBSERVED.duplicateKeys,
      kind: 'wire',
      boundary: identityDuplicate(s.labels, s.base, { ...s.base, [name]: second }),
      random: fc.tuple(s.randomLabels, s.randomIdentity, s.randomIdentity).map(([labels, a, b]) => identityDuplicate(labels, a, b)),
    },
  ];
}

type Json = Record<string, unknown>;

/** The body schema's members and which of them are required, as the spec says. */
function bodyMembers(s: Sources): { names: string[]; required: string[]; identityNames: string[] } {
  const schema = (s.ctx.spec.operation.bodySchema ?? {}) as { properties?: Record<string, Json>; required?: string[] };
  const properties = schema.properties ?? {};
  const identity = (properties[s.ctx.identityMember]?.properties ?? {}) as Json;
  return { names: Object.keys(properties), required: schema.required ?? [], identityNames: Object.keys(identity) };
}

/** A draft whose body text is exactly the JSON of `body`. */
const rawDraft = (labels: Record<string, string>, body: Json): Draft => ({ labels, body, bodyText: JSON.stringify(body) });

/**
 * Members sent as JSON null, where null counts as absent (x-protocol.nullIsAbsent) and absence is allowed: members
 * of the identity structure that the type allows and does not require, and the structure's optional siblings in
 * the body. Never a member the type forbids (the null would hide that violation from a target that reads null as
 * present), nor one whose omission is itself observed (OBS-OMITTED-NAMES), nor a required one (a violation).
 */
function nullMemberVariants(s: Sources): ObservedVariant[] {
  const ctx = s.ctx;
  if (!ctx.spec.protocol.nullIsAbsent) return [];
  const rules = ctx.spec.typeRules[ctx.type]!;
  const { names, required } = bodyMembers(s);
  const members = ctx.members
    .filter((p) => !p.forbidden && !p.omissionObserved && !rules.required.includes(p.spec.name))
    .map((p) => p.spec.name);
  const siblings = names.filter((n) => n !== ctx.identityMember && !required.includes(n));
  const nulls = (list: string[]) => Object.fromEntries(list.map((n) => [n, null]));
  const draft = (labels: Record<string, string>, identity: EffectState, nullMembers: string[], nullSiblings: string[]) =>
    rawDraft(labels, { [ctx.identityMember]: { ...identity, ...nulls(nullMembers) }, ...nulls(nullSiblings) });
  const some = (list: string[], minLength: number) => (list.length ? fc.subarray(list, { minLength }) : fc.constant<string[]>([]));
  const variants: ObservedVariant[] = [];
  const add = (name: string, boundary: Draft, random: fc.Arbitrary<Draft>) =>
    variants.push({ name, requirementId: OBSERVED.nullMember, kind: 'wire', boundary, random });
  if (members.length) {
    const random = fc
      .tuple(s.randomLabels, s.randomIdentity, some(members, 1), some(siblings, 0))
      .map(([l, identity, m, sib]) => draft(l, identity, m, sib));
    add('one-member', draft(s.labels, s.base, members.slice(0, 1), []), random);
    if (members.length > 1) add('every-member', draft(s.labels, s.base, members, []), random);
  }
  if (siblings.length) {
    add(
      'siblings',
      draft(s.labels, s.base, [], siblings),
      fc
        .tuple(s.randomLabels, s.randomIdentity, some(members, 0), some(siblings, 1))
        .map(([l, identity, m, sib]) => draft(l, identity, m, sib)),
    );
  }
  return variants;
}

/** Names the boundary phase tries first for a member the schema does not define. */
const UNKNOWN_NAMES = ['Nickname', 'MiddleName', 'PreferredName', 'Extra'];

/**
 * Members the schema does not define, in the identity structure and at the top level of the body. A name never
 * matches a defined member at any level, not even in another case (a target that folds case or flattens the
 * body would otherwise read it as that member); values are any JSON.
 */
function unknownMemberVariants(s: Sources): ObservedVariant[] {
  const ctx = s.ctx;
  const { names, identityNames } = bodyMembers(s);
  const known = new Set([...names, ...identityNames].map((n) => n.toLowerCase()));
  const isUnknown = (key: string) => key !== '__proto__' && !known.has(key.toLowerCase());
  const sampleName = UNKNOWN_NAMES.find(isUnknown);
  if (!sampleName) throw new Error(`every name of ${UNKNOWN_NAMES.join(', ')} is a member of the schema: no unknown member to send`);
  const entries = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter(isUnknown), fc.jsonValue({ maxDepth: 2 })), {
    minLength: 1,
    maxLength: 3,
    selector: ([key]) => key.toLowerCase(),
  });
  // JSON.parse, not a spread: an unknown name may be one an object literal treats specially.
  const draft = (
    labels: Record<string, string>,
    identity: EffectState,
    inIdentity: [string, unknown][],
    inBody: [string, unknown][],
  ): Draft => {
    const text = objectText([[ctx.identityMember, JSON.parse(objectText([...Object.entries(identity), ...inIdentity]))], ...inBody]);
    return { labels, body: JSON.parse(text) as unknown, bodyText: text };
  };
  const variant = (name: string, boundary: Draft, random: fc.Arbitrary<Draft>): ObservedVariant => ({
    name,
    requirementId: OBSERVED.unknownMember,
    kind: 'wire',
    boundary,
    random,
  });
  return [
    variant(
      'identity',
      draft(s.labels, s.base, [[sampleName, 'Zoë']], []),
      fc.tuple(s.randomLabels, s.randomIdentity, entries).map(([l, identity, e]) => draft(l, identity, e, [])),
    ),
    variant(
      'body',
      draft(s.labels, s.base, [], [[sampleName, { [sampleName]: 'Zoë' }]]),
      fc
        .tuple(s.randomLabels, s.randomIdentity, entries, fc.option(entries, { nil: undefined }))
        .map(([l, identity, e, both]) => draft(l, identity, both ?? [], e)),
    ),
  ];
}

/** Every observed wire variant, grouped by requirement (a requirement with no variant has no group). */
export function observedVariants(s: Sources): ObservedVariant[][] {
  return [contentTypeVariants(s), bodySizeVariants(s), duplicateKeyVariants(s), nullMemberVariants(s), unknownMemberVariants(s)].filter(
    (list) => list.length > 0,
  );
}
