// SigV4 verification: the reference recomputes the signature of what it received and compares. The canonical
// request is the SDK's own (@smithy/signature-v4: its canonical headers, path and query), so the reference agrees
// with the signer byte for byte; the hashes and HMACs around it are computed synchronously with node:crypto.
// Unsigned, unknown key and wrong signature are told apart as AWS front ends do (docs/contract.md A7).
//
// Per call, nothing is built that does not depend on the request: the signer (a pure canonicalizer here) is cached
// per access key, secret, region and service, and the signing key per secret, date, region and service, both in
// bounded caches. This gives the same verdicts as re-signing with a new SignatureV4 per request (the first version
// of this file), at less than half the cost (docs/bench.md).
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { AMZ_DATE_HEADER, ALGORITHM_IDENTIFIER, createScope, GENERATED_HEADERS, getCanonicalHeaders, KEY_TYPE_IDENTIFIER, SignatureV4 } from '@smithy/signature-v4';
import type { WireRequest } from '../../core/wire.ts';

export type AuthResult = { ok: true } | { ok: false; reason: 'unsigned' | 'unknownKey' | 'badSignature'; message: string };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

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
export const CANONICAL_PATH_CACHE_LIMIT = 256;

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
  dates(signingDate: Date): { longDate: string; shortDate: string } {
    return this.formatDate(signingDate);
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
const signingDates = new BoundedCache<{ longDate: string; shortDate: string } | null>(SIGNING_DATE_CACHE_LIMIT);

/** How many signers, signing keys and dates are cached (tests check the bounds). */
export const authCacheSizes = () => ({ signers: signers.size, signingKeys: signingKeys.size, signingDates: signingDates.size });
export function clearAuthCaches(): void {
  signedHeaderLists.clear();
  signers.clear();
  signingKeys.clear();
  signingDates.clear();
}

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
  return signingDates.get(amzDate, () => {
    const date = parseAmzDate(amzDate);
    return date ? signer.dates(date) : null;
  }) ?? undefined;
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
export const SIGNED_HEADERS_CACHE_LIMIT = 256;
const signedHeaderLists = new BoundedCache<{ names: readonly string[]; set: ReadonlySet<string> }>(SIGNED_HEADERS_CACHE_LIMIT);
const signedHeadersOf = (value: string) =>
  signedHeaderLists.get(value, () => {
    const names = value.split(';');
    return { names, set: new Set(names) };
  });

export async function verifySignature(request: WireRequest, credentials: readonly Credentials[]): Promise<AuthResult> {
  return verifySignatureNow(request, credentials);
}

/** verifySignature, synchronously (nothing in it waits): the reference's handler calls this one. */
export function verifySignatureNow(request: WireRequest, credentials: readonly Credentials[]): AuthResult {
  const header = request.headers.authorization;
  if (!header) return { ok: false, reason: 'unsigned', message: 'Missing Authentication Token' };
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return { ok: false, reason: 'badSignature', message: 'The request signature is malformed.' };
  const [, keyId, , region, service, signedHeaders, signature] = m as unknown as string[];
  const key = credentials.find((c) => c.accessKeyId === keyId);
  if (!key) return { ok: false, reason: 'unknownKey', message: 'The security token included in the request is invalid.' };
  const signer = signerFor(key, region!, service!);
  const dates = datesOf(signer, request.headers['x-amz-date']);
  if (!dates) return { ok: false, reason: 'badSignature', message: 'The request has no valid X-Amz-Date.' };

  // The payload hash is the hash of the body received; x-amz-content-sha256, when present, must equal it (a signer
  // that trusted the header would accept a body changed after signing).
  const payloadHash = hash('sha256', request.body, 'hex');
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== payloadHash) {
    return { ok: false, reason: 'badSignature', message: 'The x-amz-content-sha256 header does not match the body.' };
  }
  // The signed headers as the SDK's signer prepares a request: the headers it generates itself (authorization, date,
  // x-amz-date) are left out, and x-amz-date is the date it signs at, whether the client listed it or not.
  const { names, set: signedSet } = signedHeadersOf(signedHeaders!);
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) return { ok: false, reason: 'badSignature', message: `The signed header ${name} is missing.` };
    if (!GENERATED.has(name)) headers[name] = value;
  }
  headers[AMZ_DATE_HEADER] = dates.longDate;
  const [pathname, query = ''] = request.path.split('?', 2) as [string, string?];
  // HttpRequest normalizes the method and path as the signer sees them (GET and "/" when empty).
  const canonicalRequest = signer.canonicalRequest(
    new HttpRequest({ method: request.method, path: pathname, query: query ? Object.fromEntries(new URLSearchParams(query)) : {}, headers }),
    getCanonicalHeaders({ headers } as HttpRequest, undefined, signedSet as Set<string>) as Record<string, string>,
    payloadHash,
  );
  const scope = createScope(dates.shortDate, region!, service!);
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${dates.longDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
  const expected = hmac(signingKeyFor(key.secretAccessKey, dates.shortDate, region!, service!), stringToSign);
  // The pattern guarantees 64 hex digits, i.e. 32 bytes, as long as the HMAC.
  const same = timingSafeEqual(expected, Buffer.from(signature!, 'hex'));
  return same ? { ok: true } : { ok: false, reason: 'badSignature', message: 'The request signature we calculated does not match the signature you provided.' };
}
