// Raw requests the SDK cannot express and the contract only observes (rule 17): another content type, a body over
// a size no one documents, duplicate JSON keys, and label bytes that are not UTF-8. Each is otherwise a valid
// request, so the only thing it tests is its anomaly. (Bodies that are not JSON, or not an object, are input
// requirements: see invalid.ts.)
import fc from 'fast-check';
import type { Draft } from './build.ts';
import type { Sources } from './invalid.ts';
import { decodeLabel, encodeLabel } from './labels.ts';
import { OBSERVED } from './named-requirements.ts';
import { cycle } from './text.ts';
import type { Identity } from './valid.ts';

export interface ObservedVariant {
  name: string;
  requirementId: string;
  boundary: Draft;
  random: fc.Arbitrary<Draft>;
}

const OTHER_MEDIA_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/x-amz-json-1.1'];
const PADDING = [' ', '\n', '\t', '\r'];
/** Percent-encoded bytes that are not UTF-8: a byte UTF-8 never uses, an overlong `/`, an encoded surrogate, a cut
 * sequence. Random cases put the same bytes between random encoded characters. */
const NOT_UTF8 = { 'invalid-byte': '%FF', overlong: '%C0%AF', 'encoded-surrogate': '%ED%A0%80', 'cut-sequence': '%E2%82' };

const objectText = (entries: [string, unknown][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;

function contentTypeVariants(s: Sources): ObservedVariant[] {
  const draft = (labels: Record<string, string>, identity: Identity, headers: Record<string, string>): Draft => {
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
    boundary: draft(s.labels, s.base, headers),
    random: fc.tuple(s.randomLabels, s.randomIdentity).map(([labels, identity]) => draft(labels, identity, headers)),
  }));
}

function bodySizeVariants(s: Sources): ObservedVariant[] {
  const size = s.ctx.options.oversizedBodyBytes;
  const padded = (labels: Record<string, string>, identity: Identity, pieces: string[], extra: number): Draft => {
    const body = { [s.ctx.identityMember]: identity };
    const text = JSON.stringify(body);
    const padding = cycle(pieces, Math.max(0, size - Buffer.byteLength(text)) + extra);
    return { labels, body, bodyText: `{${padding}${text.slice(1)}` };
  };
  return [
    {
      name: 'whitespace-padded',
      requirementId: OBSERVED.bodySize,
      boundary: padded(s.labels, s.base, [' '], 0),
      random: fc
        .tuple(s.randomLabels, s.randomIdentity, fc.uniqueArray(fc.constantFrom(...PADDING), { minLength: 1 }), fc.nat({ max: 4096 }))
        .map(([labels, identity, pieces, extra]) => padded(labels, identity, pieces, extra)),
    },
  ];
}

function duplicateKeyVariants(s: Sources): ObservedVariant[] {
  const id = s.ctx.identityMember;
  const memberDuplicate = (labels: Record<string, string>, identity: Identity, name: string, second: string): Draft => {
    const text = `{${JSON.stringify(id)}:${objectText([...Object.entries(identity), [name, second]])}}`;
    return { labels, body: JSON.parse(text), bodyText: text };
  };
  const identityDuplicate = (labels: Record<string, string>, first: Identity, second: Identity): Draft => {
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
      boundary: memberDuplicate(s.labels, s.base, name, second),
      random: fc
        .tuple(s.randomLabels, present.chain((identity) => fc.constantFrom(...Object.keys(identity)).chain((m) => fc.tuple(fc.constant(identity), fc.constant(m), s.values.get(m)!.arbitrary))))
        .map(([labels, [identity, m, value]]) => memberDuplicate(labels, identity, m, value)),
    },
    {
      name: 'identity',
      requirementId: OBSERVED.duplicateKeys,
      boundary: identityDuplicate(s.labels, s.base, { ...s.base, [name]: second }),
      random: fc.tuple(s.randomLabels, s.randomIdentity, s.randomIdentity).map(([labels, a, b]) => identityDuplicate(labels, a, b)),
    },
  ];
}

function labelEncodingVariants(s: Sources): ObservedVariant[] {
  const draft = (labels: Record<string, string>, identity: Identity, name: string, raw: string): Draft => ({
    labels: { ...labels, [name]: decodeLabel(raw).lenient },
    body: { [s.ctx.identityMember]: identity },
    encodedLabels: { [name]: raw },
  });
  const around = fc.stringMatching(/^[a-z0-9]{0,6}$/).map(encodeLabel);
  return s.ctx.labels.flatMap((label) =>
    Object.entries(NOT_UTF8).map(([kind, raw]) => ({
      name: `${label.name}:${kind}`,
      requirementId: OBSERVED.noServerError,
      boundary: draft(s.labels, s.base, label.name, raw),
      random: fc
        .tuple(s.randomLabels, s.randomIdentity, around, around)
        .map(([labels, identity, before, after]) => draft(labels, identity, label.name, before + raw + after)),
    })),
  );
}

/** Every observed wire variant, grouped by requirement. */
export function observedVariants(s: Sources): ObservedVariant[][] {
  return [contentTypeVariants(s), bodySizeVariants(s), duplicateKeyVariants(s), labelEncodingVariants(s)];
}
