// The URI labels: valid values (realistic and arbitrary), their percent-encoding, and the wire request built from
// labels and a body. Bounds come from spec.operation.labels.
import fc from 'fast-check';
import type { LabelSpec } from '../spec/index.ts';
import type { CaseWire } from './case.ts';
import type { Bounds, Context } from './context.ts';
import { boundarySamples } from './deterministic.ts';
import { cycle, sampleText } from './text.ts';
import { isSurrogate } from './unicode.ts';
import { decodeLabel, encodeLabel } from '../core/label-encoding.ts';

export { decodeLabel, encodeLabel };

/** The request's path with the given (already encoded) labels. */
export const pathOf = (ctx: Context, encodedLabels: Record<string, string>): string =>
  ctx.spec.operation.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => encodedLabels[name] ?? '');

export function wireOf(ctx: Context, labels: Record<string, string>, body: string, headers?: Record<string, string>): CaseWire {
  const encodedLabels = Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, encodeLabel(value)]));
  return {
    method: ctx.spec.operation.method,
    path: pathOf(ctx, encodedLabels),
    encodedLabels,
    headers: headers ?? { 'content-type': ctx.mediaType },
    body,
  };
}

/** A required label is never empty; otherwise its schema's bounds. */
const labelBounds = (label: LabelSpec): Bounds => ({ min: Math.max(label.minLength ?? 0, label.required ? 1 : 0), max: label.maxLength });

/** `.` and `..` are path segments some HTTP stacks normalise away (docs/contract.md A6): never a label. */
export const isDotSegment = (s: string) => s === '.' || s === '..';

const RESERVED = ['/', '?', '#', '%', '&', '+', ' ', ':', '@', '=', ';', ',', '[', ']', '!', '$', "'", '(', ')', '*', '.'];

const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2'];
const accountId = fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => String(n).padStart(12, '0'));
const arn = (resource: (instance: string, id: string) => string) =>
  fc
    .tuple(fc.constantFrom(...REGIONS), accountId, fc.uuid(), fc.uuid())
    .map(([region, account, instance, id]) => `arn:aws:connect:${region}:${account}:${resource(instance, id)}`);

/** Identifiers as AWS writes them: UUIDs and instance or user ARNs. */
const realistic = fc.oneof(
  fc.uuid(),
  arn((instance) => `instance/${instance}`),
  arn((instance, id) => `instance/${instance}/agent/${id}`),
);

const anyCodePoint = fc
  .integer({ min: 0, max: 0x10ffff })
  .filter((cp) => !isSurrogate(cp))
  .map((cp) => String.fromCodePoint(cp));
const labelUnit = fc.oneof(fc.constantFrom(...RESERVED), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), anyCodePoint);

/** A random valid value of one label: realistic or arbitrary (reserved and non-ASCII characters). */
function labelValue(ctx: Context, label: LabelSpec): fc.Arbitrary<string> {
  const b = labelBounds(label);
  const max = b.max ?? b.min + ctx.options.unboundedLength;
  return fc
    .oneof(realistic, fc.string({ unit: labelUnit, minLength: b.min, maxLength: max }))
    .filter((s) => fitsLabel(ctx, { min: b.min, max }, s));
}

/** Random valid labels for every label of the operation. */
export const labelValues = (ctx: Context): fc.Arbitrary<Record<string, string>> =>
  fc.record(Object.fromEntries(ctx.labels.map((l) => [l.name, labelValue(ctx, l)])));

/** The labels of every boundary case that is not about a label: one UUID each. */
export function defaultLabels(ctx: Context): Record<string, string> {
  const uuids = boundarySamples(fc.uuid(), ctx.labels.length);
  return Object.fromEntries(ctx.labels.map((l, i) => [l.name, uuids[i]!]));
}

/** Deterministic valid values of one label, by variant: realistic, reserved and non-ASCII, and at its bounds. */
export function labelSamples(ctx: Context, label: LabelSpec): Record<string, string> {
  const b = labelBounds(label);
  const [uuid, instanceArn, userArn] = boundarySamples(
    fc.tuple(
      fc.uuid(),
      arn((i) => `instance/${i}`),
      arn((i, u) => `instance/${i}/agent/${u}`),
    ),
    1,
  )[0]!;
  const clamp = (n: number) => Math.max(b.min, b.max === undefined ? n : Math.min(n, b.max));
  const candidates: Record<string, string> = {
    uuid,
    'instance-arn': instanceArn,
    'user-arn': userArn,
    reserved: cycle(RESERVED, clamp(RESERVED.length)),
    'non-ascii': cycle(NON_ASCII, clamp(16)),
    min: sampleText(b.min, 'plain'),
  };
  if (b.max !== undefined) {
    candidates.max = sampleText(b.max, 'plain');
    candidates['max:astral'] = sampleText(b.max, 'astral');
  }
  return Object.fromEntries(Object.entries(candidates).filter(([, v]) => fitsLabel(ctx, b, v)));
}

