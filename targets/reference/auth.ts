// SigV4 verification: the reference recomputes the signature of what it received and compares. The canonical
// request is the SDK's own (@smithy/signature-v4: its canonical headers, path and query), so the reference agrees
// with the signer byte for byte; the hashes and HMACs around it are computed synchronously with node:crypto.
// Unsigned, unknown key and wrong signature are told apart as AWS front ends do (docs/contract.md A7). A signature is
// also wrong for this endpoint when its credential scope names another date than X-Amz-Date's, or (when the caller
// says which it expects) another region or service (AUTH-WRONG-SCOPE), and when X-Amz-Date is further from the
// verifier's clock than the window allows (AUTH-STALE-SIGNATURE); the messages are AWS's own.
//
// Per call, nothing is built that does not depend on the request: the signer (a pure canonicalizer here) is cached
// per access key, secret, region and service, and the signing key per secret, date, region and service, both in
// bounded caches. This gives the same verdicts as re-signing with a new SignatureV4 per request (the first version
// of this file), at less than half the cost (docs/bench.md).
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import {
  AMZ_DATE_HEADER,
  ALGORITHM_IDENTIFIER,
  createScope,
  GENERATED_HEADERS,
  getCanonicalHeaders,
  KEY_TYPE_IDENTIFIER,
  SignatureV4,
} from '@smithy/signature-v4';
import type { WireRequest } from '../../core/wire.ts';
import type { Credentials } from '../raw-channel.ts';

export type AuthResult = { ok: true } | { ok: false; reason: 'unsigned' | 'unknownKey' | 'badSignature'; message: string };

