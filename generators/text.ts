// Strings of an exact length in code points, in NFC by construction (see unicode.ts), in several textures.
// Each texture has a deterministic form (for the boundary phase) and a random one (for the random phase).
import fc from 'fast-check';
import { isStableStarter, takeCodePoints } from './unicode.ts';

export const TEXTURES = ['plain', 'astral', 'combining', 'rtl', 'edges', 'escapes'] as const;
export type Texture = (typeof TEXTURES)[number];

/** One stable starter in [min, max]. */
const starterIn = (min: number, max: number) =>
  fc
    .integer({ min, max })
    .filter(isStableStarter)
    .map((cp) => String.fromCodePoint(cp));

const WHITESPACE = [' ', '\t', '\n', '\u00a0', '\u2028', '\u3000'];
const ESCAPES = ['"', "'", '\\', '/', '\u0000', '\b', '\u001f', '\u007f', '\u200b'];

/** Random pieces: each one is NFC and begins with a stable starter, so any concatenation is NFC. */
const PIECES: Record<Texture, fc.Arbitrary<string>> = {
  plain: fc.oneof(starterIn(0x41, 0x7a), starterIn(0xc0, 0x24f), starterIn(0x20, 0xffff)),
  astral: starterIn(0x10000, 0x10ffff),
  combining: fc
    .tuple(starterIn(0x41, 0x7a), fc.integer({ min: 0x300, max: 0x36f }))
    .map(([base, mark]) => (base + String.fromCodePoint(mark)).normalize('NFC')),
  rtl: fc.oneof(starterIn(0x5d0, 0x5ea), starterIn(0x620, 0x64a), fc.constant('\u200f')),
  edges: fc.constantFrom(...WHITESPACE),
  escapes: fc.oneof(fc.constantFrom(...ESCAPES), starterIn(0, 0x1f)),
};

/** Deterministic pieces, cycled. Hand-picked for being recognisable in a report; each is NFC. `astral` holds only
 * characters outside the BMP, so n of them are 2n UTF-16 units; `combining` has marks and a ZWJ sequence. */
const SAMPLES: Record<Texture, string[]> = {
  plain: ['Zoë', ' ', 'Ångström', '-', 'Nguyễn', ' ', 'Łukasz'],
  astral: ['😀', '𝒜', '𠀋', '🂡', '𓀀'],
  combining: ['q̇', 'n̈', 'ɛ̃', 'é', 'x̧', '👩‍💻'],
  rtl: ['שלום', ' ', 'مرحبا', '\u200f'],
  edges: [],
  escapes: ['"', '\\', "'", '\u0000', '\n', '\u001f', '\u007f', '/'],
};

/** The pieces repeated in order, cut to exactly `n` code points. */
export function cycle(pieces: string[], n: number): string {
  if (n > 0 && !pieces.length) throw new Error('cannot cycle through no pieces');
  const period = pieces.join('');
  return takeCodePoints(period.repeat(Math.ceil(n / Math.max(1, [...period].length))), n);
}

/** A deterministic string of exactly `n` code points. `edges` puts whitespace at both ends of plain text. */
export function sampleText(n: number, texture: Texture): string {
  if (texture !== 'edges') return cycle(SAMPLES[texture], n);
  if (n < 2) return ' '.repeat(n);
  return ` ${cycle(SAMPLES.plain, n - 2)}\t`;
}

const mixedPiece = fc.oneof(...TEXTURES.map((t) => PIECES[t]));

const exactly = (piece: fc.Arbitrary<string>, n: number) =>
  fc.array(piece, { minLength: n, maxLength: n }).map((pieces) => takeCodePoints(pieces.join(''), n));

/** A random string of exactly `n` code points in one texture. */
export function randomText(n: number, texture: Texture): fc.Arbitrary<string> {
  if (texture !== 'edges' || n < 2) return exactly(PIECES[texture], n);
  return fc.tuple(PIECES.edges, exactly(mixedPiece, n - 2), PIECES.edges).map(([a, body, b]) => a + body + b);
}

/** A random string of exactly `n` code points, mixing every texture. */
export const mixedText = (n: number): fc.Arbitrary<string> => fc.oneof(exactly(mixedPiece, n), ...TEXTURES.map((t) => randomText(n, t)));

/**
 * A random string whose length in code points is in [min, max]: pieces of every texture, and the `extra` pieces given
 * (the spec's value classes, members.ts), cut to `max` code points. An array of pieces shrinks by dropping pieces and
 * simplifying each one, so a failing value shrinks to the piece that fails (a length drawn first and text drawn for it
 * would shrink by drawing new text). Lengths spread over the whole range: small arrays and arrays up to the bound.
 */
export function textBetween(min: number, max: number, extra: readonly string[] = []): fc.Arbitrary<string> {
  const piece = extra.length
    ? fc.oneof({ arbitrary: mixedPiece, weight: 3 }, { arbitrary: fc.constantFrom(...extra), weight: 1 })
    : mixedPiece;
  const pieces = (size: fc.SizeForArbitrary) =>
    fc.array(piece, { minLength: min, maxLength: max, size }).map((p) => takeCodePoints(p.join(''), max));
  return fc.oneof(pieces('small'), pieces('max'));
}

/** Characters that NFC turns into something else, and ways to leave a string out of NFC. */
const decomposable = fc
  .integer({ min: 0xc0, max: 0x1fff })
  .map((cp) => String.fromCodePoint(cp))
  .filter((c) => c.normalize('NFC') === c && c.normalize('NFD') !== c);
const singleton = fc
  .oneof(fc.integer({ min: 0x2000, max: 0x212b }), fc.integer({ min: 0xf900, max: 0xfaff }))
  .map((cp) => String.fromCodePoint(cp))
  .filter((c) => /\p{Assigned}/u.test(c) && c.normalize('NFC') !== c && c.normalize('NFC').length === 1);

export const NON_NFC_VARIANTS = ['decomposed', 'singleton', 'mark-order'] as const;
export type NonNfcVariant = (typeof NON_NFC_VARIANTS)[number];

/** Deterministic non-NFC pieces: a real name written decomposed, a singleton, and marks out of canonical order. */
export const NON_NFC_SAMPLES: Record<NonNfcVariant, string> = {
  decomposed: 'José'.normalize('NFD'),
  singleton: '\u212bngström',
  'mark-order': 'Đa\u0306\u0323ng',
};

/** A random non-NFC piece of the given variant (a few code points long). */
export const NON_NFC_PIECES: Record<NonNfcVariant, fc.Arbitrary<string>> = {
  decomposed: decomposable.map((c) => c.normalize('NFD')),
  singleton,
  'mark-order': fc
    .tuple(starterIn(0x41, 0x7a), fc.constantFrom('\u0301', '\u0302', '\u0308'), fc.constantFrom('\u0316', '\u0323', '\u0331'))
    .map(([base, above, below]) => base + above + below),
};
