// SigV4 signing of a raw request with @smithy/signature-v4, for requests the SDK cannot express (bad JSON,
// wrong content type, raw label bytes). The path is signed exactly as it will be sent, at the signer's clock or at a
// given signing date (the signer's own `signingDate`: a request dated away from the target's clock).
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { WireRequest } from '../core/wire.ts';

export interface SigningConfig {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  service?: string;
  /** The Host header's value (host[:port]). */
  host: string;
  /** The time to sign at (X-Amz-Date and the credential scope's date); default now. */
  signingDate?: Date;
}

export async function signWireRequest(request: WireRequest, config: SigningConfig): Promise<WireRequest> {
  const [pathname, query = ''] = request.path.split('?', 2) as [string, string?];
  const signer = new SignatureV4({
    credentials: config.credentials,
    region: config.region,
    service: config.service ?? 'connect',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: config.host,
      path: pathname,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers: { ...request.headers, host: config.host },
      body: request.body,
    }),
    config.signingDate ? { signingDate: config.signingDate } : {},
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
  return { ...request, headers };
}