/** What a signature must be for besides the key: each check applies when given (the reference gives them all). */
export interface SignatureChecks {
  /** The region its credential scope must name (the endpoint's region). */
  region?: string;
  /** The service its credential scope must name (the signing name). */
  service?: string;
  /** How far X-Amz-Date may be from `now()`, either way, in ms. */
  maxSkewMs?: number;
  /** The verifier's clock, in ms since the epoch (default Date.now). */
  now?: () => number;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** A map that forgets its oldest entry beyond `limit` entries (insertion order; a hit does not refresh). */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  // The last key asked for and its value: a run asks for the same few keys over and over. A value is a function of
  // its key, so the last one stays right even after the map forgot it.
  #lastKey: string | undefined;
  #lastValue: V | undefined;
  constructor(readonly limit: number) {}
  get size(): number {
    return this.#entries.size;
  }
  get(key: string, make: () => V): V {
    if (key === this.#lastKey) return this.#lastValue!;
    let value = this.#entries.get(key);
    if (value === undefined) {
      value = make();
      this.#entries.set(key, value);
      if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#lastKey = key;
    this.#lastValue = value;
    return value;
  }
  clear(): void {
    this.#entries.clear();
    this.#lastKey = undefined;
    this.#lastValue = undefined;
  }
}

/** Canonical paths per path, per signer: a path's canonical form depends on nothing else (a run sends few paths). */
const CANONICAL_PATH_CACHE_LIMIT = 256;

/** An X-Amz-Date as the signer formats it, and as a time. */
interface SigningDates {
  longDate: string;
  shortDate: string;
  ms: number;
}

/** The SDK's signer, used for what it does with a request: its canonical request and its date format. */
class Canonicalizer extends SignatureV4 {
  constructor(...args: ConstructorParameters<typeof SignatureV4>) {
    super(...args);
    // The SDK's canonical path (its normalization and double encoding: a private method of the signer, which its
    // createCanonicalRequest calls), computed once per path.
    const self = this as unknown as { getCanonicalPath?: (request: HttpRequest) => string };
    const sdk = self.getCanonicalPath;
    if (typeof sdk === 'function') {
      const paths = new BoundedCache<string>(CANONICAL_PATH_CACHE_LIMIT);
      self.getCanonicalPath = (request) => paths.get(request.path, () => sdk.call(this, request));
    }
  }
  canonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }
  dates(signingDate: Date): SigningDates {
    return { ...this.formatDate(signingDate), ms: signingDate.getTime() };
  }
}

/**
 * Enough for every key, region and service a run uses (one key, one region, one service), and for a few hundred
 * signing dates; beyond that the oldest entry goes, so a long-running `serve` holds a bounded amount.
 */
export const SIGNER_CACHE_LIMIT = 64;
export const SIGNING_KEY_CACHE_LIMIT = 256;
export const SIGNING_DATE_CACHE_LIMIT = 256;
const signers = new BoundedCache<Canonicalizer>(SIGNER_CACHE_LIMIT);
const signingKeys = new BoundedCache<Buffer>(SIGNING_KEY_CACHE_LIMIT);
/** X-Amz-Date values as received, to the signer's long and short dates (null: not a date). */
const signingDates = new BoundedCache<SigningDates | null>(SIGNING_DATE_CACHE_LIMIT);

/** How many signers, signing keys and dates are cached (tests check the bounds). */
export const authCacheSizes = () => ({ signers: signers.size, signingKeys: signingKeys.size, signingDates: signingDates.size });

// Cache keys. The access key id (it equals the header's), the region, the service and the date never hold a "/" (the
// Authorization header's pattern and the date format exclude it), so a key with the secret last is unambiguous.
const signerFor = (key: Credentials, region: string, service: string) =>
  signers.get(`${key.accessKeyId}/${region}/${service}/${key.secretAccessKey}`, () => {
    // The signer is asked only for its canonical request and its date format, never to sign: no credentials
    // provider is called, and no hash constructor is needed (the hashes below are node:crypto's).
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    return new Canonicalizer({ credentials, region, service, sha256: undefined as never, applyChecksum: false });
  });

/** The signer's dates for an X-Amz-Date value as received (undefined when it is not one), cached per value. */
const datesOf = (signer: Canonicalizer, amzDate: string | undefined) => {
  if (amzDate === undefined) return undefined;
  return (
    signingDates.get(amzDate, () => {
      const date = parseAmzDate(amzDate);
      return date ? signer.dates(date) : null;
    }) ?? undefined
  );
};

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), cached. */
const signingKeyFor = (secret: string, shortDate: string, region: string, service: string) =>
  signingKeys.get(`${shortDate}/${region}/${service}/${secret}`, () => {
    let k: string | Buffer = `AWS4${secret}`;
    for (const part of [shortDate, region, service, KEY_TYPE_IDENTIFIER]) k = hmac(k, part);
    return k as Buffer;
  });

const GENERATED = new Set<string>(GENERATED_HEADERS);

/** A SignedHeaders value as a list and a set, cached per value (a client signs the same list every time). */
const SIGNED_HEADERS_CACHE_LIMIT = 256;
const signedHeaderLists = new BoundedCache<{ names: readonly string[]; set: ReadonlySet<string> }>(SIGNED_HEADERS_CACHE_LIMIT);
const signedHeadersOf = (value: string) =>
  signedHeaderLists.get(value, () => {
    const names = value.split(';');
    return { names, set: new Set(names) };
  });

export async function verifySignature(
  request: WireRequest,
  credentials: readonly Credentials[],
  checks: SignatureChecks = {},
): Promise<AuthResult> {
  return verifySignatureNow(request, credentials, checks);
}

const badSignature = (message: string): AuthResult => ({ ok: false, reason: 'badSignature', message });

/** The credential scope against X-Amz-Date and what the verifier expects, with AWS's messages (docs/contract.md B15). */
function scopeProblem(
  dates: SigningDates,
  amzDate: string,
  scope: { date: string; region: string; service: string },
  checks: SignatureChecks,
): string | undefined {
  if (scope.date !== dates.shortDate) {
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${dates.shortDate}', from '${amzDate}'.`;
  }
  if (checks.region !== undefined && scope.region !== checks.region)
    return `Credential should be scoped to a valid region, not '${scope.region}'.`;
  if (checks.service !== undefined && scope.service !== checks.service)
    return `Credential should be scoped to correct service: '${checks.service}'.`;
  return undefined;
}

