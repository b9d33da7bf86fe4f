// Record and replay. A cassette is a JSON object: `connect-conformance` (the format, `cassette/1`), `tool` (the
// suite's name/version that recorded it), `recordedWith` (the settings that decide which requests a run sends, by
// option: seed, runs, only, the fixtures...) and `exchanges`, in nock's recording format (what
// `nock.recorder.play()` gives with `output_objects: true`): { scope, method, path, body, status, response,
// rawHeaders, responseIsBinary }, one per exchange, in the order they happened, so that
// `nock.define(cassette.exchanges)` loads them too. A cassette of an earlier version (a bare list of exchanges) is
// still read; it cannot say what it was recorded with. Bodies are kept as the exact text
// sent (two bodies that parse to the same JSON, such as a duplicate key or whitespace padding, are different
// requests). Nothing secret is kept: no request header at all (so no Authorization, no security token), the
// Password of CreateUser replaced, and every known secret value scrubbed from what is left.
//
// Replay answers a request with the next unused exchange recorded for the same method, path and body (the
// Password, and the random part of a provisioned `conformance-` username, do not count). A request the cassette
// does not hold is not answered: it throws SendStopped('cassette'), and the run reports the requirement it was
// for as skip with that reason, never as a pass. Because answers to the same request are given in recorded order, a
// replay with other settings than the recording would read answers from other moments of the recorded run (false
// failures): a replay whose settings differ from `recordedWith` is refused, naming what differs (cassetteMismatch).
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
const redactBody = (body: string, secrets: readonly string[] = []): string => scrub(body.replace(PASSWORD, `$1"${REDACTED}"`), secrets);

/** What a request is matched on: method, path and body, without the Password and provisioned usernames' random part. */
const matchKey = (method: string, path: string, body: string): string =>
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

/** The settings a run was recorded with, by option name (engine/options.ts recordedSettings). */
export type RecordedWith = Record<string, string | number | boolean | string[] | null>;

const CASSETTE_FORMAT = 'cassette/1';

interface Cassette {
  'connect-conformance': typeof CASSETTE_FORMAT;
  /** name/version of the suite that recorded it. */
  tool: string;
  recordedWith: RecordedWith;
  exchanges: NockDefinition[];
}

export class Recorder {
  readonly definitions: NockDefinition[] = [];

  constructor(
    private readonly secrets: readonly string[] = [],
    private readonly recordedWith: RecordedWith = {},
    private readonly tool = '',
  ) {}

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
    const cassette: Cassette = {
      'connect-conformance': CASSETTE_FORMAT,
      tool: this.tool,
      recordedWith: this.recordedWith,
      exchanges: this.definitions,
    };
    writeFileSync(file, `${JSON.stringify(cassette, null, 1)}\n`);
  }
}

class CassetteError extends UserError {
  override name = 'CassetteError';
}

/** Reads a cassette (a cassette/1 object, or an earlier version's bare list of exchanges); a problem is one line. */
export function readCassetteFile(file: string): { exchanges: NockDefinition[]; recordedWith?: RecordedWith; tool?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CassetteError(
      `--cassette ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`,
    );
  }
  const object = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Partial<Cassette>) : undefined;
  if (object && object['connect-conformance'] !== CASSETTE_FORMAT) {
    throw new CassetteError(
      `--cassette ${file}: not a cassette of this version of connect-conformance (its format is ${JSON.stringify(object['connect-conformance'] ?? 'not named')}, this version reads ${CASSETTE_FORMAT}); record it again with run --target aws --record FILE`,
    );
  }
  const exchanges: unknown = object ? object.exchanges : raw;
  if (!Array.isArray(exchanges)) throw new CassetteError(`--cassette ${file}: not a list of recorded exchanges (nock's recording format)`);
  exchanges.forEach((d: Partial<NockDefinition>, i) => {
    if (typeof d?.scope !== 'string' || typeof d.method !== 'string' || typeof d.path !== 'string' || typeof d.status !== 'number') {
      throw new CassetteError(`--cassette ${file}: exchange ${i} needs scope, method, path and status`);
    }
  });
  if (object && (typeof object.recordedWith !== 'object' || object.recordedWith === null || Array.isArray(object.recordedWith))) {
    throw new CassetteError(`--cassette ${file}: recordedWith is missing (the settings the run was recorded with)`);
  }
  return { exchanges: exchanges as NockDefinition[], ...(object ? { recordedWith: object.recordedWith, tool: object.tool } : {}) };
}

/** The exchanges of a cassette; a problem is one line. */
export function readCassette(file: string): NockDefinition[] {
  return readCassetteFile(file).exchanges;
}

/**
 * The settings in which a replay differs from its recording: each with both values, for one line. Settings the
 * recording does not name (a cassette of an earlier version names none) are not compared.
 */
export function cassetteMismatch(
  recorded: RecordedWith,
  now: RecordedWith,
): { option: string; recorded: RecordedWith[string]; now: RecordedWith[string] }[] {
  return Object.entries(recorded)
    .filter(([option, value]) => option in now && JSON.stringify(value) !== JSON.stringify(now[option]))
    .map(([option, value]) => ({ option, recorded: value, now: now[option] ?? null }));
}

function headersOf(rawHeaders: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < (rawHeaders?.length ?? 0); i += 2) out[rawHeaders![i]!.toLowerCase()] = rawHeaders![i + 1]!;
  return out;
}

/** A transport that answers from a cassette, each recorded exchange once, in recorded order per request. */
export function cassetteTransport(definitions: readonly NockDefinition[]): {
  transport: (request: WireRequest) => Promise<WireResponse>;
  unused(): number;
} {
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
      const body =
        d.response === '' || d.response === undefined ? '' : typeof d.response === 'string' ? d.response : JSON.stringify(d.response);
      return { statusCode: d.status, headers: headersOf(d.rawHeaders), body: utf8(body) };
    },
    unused: () => [...queues.values()].reduce((n, q) => n + q.length, 0),
  };
}
