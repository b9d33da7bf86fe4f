// docs/contract.md A9: a suite must never send an address that can receive mail. Every generated string that contains
// something shaped like an address has it in a reserved top-level domain (RFC 2606), which no mail can reach. The shape
// is the common one (ASCII local part, dotted ASCII domain, alphabetic top-level domain).
const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gu;
const RESERVED = /\.(invalid|test|example)$/iu;
const SAFE_SUFFIX = '.invalid';

/** True when every address-shaped part of `s` is in a reserved domain. */
export const isMailSafe = (s: string): boolean => [...s.matchAll(ADDRESS)].every(([address]) => RESERVED.test(address));

/** Moves every address-shaped part of `s` into the reserved domain `.invalid` (a suffix, so patterns still hold). */
export const mailSafe = (s: string): string => s.replace(ADDRESS, (address) => (RESERVED.test(address) ? address : address + SAFE_SUFFIX));