/** X-Amz-Date against the verifier's clock: beyond the window either way, AWS's "expired" or "not yet current". */
function windowProblem(signer: Canonicalizer, dates: SigningDates, checks: SignatureChecks): string | undefined {
  if (checks.maxSkewMs === undefined) return undefined;
  const now = (checks.now ?? Date.now)();
  const minutes = Math.round(checks.maxSkewMs / 60_000);
  const at = (ms: number) => signer.dates(new Date(ms)).longDate;
  if (dates.ms < now - checks.maxSkewMs)
    return `Signature expired: ${dates.longDate} is now earlier than ${at(now - checks.maxSkewMs)} (${at(now)} - ${minutes} min.)`;
  if (dates.ms > now + checks.maxSkewMs)
    return `Signature not yet current: ${dates.longDate} is still later than ${at(now + checks.maxSkewMs)} (${at(now)} + ${minutes} min.)`;
  return undefined;
}

/** verifySignature, synchronously (nothing in it waits): the reference's handler calls this one. */
export function verifySignatureNow(request: WireRequest, credentials: readonly Credentials[], checks: SignatureChecks = {}): AuthResult {
  const header = request.headers.authorization;
  if (!header) return { ok: false, reason: 'unsigned', message: 'Missing Authentication Token' };
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return badSignature('The request signature is malformed.');
  const [, keyId, scopeDate, region, service, signedHeaders, signature] = m as unknown as string[];
  const key = credentials.find((c) => c.accessKeyId === keyId);
  if (!key) return { ok: false, reason: 'unknownKey', message: 'The security token included in the request is invalid.' };
  const signer = signerFor(key, region!, service!);
  const amzDate = request.headers['x-amz-date'];
  const dates = datesOf(signer, amzDate);
  if (!dates) return badSignature('The request has no valid X-Amz-Date.');
  const problem =
    scopeProblem(dates, amzDate!, { date: scopeDate!, region: region!, service: service! }, checks) ?? windowProblem(signer, dates, checks);
  if (problem) return badSignature(problem);

  // The payload hash is the hash of the body received; x-amz-content-sha256, when present, must equal it (a signer
  // that trusted the header would accept a body changed after signing).
  const payloadHash = hash('sha256', request.body, 'hex');
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== payloadHash) {
    return badSignature('The x-amz-content-sha256 header does not match the body.');
  }
  // The signed headers as the SDK's signer prepares a request: the headers it generates itself (authorization, date,
  // x-amz-date) are left out, and x-amz-date is the date it signs at, whether the client listed it or not.
  const { names, set: signedSet } = signedHeadersOf(signedHeaders!);
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) return badSignature(`The signed header ${name} is missing.`);
    if (!GENERATED.has(name)) headers[name] = value;
  }
  headers[AMZ_DATE_HEADER] = dates.longDate;
  const [pathname, query = ''] = request.path.split('?', 2) as [string, string?];
  // HttpRequest normalizes the method and path as the signer sees them (GET and "/" when empty).
  const canonicalRequest = signer.canonicalRequest(
    new HttpRequest({
      method: request.method,
      path: pathname,
      query: query ? Object.fromEntries(new URLSearchParams(query)) : {},
      headers,
    }),
    getCanonicalHeaders({ headers } as HttpRequest, undefined, signedSet as Set<string>) as Record<string, string>,
    payloadHash,
  );
  const scope = createScope(dates.shortDate, region!, service!);
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${dates.longDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
  const expected = hmac(signingKeyFor(key.secretAccessKey, dates.shortDate, region!, service!), stringToSign);
  // The pattern guarantees 64 hex digits, i.e. 32 bytes, as long as the HMAC.
  const same = timingSafeEqual(expected, Buffer.from(signature!, 'hex'));
  return same ? { ok: true } : badSignature('The request signature we calculated does not match the signature you provided.');
}
