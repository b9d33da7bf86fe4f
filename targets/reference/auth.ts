// SigV4 verification: the reference re-signs what it received with @smithy/signature-v4 (the SDK's own signer)
// and compares. Unsigned, unknown key and wrong signature are told apart as AWS front ends do (contract A7).
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { WireRequest } from '../wire.ts';

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

export async function verifySignature(request: WireRequest, credentials: readonly Credentials[]): Promise<AuthResult> {
  const header = request.headers.authorization;
  if (!header) return { ok: false, reason: 'unsigned', message: 'Missing Authentication Token' };
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return { ok: false, reason: 'badSignature', message: 'The request signature is malformed.' };
  const [, keyId, , region, service, signedHeaders, signature] = m as unknown as string[];
  const key = credentials.find((c) => c.accessKeyId === keyId);
  if (!key) return { ok: false, reason: 'unknownKey', message: 'The security token included in the request is invalid.' };
  const signingDate = parseAmzDate(request.headers['x-amz-date']);
  if (!signingDate) return { ok: false, reason: 'badSignature', message: 'The request has no valid X-Amz-Date.' };

  // The signer takes the payload hash from x-amz-content-sha256 when it is present, so that header must be
  // the hash of the body actually received.
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
    return { ok: false, reason: 'badSignature', message: 'The x-amz-content-sha256 header does not match the body.' };
  }
  const names = signedHeaders!.split(';');
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) return { ok: false, reason: 'badSignature', message: `The signed header ${name} is missing.` };
    headers[name] = value;
  }
  const [pathname, query = ''] = request.path.split('?', 2) as [string, string?];
  // applyChecksum off: the signer must not add an x-amz-content-sha256 header the client did not sign (botocore signs none).
  const signer = new SignatureV4({ credentials: key, region: region!, service: service!, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const resigned = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: headers.host ?? 'localhost',
      path: pathname,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers,
      body: request.body,
    }),
    { signingDate, signableHeaders: new Set(names) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  const same = expected.length === signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!));
  return same ? { ok: true } : { ok: false, reason: 'badSignature', message: 'The request signature we calculated does not match the signature you provided.' };
}
