// Values that can reach no one (docs/contract.md A9), for runs against a real account. Two rules, shared by the
// generators (GeneratorOptions strictMail and fictionalMobiles) and by the aws target's guard, which refuses any
// outgoing body that breaks them:
//
// Mail. After every `@` in a string, the text up to the next whitespace or `@`, without trailing punctuation, is
// empty or a reserved name: example.com, example.org, example.net or a name under one of them, or a name under the
// reserved top-level domains .invalid, .test and .example (RFC 2606). No mail system can deliver there.
//
// Phones. Every run of decimal digits (any script; single separators ` -.()/` inside a run are read through) that
// has 7 to 15 digits is a North American number reserved for fiction, NPA-555-0100..0199: the digits read
// `[0|1] NPA 5 5 5 0 1 x x`, possibly cut short or followed by more digits (an extension). Runs of 6 digits or fewer
// are shorter than any subscriber number anywhere (+290 xxxx, +683 xxxx are 7); runs of more than 15 are longer than
// any E.164 number. A run the rule refuses is replaced, by phoneSafe, with a fictional number.
const RESERVED_DOMAINS = ['example.com', 'example.org', 'example.net'];
const RESERVED_TLDS = ['invalid', 'test', 'example'];

/** True for a domain no mail can reach. */
function isReservedDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  const tld = d.split('.').at(-1) ?? '';
  return RESERVED_TLDS.includes(tld) || RESERVED_DOMAINS.some((r) => d === r || d.endsWith(`.${r}`));
}

/** The domains after an `@` in `s` that are not reserved (empty when every one is). */
export function mailProblems(s: string): string[] {
  const out: string[] = [];
  for (let i = s.indexOf('@'); i >= 0; i = s.indexOf('@', i + 1)) {
    const rest = s.slice(i + 1);
    const end = rest.search(/[\s@]/u);
    const domain = (end < 0 ? rest : rest.slice(0, end)).replace(/[^\p{L}\p{N}]+$/u, '');
    if (domain && !isReservedDomain(domain)) out.push(domain);
  }
  return out;
}

const DIGIT = /\p{Nd}/u;
const RUN = /\p{Nd}+(?:[\s\-.()/]{1,2}\p{Nd}+)*/gu;
/** `[0|1] NPA 555 01 xx`, cut short anywhere after the area code, or followed by more digits. */
const FICTIONAL = /^[01]?[2-9]\d{2}5(?:5(?:5(?:0(?:1\d*)?)?)?)?$/;

/** The value of a decimal digit of any script (digits come in contiguous blocks from zero). */
function digitValue(c: string): number {
  let cp = c.codePointAt(0)!;
  const start = cp;
  while (DIGIT.test(String.fromCodePoint(cp - 1))) cp--;
  return (start - cp) % 10;
}

const digitsOf = (run: string) =>
  [...run]
    .filter((c) => DIGIT.test(c))
    .map(digitValue)
    .join('');

/** True when a run of digits cannot ring anyone. */
export const isFictionalDigits = (digits: string): boolean => digits.length <= 6 || digits.length > 15 || FICTIONAL.test(digits);

/** The runs of digits in `s` that could be a real number (empty when there are none). */
export function phoneProblems(s: string): string[] {
  return [...s.matchAll(RUN)].map(([run]) => run).filter((run) => !isFictionalDigits(digitsOf(run)));
}

/** A fictional number (`1 NPA 555 01xx`) chosen by `digits`, so the same input always gives the same number. */
function fictionalNumber(digits: string): string {
  let h = 2166136261;
  for (const d of digits) h = Math.imul(h ^ d.charCodeAt(0), 16777619) >>> 0;
  return `1${200 + (h % 800)}55501${String((h >>> 10) % 100).padStart(2, '0')}`;
}

/** `s` with every run of digits that could be a real number replaced by a fictional one. */
export const phoneSafe = (s: string): string =>
  s.replace(RUN, (run) => (isFictionalDigits(digitsOf(run)) ? run : fictionalNumber(digitsOf(run))));

/** Both rules on one string. */
export const valueProblems = (s: string): string[] => [
  ...mailProblems(s).map((d) => `an address on ${d}, which can receive mail`),
  ...phoneProblems(s).map((r) => `the number ${r}, which is not reserved for fiction`),
];

const STRING_LITERAL = /"((?:[^"\\]|\\.)*)"/g;
const NUMBER = /-?\d[\d.eE+-]*/g;

/**
 * Both rules on a request body as text, JSON or not: every string literal (keys included, duplicates included,
 * escapes decoded), every number, and whatever text is left outside them (a body cut short).
 */
export function bodyProblems(text: string): string[] {
  const problems: string[] = [];
  const leftover = text.replace(STRING_LITERAL, (literal) => {
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      value = literal.slice(1, -1);
    }
    problems.push(...valueProblems(value));
    return ' ';
  });
  for (const [n] of leftover.matchAll(NUMBER))
    problems.push(...phoneProblems(n).map((r) => `the number ${r}, which is not reserved for fiction`));
  problems.push(...mailProblems(leftover).map((d) => `an address on ${d}, which can receive mail`));
  return [...new Set(problems)];
}
