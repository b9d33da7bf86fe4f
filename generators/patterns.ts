// Members with a pattern that has several readings (MemberSpec.readings). Values come from the readings
// themselves: fast-check's stringMatching on each reading with its lookarounds removed and its ends anchored (it
// supports no lookahead and pads unanchored regexes with junk), then kept only if every reading accepts them.
// Violations are small edits of a valid value (drop the first character, a leading zero, one digit too few or too
// many, a letter or a non-ASCII digit for a digit, separators between the digits as people write numbers...), each
// kept only where every reading rejects the result.
import fc from 'fast-check';
import type { Context, MemberPlan } from './context.ts';
import { judgeMember } from './context.ts';
import { boundarySamples } from './deterministic.ts';
import { mailSafe } from './mail-safe.ts';
import { phoneSafe } from '../core/safe-values.ts';

/** Index just past the character class that opens at `i`. */
function classEnd(p: string, i: number): number {
  for (let j = i + 1; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j + 1;
  }
  throw new Error(`unterminated character class in ${p}`);
}

/** Index just past the group that opens at `i`. */
function groupEnd(p: string, i: number): number {
  let depth = 0;
  for (let j = i; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === '[') j = classEnd(p, j) - 1;
    else if (p[j] === '(') depth++;
    else if (p[j] === ')' && --depth === 0) return j + 1;
  }
  throw new Error(`unbalanced group in ${p}`);
}

const LOOKAROUND = ['(?=', '(?!', '(?<=', '(?<!'];

/** The pattern without lookarounds and end anchors, anchored at both ends: a regex stringMatching can generate from. */
export function generationRegex(pattern: string): RegExp {
  let core = '';
  for (let i = 0; i < pattern.length; ) {
    if (pattern[i] === '\\') {
      core += pattern.slice(i, i + 2);
      i += 2;
    } else if (pattern[i] === '[') {
      const end = classEnd(pattern, i);
      core += pattern.slice(i, end);
      i = end;
    } else if (LOOKAROUND.some((l) => pattern.startsWith(l, i))) {
      i = groupEnd(pattern, i);
    } else {
      core += pattern[i++];
    }
  }
  if (core.startsWith('^')) core = core.slice(1);
  if (core.endsWith('$') && !/(^|[^\\])(\\\\)*\\\$$/.test(core)) core = core.slice(0, -1);
  return new RegExp(`^(?:${core})$`, 'u');
}

type Judge = (value: string) => ReturnType<typeof judgeMember>;

const chars = (s: string) => [...s];
const replaceAt = (s: string, index: number, by: string) => {
  const c = chars(s);
  c[index] = by;
  return c.join('');
};
const lastIndexWhere = (s: string, test: (c: string) => boolean) => chars(s).findLastIndex(test);
const isAsciiDigit = (c: string) => c >= '0' && c <= '9';
const isAsciiLetter = (c: string) => /^[A-Za-z]$/.test(c);

/** Grows `s` one character at a time: the last character repeated, or the first one. */
const GROWTHS: ((s: string) => string)[] = [(s) => s + chars(s).at(-1), (s) => chars(s)[0] + s];

/** The shortest value reached by dropping last characters while every reading still accepts. */
function shortest(s: string, judge: Judge): string {
  while (chars(s).length > 1 && judge(chars(s).slice(0, -1).join('')) === 'valid') s = chars(s).slice(0, -1).join('');
  return s;
}

/** The longest value reached by one growth while every reading still accepts. */
function longest(s: string, grow: (s: string) => string, judge: Judge, limit: number): string {
  for (let i = 0; i < limit && judge(grow(s)) === 'valid'; i++) s = grow(s);
  return s;
}

/** The first value, growing `s`, that every reading rejects (passing through values the readings disagree on). */
function firstRejected(s: string, judge: Judge, limit: number): string | undefined {
  for (const grow of GROWTHS) {
    let v = s;
    for (let i = 0; i < limit; i++) {
      v = grow(v);
      const verdict = judge(v);
      if (verdict === 'violation') return v;
      if (verdict === 'other') break;
    }
  }
  return undefined;
}

/**
 * The value written as people write numbers: the digits after its first digit in groups of three from the left, the
 * last group of four (`+1 555 555 0100`), joined by `separator`; `parens` puts the first group in parentheses
 * (`+1 (555) 555-0100`). Undefined for a value with fewer than five digits after its first one.
 */
function grouped(s: string, separator: string, parens = false): string | undefined {
  const c = chars(s);
  const first = c.findIndex(isAsciiDigit);
  const rest = c.slice(first + 1);
  if (first < 0 || rest.length < 5 || !rest.every(isAsciiDigit)) return undefined;
  const groups: string[] = [];
  const body = rest.slice(0, -4);
  for (let i = 0; i < body.length; i += 3) groups.push(body.slice(i, i + 3).join(''));
  groups.push(rest.slice(-4).join(''));
  if (parens) return `${c.slice(0, first + 1).join('')} (${groups[0]}) ${groups.slice(1).join('-')}`;
  return `${c.slice(0, first + 1).join('')}${separator}${groups.join(separator)}`;
}

