// Unicode facts the string generators rely on. A string made only of "stable starters", pieces that each begin
// with one and are themselves in NFC, is in NFC by construction: a stable starter never composes with the
// character before it and never reorders against it. The facts are read from the runtime's own normalizer.

/** Code points that canonical composition can merge into the character before them. */
let composingTails: Set<number> | undefined;

function tails(): Set<number> {
  if (composingTails) return composingTails;
  composingTails = new Set();
  const BLOCK = 256;
  for (let first = 0; first <= 0x10ffff; first += BLOCK) {
    // A block whose code points, each followed by U+0000 (a starter: nothing reorders across it), are their own NFD
    // holds no decomposition: skipped whole. Most blocks are (planes 1 to 16 nearly all).
    const cps: number[] = [];
    for (let cp = first; cp < first + BLOCK; cp++) if (!isSurrogate(cp)) cps.push(cp, 0);
    const block = String.fromCodePoint(...cps);
    if (block.normalize('NFD') === block) continue;
    for (let cp = first; cp < first + BLOCK; cp++) {
      if (isSurrogate(cp)) continue;
      const decomposed = [...String.fromCodePoint(cp).normalize('NFD')];
      for (const tail of decomposed.slice(1)) composingTails.add(tail.codePointAt(0)!);
    }
  }
  return composingTails;
}

export const isSurrogate = (cp: number) => cp >= 0xd800 && cp <= 0xdfff;

/** U+0345 has the highest combining class (240): a character with a non-zero class moves before it under NFD. */
const reordersAfterMark = (c: string) => `a\u0345${c}`.normalize('NFD') !== `a\u0345${c.normalize('NFD')}`;

/**
 * An assigned character that is its own NFC, has combining class 0 and never composes with what precedes it (nor
 * does the first character of its decomposition).
 * Assigned only: a code point unassigned here may be a combining mark in a newer Unicode version on the target.
 */
export function isStableStarter(cp: number): boolean {
  let stable = starters.get(cp);
  if (stable === undefined) {
    if (starters.size >= STARTERS_KEPT) starters.clear();
    starters.set(cp, (stable = judgeStarter(cp)));
  }
  return stable;
}

/** What isStableStarter found, per code point (a run asks about the same ones again and again: 50,000 questions,
 * 16,000 code points, in a default run), at most STARTERS_KEPT of them (a long random phase must not grow the heap). */
const starters = new Map<number, boolean>();
const STARTERS_KEPT = 1 << 16;

function judgeStarter(cp: number): boolean {
  if (isSurrogate(cp) || cp > 0x10ffff || !Number.isInteger(cp) || cp < 0) return false;
  const c = String.fromCodePoint(cp);
  if (!/\p{Assigned}/u.test(c) || /\p{M}/u.test(c) || c.normalize('NFC') !== c) return false;
  return !tails().has(c.normalize('NFD').codePointAt(0)!) && !reordersAfterMark(c);
}

/** The first `n` code points of `s`. */
export const takeCodePoints = (s: string, n: number): string => (/[\ud800-\udfff]/.test(s) ? [...s].slice(0, n).join('') : s.slice(0, n));