const NON_ASCII = ['Zoë', '😀', 'ש', '𠀋', '中', 'ß'];

function fitsLabel(ctx: Context, b: Bounds, s: string): boolean {
  const n = ctx.validator.lengthOf(s);
  return !isDotSegment(s) && n >= b.min && (b.max === undefined || n <= b.max);
}

/** Bytes as percent-encoding (`%FF%C0`). */
export const percentEncode = (bytes: number[]): string => bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

const continuation = fc.integer({ min: 0x80, max: 0xbf });
const utf8Of = (cp: number) => [...new TextEncoder().encode(String.fromCodePoint(cp))];
/** The code point `cp` written in exactly `n` bytes (1..4) by the UTF-8 bit layout, whether or not UTF-8 allows it. */
function utf8Layout(cp: number, n: number): number[] {
  if (n === 1) return [cp];
  const tail = Array.from({ length: n - 1 }, (_, i) => 0x80 | ((cp >> (6 * (n - 2 - i))) & 0x3f));
  return [((0xff00 >> n) & 0xff) | (cp >> (6 * (n - 1))), ...tail];
}
const minimalLength = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * Byte sequences that are not UTF-8, by kind, each with a fixed sample (the boundary phase) and random sequences
 * of the same kind: a byte that cannot start a character (one UTF-8 never uses, or a lone continuation byte), a
 * character in more bytes than it needs (overlong: `%C0%AF` is `/`), a surrogate encoded as if it were a character,
 * and a multi-byte character cut short.
 */
export const NOT_UTF8: Record<string, { sample: number[]; random: fc.Arbitrary<number[]> }> = {
  'invalid-byte': {
    sample: [0xff],
    random: fc.oneof(fc.constantFrom(0xc0, 0xc1), fc.integer({ min: 0xf5, max: 0xff }), continuation).map((b) => [b]),
  },
  overlong: {
    sample: [0xc0, 0xaf],
    random: fc
      .integer({ min: 0, max: 0xffff })
      .filter((cp) => !isSurrogate(cp))
      .chain((cp) => fc.integer({ min: minimalLength(cp) + 1, max: 4 }).map((n) => utf8Layout(cp, n))),
  },
  'encoded-surrogate': {
    sample: [0xed, 0xa0, 0x80],
    random: fc.integer({ min: 0xd800, max: 0xdfff }).map((cp) => utf8Layout(cp, 3)),
  },
  'cut-sequence': {
    sample: [0xe2, 0x82],
    random: fc
      .integer({ min: 0x80, max: 0x10ffff })
      .filter((cp) => !isSurrogate(cp))
      .chain((cp) => fc.integer({ min: 1, max: utf8Of(cp).length - 1 }).map((n) => utf8Of(cp).slice(0, n))),
  },
};

/** Random valid text around a bad sequence, encoded as the SDK would. */
export const encodedText = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: labelUnit, maxLength }).map(encodeLabel);

/**
 * Label injections: a label that names nothing, written so that a server which percent-decodes a label before routing
 * (and resolves dot segments) reaches another resource's path instead. `unknown` is an ID that cannot exist, `reach` the
 * ID such a server would reach. A correct server reads the label as one opaque segment: the resource it names does not
 * exist (docs/contract.md B9: 404), and nothing changes (B12).
 *
 *   encoded-slash         `<unknown>/<reach>`: the SDK writes `%2F`, which a decoding router splits on;
 *   dot-segments          `<unknown>/../<reach>` (`%2F..%2F`): decoded and resolved, the path names `reach`;
 *   encoded-dot-segments  the same label with its dots encoded too (`%2F%2e%2e%2F`), sent raw (the SDK keeps dots);
 *   double-encoded        `<unknown>%2F..%2F<reach>` as text (the SDK writes `%252F`): a server that decodes twice.
 */
export const LABEL_INJECTIONS = ['encoded-slash', 'dot-segments', 'encoded-dot-segments', 'double-encoded'] as const;
export type LabelInjection = (typeof LABEL_INJECTIONS)[number];

/** One injection's label: its decoded value and, where the SDK's encoding of it is not the injection, its wire text. */
export function injectedLabel(kind: LabelInjection, unknown: string, reach: string): { value: string; encoded?: string } {
  switch (kind) {
    case 'encoded-slash':
      return { value: `${unknown}/${reach}` };
    case 'dot-segments':
      return { value: `${unknown}/../${reach}` };
    case 'encoded-dot-segments':
      return { value: `${unknown}/../${reach}`, encoded: `${encodeLabel(unknown)}%2F%2e%2e%2F${encodeLabel(reach)}` };
    case 'double-encoded':
      return { value: `${unknown}%2F..%2F${reach}` };
  }
}
