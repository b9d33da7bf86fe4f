// Secrets never reach a report: signatures, session tokens and any credential value the run knows are replaced.
import type { Observation } from './observation.ts';
import { text, type WireRequest, type WireResponse } from './wire.ts';

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token']);
export const REDACTED = '[redacted]';

export interface ShownRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ShownResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Replaces every occurrence of the given secret values (a secret key, a session token) in a text. */
export function scrub(value: string, secrets: readonly string[]): string {
  let out = value;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join(REDACTED);
  return out;
}

function headersShown(headers: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : scrub(v, secrets)]),
  );
}

const MAX_BODY_SHOWN = 4096;
const bodyShown = (bytes: Uint8Array, secrets: readonly string[]) => {
  const t = scrub(text(bytes), secrets);
  return t.length > MAX_BODY_SHOWN ? `${t.slice(0, MAX_BODY_SHOWN)}… (${bytes.length} bytes in all)` : t;
};

const showRequest = (r: WireRequest, secrets: readonly string[]): ShownRequest => ({
  method: r.method,
  path: r.path,
  headers: headersShown(r.headers, secrets),
  body: bodyShown(r.body, secrets),
});
const showResponse = (r: WireResponse, secrets: readonly string[]): ShownResponse => ({
  status: r.statusCode,
  headers: headersShown(r.headers, secrets),
  body: bodyShown(r.body, secrets),
});

export function showObservation(
  o: Observation | undefined,
  secrets: readonly string[],
): { request?: ShownRequest; response?: ShownResponse; transportError?: string } {
  if (!o) return {};
  return {
    request: o.request.method ? showRequest(o.request, secrets) : undefined,
    response: o.response ? showResponse(o.response, secrets) : undefined,
    transportError: o.transportError,
  };
}

/** Secret values the environment of this process knows (a secret key, a session token): never written. */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']
    .map((k) => env[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 8);
}
