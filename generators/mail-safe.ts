// docs/contract.md A9: a suite must never send an address that can receive mail. Every generated string that contains
// something shaped like an address has it in a reserved top-level domain (RFC 2606), which no mail can reach. The shape
// is the common one (ASCII local part, dotted ASCII domain, alphabetic top-level domain).
const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gu;
const RESERVED = /\.(invalid|test|example)$/iu;
const SAFE_SUFFIX = '.invalid';

// Every character an address can hold: an address lies inside one run of them, and a run with no '@' holds none. The
// address pattern is only tried on the runs around an '@', found from the '@' outwards (a body of a megabyte is
// skipped at the speed of indexOf; the pattern itself would backtrack at every position of a long run); a match
// never crosses a run's end, so the matches are the ones the pattern finds in the whole text.
const isAddressCharacter = (c: number) =>
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x40 && c <= 0x5a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x2e ||
  c === 0x5f ||
  c === 0x25 ||
  c === 0x2b ||
  c === 0x2d;

/** The [start, end) of every run of address characters that holds an '@', in order. */
function runsWithAt(s: string): [number, number][] {
  const runs: [number, number][] = [];
  for (let at = s.indexOf('@'); at >= 0; ) {
    let start = at;
    while (start > 0 && isAddressCharacter(s.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < s.length && isAddressCharacter(s.charCodeAt(end))) end++;
    runs.push([start, end]);
    at = s.indexOf('@', end);
  }
  return runs;
}

/** True when every address-shaped part of `s` is in a reserved domain. */
export const isMailSafe = (s: string): boolean =>
  runsWithAt(s).every(([start, end]) => [...s.slice(start, end).matchAll(ADDRESS)].every(([address]) => RESERVED.test(address)));

/** Moves every address-shaped part of `s` into the reserved domain `.invalid` (a suffix, so patterns still hold). */
export function mailSafe(s: string): string {
  let out = '';
  let done = 0;
  for (const [start, end] of runsWithAt(s)) {
    out +=
      s.slice(done, start) + s.slice(start, end).replace(ADDRESS, (address) => (RESERVED.test(address) ? address : address + SAFE_SUFFIX));
    done = end;
  }
  return done === 0 ? s : out + s.slice(done);
}
