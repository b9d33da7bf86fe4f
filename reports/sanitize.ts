// Defence in depth for everything a report writes. results.json is already redacted when the run builds it
// (redact.ts); the reports still pass every string through this once more, so that a results.json written by an
// older or foreign tool, or edited by hand, cannot carry a signature, a session token or a known secret value
// into index.html, junit.xml or a merged results.json.
import { envSecrets, REDACTED, scrub } from '../core/redact.ts';

export { envSecrets };
import type { Results } from '../engine/results.ts';

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token']);

const PATTERNS: [RegExp, string][] = [
  // a JSON member: "authorization": "…"
  [/("(?:authorization|x-amz-security-token)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi, `$1${REDACTED}$3`],
  // a header line: authorization: …
  [/^(\s*(?:authorization|x-amz-security-token)[ \t]*:[ \t]*)(?!\[redacted\]$)(\S.*)$/gim, `$1${REDACTED}`],
  // a presigned query: X-Amz-Signature=…, X-Amz-Security-Token=…, X-Amz-Credential=…
  [/([?&](?:X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)=)(?!\[redacted\])[^&\s"'#<>]+/gi, `$1${REDACTED}`],
  // a SigV4 signature anywhere
  [/(Signature=)[0-9a-f]{64}\b/gi, `$1${REDACTED}`],
];

/** One string, with secret values and anything that looks like a credential replaced by [redacted]. */
export function redactText(value: string, secrets: readonly string[] = []): string {
  let out = scrub(value, secrets);
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

function walk(value: unknown, secrets: readonly string[], key?: string): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (key === 'headers') {
      return Object.fromEntries(
        entries.map(([k, v]) => [redactText(k, secrets), SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : walk(v, secrets)]),
      );
    }
    return Object.fromEntries(entries.map(([k, v]) => [redactText(k, secrets), walk(v, secrets, k)]));
  }
  return value;
}

/** A deep copy of results with every string redacted and every secret header's value replaced. */
export function redactResults<T extends Results>(results: T, secrets: readonly string[] = []): T {
  return walk(results, secrets) as T;
}
