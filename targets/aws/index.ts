// The aws target and the replay target. Both send every request, SDK channel and raw channel alike, through one
// safety envelope (envelope.ts): the guard, the budget, the token bucket, retries, the recorder.
//
// aws: @aws-sdk/client-connect with the standard credential chain (environment, --profile as the client's
// `profile`, SSO, container and instance roles), region, and the endpoint by the SDK's rules (endpoint.ts:
// --endpoint-url, AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, the profile's endpoint_url); the SDK's own retries are
// off (maxAttempts 1) because the envelope retries, counting every attempt.
// replay: the same channels answered from a cassette (cassette.ts), offline; nothing leaves the process.
import { ConnectClient } from '@aws-sdk/client-connect';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { wireRequestOf } from '../reference/hosting/in-memory.ts';
import { httpTransport, type Transport } from '../raw-channel.ts';
import type { WireRequest, WireResponse } from '../../core/wire.ts';
import type { SafetyEnvelope } from './safety-envelope.ts';

export { Budget, SafetyEnvelope, retryAfterMs } from './safety-envelope.ts';
export { TokenBucket, instantClock, realClock, type Clock } from './bucket.ts';
export { Recorder, readCassette, cassetteTransport, type NockDefinition } from './cassette.ts';
export { Journal, readJournal, pendingOf, isFinished, undoJournal, journalOperation, type JournalData } from './journal.ts';
export { resolveEndpoint, parseSharedConfig } from './endpoint.ts';

/** How long one request may take before it counts as unanswered, for every kind of target (--request-timeout). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export const awsOrigin = (region: string) => `https://connect.${region}.amazonaws.com`;

/** A requestHandler for ConnectClient that sends through the envelope (over HTTP, or into `transport`). */
export function envelopeRequestHandler(envelope: SafetyEnvelope, options: { timeoutMs: number; transport?: Transport; scope?: string }) {
  const transports = new Map<string, Transport>();
  return {
    async handle(request: HttpRequest) {
      const origin = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
      const wire: WireRequest = wireRequestOf(request);
      let transport = options.transport;
      if (!transport) {
        transport = transports.get(origin) ?? httpTransport(origin, options.timeoutMs);
        transports.set(origin, transport);
      }
      const response: WireResponse = await envelope.send(wire, transport, options.scope ?? origin);
      return { response: new HttpResponse({ statusCode: response.statusCode, headers: response.headers, body: response.body }) };
    },
  };
}

export interface AwsClientOptions {
  region: string;
  endpointUrl?: string;
  profile?: string;
  envelope: SafetyEnvelope;
  timeoutMs?: number;
}

export function awsClient(options: AwsClientOptions): ConnectClient {
  return new ConnectClient({
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    maxAttempts: 1,
    requestHandler: envelopeRequestHandler(options.envelope, { timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS }),
  });
}