/** Violating edits of a valid value, by name; undefined when the edit does not apply to that value. */
function mutations(judge: Judge, limit: number): Record<string, (s: string) => string | undefined> {
  const firstDigit = (s: string) => chars(s).findIndex(isAsciiDigit);
  const lastDigit = (s: string) => lastIndexWhere(s, isAsciiDigit);
  return {
    'drop-first': (s) => chars(s).slice(1).join(''),
    'leading-zero': (s) => (firstDigit(s) < 0 || chars(s)[firstDigit(s)] === '0' ? undefined : replaceAt(s, firstDigit(s), '0')),
    'too-short': (s) => chars(shortest(s, judge)).slice(0, -1).join(''),
    'too-long': (s) => firstRejected(s, judge, limit),
    'letter-for-digit': (s) => (lastDigit(s) < 0 ? undefined : replaceAt(s, lastDigit(s), 'x')),
    'non-ascii-digit': (s) =>
      lastDigit(s) < 0 ? undefined : replaceAt(s, lastDigit(s), String.fromCodePoint(0x660 + Number(chars(s)[lastDigit(s)]))),
    'non-ascii-letter': (s) => (chars(s).findIndex(isAsciiLetter) < 0 ? undefined : replaceAt(s, chars(s).findIndex(isAsciiLetter), 'é')),
    'drop-at': (s) => (s.includes('@') ? s.replaceAll('@', '') : undefined),
    'double-at': (s) => (s.includes('@') ? s.replace('@', '@@') : undefined),
    'space-before-at': (s) => (s.includes('@') ? s.replace('@', ' @') : undefined),
    // Numbers as people write them: a store that normalises them would accept what the pattern refuses.
    'spaces-between-digits': (s) => grouped(s, ' '),
    'hyphens-between-digits': (s) => grouped(s, '-'),
    'periods-between-digits': (s) => grouped(s, '.'),
    'parentheses-around-digits': (s) => grouped(s, ' ', true),
  };
}

export interface PatternProfile {
  /** Random values every reading accepts, within the member's bounds for the type. */
  arbitrary: fc.Arbitrary<string>;
  /** Deterministic valid values by variant: a typical one, the shortest and the longest reachable. */
  samples: Record<string, string>;
  /** The typical valid value. */
  base: string;
  /** Deterministic violations (every reading rejects them, nothing else is wrong), by edit. */
  violations: Record<string, string>;
  /** The same edit applied to another valid value; falls back to the deterministic violation where it does not apply. */
  violate(edit: string, value: string): string;
}

const SAMPLE_COUNT = 50;

/** The most ordinary of the candidates: fewest symbols, then the median length. */
function typical(candidates: string[]): string {
  const symbols = (v: string) => chars(v).filter((c) => !/^[\p{L}\p{N}]$/u.test(c)).length;
  const fewest = Math.min(...candidates.map(symbols));
  const plain = candidates.filter((v) => symbols(v) === fewest).sort((a, b) => chars(a).length - chars(b).length || (a < b ? -1 : 1));
  return plain[Math.floor(plain.length / 2)]!;
}

export function patternProfile(ctx: Context, plan: MemberPlan, labels: Record<string, string>): PatternProfile {
  const where = `${plan.address} (${plan.spec.readings.map((r) => r.reading).join(', ')})`;
  const judge: Judge = (v) => judgeMember(ctx, plan, v, labels);
  const safe = (v: string) => (ctx.options.fictionalMobiles ? phoneSafe(mailSafe(v)) : mailSafe(v));
  const cores = [...new Set(plan.spec.readings.map((r) => generationRegex(r.pattern).source))];
  const arbitrary = fc
    .oneof(...cores.map((source) => fc.stringMatching(new RegExp(source, 'u'))))
    .map(safe)
    .filter((v) => judge(v) === 'valid');

  const candidates = boundarySamples(fc.oneof(...cores.map((source) => fc.stringMatching(new RegExp(source, 'u')))), SAMPLE_COUNT)
    .map(safe)
    .filter((v) => judge(v) === 'valid');
  if (!candidates.length) throw new Error(`${where}: none of ${SAMPLE_COUNT} generated values is accepted by every reading`);
  const base = typical(candidates);

  const limit = ctx.options.searchLimit;
  const samples: Record<string, string> = { typical: base, shortest: shortest(base, judge) };
  for (const [i, grow] of GROWTHS.entries()) samples[`longest-${i + 1}`] = longest(base, grow, judge, limit);

  const edits = mutations(judge, limit);
  const violations: Record<string, string> = {};
  for (const [name, edit] of Object.entries(edits)) {
    const v = edit(base);
    if (v !== undefined && judge(v) === 'violation') violations[name] = v;
  }
  if (!Object.keys(violations).length) throw new Error(`${where}: no edit of ${JSON.stringify(base)} is rejected by every reading`);

  return {
    arbitrary,
    samples: dedupe(samples),
    base,
    violations,
    violate(edit, value) {
      const v = edits[edit]!(value);
      return v !== undefined && judge(v) === 'violation' ? v : violations[edit]!;
    },
  };
}

/** Drops variants whose value an earlier variant already has. */
function dedupe(samples: Record<string, string>): Record<string, string> {
  const seen = new Set<string>();
  return Object.fromEntries(Object.entries(samples).filter(([, v]) => !seen.has(v) && seen.add(v)));
}
