// The raw channel: requests the SDK cannot express, signed with @smithy/signature-v4 (or deliberately not, or
// wrongly, or correctly but at a shifted clock or for another region or service), sent over a transport: straight
// into a handler, or over HTTP(S) to a URL.
import http from 'node:http';
import https from 'node:https';
import type { Observation } from '../core/observation.ts';
import { signWireRequest } from './sign.ts';
import { SendStopped } from './stop.ts';
import { TargetFault } from '../core/errors.ts';
import type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';
import { lowerCaseHeaders } from '../core/wire.ts';

export type Transport = (request: WireRequest) => Promise<WireResponse>;
/**
 * A correct signature with the run's key, made otherwise than the target expects: dated `skewMs` away from this
 * process's clock (negative: in the past), or with a credential scope of another region or service.
 */
interface SigningVariation {
  skewMs?: number;
  region?: string;
  service?: string;
}
export type Signing = 'signed' | 'unsigned' | 'wrong-signature' | SigningVariation;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Into a handler in this process, as bytes. */
export function handlerTransport(handler: WireHandler): Transport {
  return (request) => handler(request);
}

/** Over HTTP(S) to baseUrl. Goes through the module objects, so nock interception applies where installed. */
export function httpTransport(baseUrl: string, timeoutMs = 30_000): Transport {
  const url = new URL(baseUrl);
  const send = url.protocol === 'https:' ? https.request : http.request;
  const prefix = url.pathname.replace(/\/$/, '');
  return (request) =>
    new Promise((resolve, reject) => {
      const req = send(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          method: request.method,
          path: `${prefix}${request.path}`,
          headers: request.headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              statusCode: res.statusCode ?? 0,
              headers: lowerCaseHeaders(res.headers),
              body: new Uint8Array(Buffer.concat(chunks)),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(Buffer.from(request.body));
    });
}

export interface RawChannel {
  send(request: WireRequest, signing?: Signing): Promise<Observation>;
}

export function rawChannel(
  transport: Transport,
  options: { host: string; region: string; credentials: () => Promise<Credentials> },
): RawChannel {
  return {
    async send(request, signing = 'signed') {
      const base: WireRequest = { ...request, headers: { ...request.headers, host: options.host } };
      let sent = base;
      if (signing !== 'unsigned') {
        const credentials = await options.credentials();
        const key =
          signing === 'wrong-signature' ? { ...credentials, secretAccessKey: `${credentials.secretAccessKey}-wrong` } : credentials;
        const variation = typeof signing === 'object' ? signing : {};
        sent = await signWireRequest(base, {
          credentials: key,
          region: variation.region ?? options.region,
          host: options.host,
          ...(variation.service ? { service: variation.service } : {}),
          ...(variation.skewMs ? { signingDate: new Date(Date.now() + variation.skewMs) } : {}),
        });
      }
      try {
        return { channel: 'raw', request: sent, response: await transport(sent) };
      } catch (e) {
        if (e instanceof SendStopped || e instanceof TargetFault) throw e;
        const err = e as NodeJS.ErrnoException;
        return { channel: 'raw', request: sent, transportError: `${err.code ?? err.name}: ${err.message}` };
      }
    },
  };
}
