// Record and replay. A cassette is a JSON array in nock's recording format (what `nock.recorder.play()` gives with
// `output_objects: true`): { scope, method, path, body, status, response, rawHeaders, responseIsBinary }, one per
// exchange, in the order they happened, so `nock.define(cassette)` loads it too. Bodies are kept as the exact text
// sent (two bodies that parse to the same JSON, such as a duplicate key or whitespace padding, are different
// requests). Nothing secret is kept: no request header at all (so no Authorization, no security token), the
// Password of CreateUser replaced, and every known secret value scrubbed from what is left.
//
// Replay answers a request with the next unused exchange recorded for the same method, path and body (the
// Password, and the random part of a provisioned `conformance-` username, do not count). A request the cassette
// does not hold is not answered: it throws SendStopped('cassette'), and the run reports the requirement it was
// for as skip with that reason, never as a pass.
import { UserError } from '../../core/errors.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { REDACTED, scrub } from '../../core/redact.ts';
import { SendStopped } from '../stop.ts';
import { text, utf8, type WireRequest, type WireResponse } from '../../core/wire.ts';

export interface NockDefinition {
  scope: string;
  method: string;
  path: string;
  body: string;
  status: number;
  response: unknown;
  rawHeaders: string[];
  responseIsBinary: false;
}

const PASSWORD = /("Password"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const PROVISIONED = /conformance-[a-z0-9]{8}(?![a-z0-9])/g;
const DROPPED_RESPONSE_HEADERS = new Set(['set-cookie', 'authorization', 'x-amz-security-token']);

/** A request body with its secret parts replaced. */
export const redactBody = (body: string, secrets: readonly string[] = []): string => scrub(body.replace(PASSWORD, `$1"${REDACTED}"`), secrets);

/** What a request is matched on: method, path and body, without the Password and provisioned usernames' random part. */
export const matchKey = (method: string, path: string, body: string): string =>
  `${method.toUpperCase()} ${path}\n${body.replace(PASSWORD, `$1"${REDACTED}"`).replace(PROVISIONED, 'conformance-*')}`;

function responseValue(bytes: Uint8Array): unknown {
  const t = text(bytes);
  if (!t) return '';
  try {
    const parsed: unknown = JSON.parse(t);
    return JSON.stringify(parsed) === t ? parsed : t;
  } catch {
    return t;
  }
}

export class Recorder {
  readonly definitions: NockDefinition[] = [];

  constructor(private readonly secrets: readonly string[] = []) {}

  record(scope: string, request: WireRequest, response: WireResponse): void {
    const rawHeaders = Object.entries(response.headers)
      .filter(([k]) => !DROPPED_RESPONSE_HEADERS.has(k.toLowerCase()))
      .flatMap(([k, v]) => [k, scrub(v, this.secrets)]);
    this.definitions.push({
      scope,
      method: request.method.toUpperCase(),
      path: scrub(request.path, this.secrets),
      body: redactBody(text(request.body), this.secrets),
      status: response.statusCode,
      response: responseValue(response.body),
      rawHeaders,
      responseIsBinary: false,
    });
  }

  write(file: string): void {
    writeFileSync(file, `${JSON.stringify(this.definitions, null, 1)}\n`);
  }
}

export class CassetteError extends UserError {
  override name = 'CassetteError';
}

/** Reads a cassette; a problem is one line. */
export function readCassette(file: string): NockDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CassetteError(`--cassette ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`);
  }
  if (!Array.isArray(raw)) throw new CassetteError(`--cassette ${file}: not a list of recorded exchanges (nock's recording format)`);
  raw.forEach((d: Partial<NockDefinition>, i) => {
    if (typeof d?.scope !== 'string' || typeof d.method !== 'string' || typeof d.path !== 'string' || typeof d.status !== 'number') {
      throw new CassetteError(`--cassette ${file}: exchange ${i} needs scope, method, path and status`);
    }
  });
  return raw as NockDefinition[];
}

function headersOf(rawHeaders: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < (rawHeaders?.length ?? 0); i += 2) out[rawHeaders![i]!.toLowerCase()] = rawHeaders![i + 1]!;
  return out;
}

/** A transport that answers from a cassette, each recorded exchange once, in recorded order per request. */
export function cassetteTransport(definitions: readonly NockDefinition[]): { transport: (request: WireRequest) => Promise<WireResponse>; unused(): number } {
  const queues = new Map<string, NockDefinition[]>();
  for (const d of definitions) {
    const body = typeof d.body === 'string' ? d.body : d.body === undefined ? '' : JSON.stringify(d.body);
    const key = matchKey(d.method, d.path, body);
    queues.set(key, [...(queues.get(key) ?? []), d]);
  }
  return {
    async transport(request) {
      const d = queues.get(matchKey(request.method, request.path, text(request.body)))?.shift();
      if (!d) throw new SendStopped('cassette', `the cassette holds no answer for ${request.method} ${request.path.slice(0, 160)}`);
      const body = d.response === '' || d.response === undefined ? '' : typeof d.response === 'string' ? d.response : JSON.stringify(d.response);
      return { statusCode: d.status, headers: headersOf(d.rawHeaders), body: utf8(body) };
    },
    unused: () => [...queues.values()].reduce((n, q) => n + q.length, 0),
  };
}
