// The SDK channel: @aws-sdk/client-connect with maxAttempts 1, and a middleware that keeps the signed request and
// the raw response of every call, so that each SDK call is also a wire observation.
import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';
import type { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { Observation, SdkOutcome } from '../core/observation.ts';
import { SendStopped } from './stop.ts';
import { TargetFault } from '../core/errors.ts';
import { lowerCaseHeaders, queryStringOf, utf8, type WireRequest, type WireResponse } from '../core/wire.ts';

export function connectClient(config: ConnectClientConfig): ConnectClient {
  return new ConnectClient({ ...config, maxAttempts: 1 });
}

/** A body already in memory as bytes (or none, or text); undefined for a stream. */
function bytesOf(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return utf8(body);
  return undefined;
}

async function bufferBody(body: unknown): Promise<Uint8Array> {
  const bytes = bytesOf(body);
  if (bytes) return bytes;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? utf8(chunk) : chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

function wireOf(request: HttpRequest): WireRequest {
  const qs = queryStringOf(request.query);
  const body: unknown = request.body;
  return {
    method: request.method,
    path: `${request.path}${qs ? `?${qs}` : ''}`,
    headers: lowerCaseHeaders(request.headers),
    body: body == null ? new Uint8Array() : typeof body === 'string' ? utf8(body) : body instanceof Uint8Array ? body : new Uint8Array(),
  };
}

interface Sendable {
  middlewareStack: {
    add: (mw: unknown, options: { step: 'deserialize'; priority: 'low'; name: string }) => void;
    remove: (name: string) => boolean;
  };
}

const OBSERVER = 'connectConformanceObserver';

/** Sends a command and returns the wire exchange with the SDK's outcome. Transport failures are observed too; a
 * SendStopped (refused, budget, cassette...) is rethrown. The observer is taken off the command again, so that the
 * same command can be sent again (a throttled request is resent: engine/flow-control.ts). */
export async function observeCommand(client: ConnectClient, command: Sendable): Promise<Observation> {
  let request: WireRequest | undefined;
  let response: WireResponse | undefined;
  command.middlewareStack.add(
    (next: (args: { request: HttpRequest }) => Promise<{ response: HttpResponse }>) => async (args: { request: HttpRequest }) => {
      request = wireOf(args.request);
      const result = await next(args);
      const raw = result.response;
      // A body in memory is taken as it is, without a turn of the event loop; a stream is read to its end.
      raw.body = bytesOf(raw.body) ?? (await bufferBody(raw.body));
      response = { statusCode: raw.statusCode, headers: lowerCaseHeaders(raw.headers), body: raw.body as Uint8Array };
      return result;
    },
    { step: 'deserialize', priority: 'low', name: OBSERVER },
  );
  let sdk: SdkOutcome;
  let transportError: string | undefined;
  try {
    const { $metadata: _meta, ...output } = (await client.send(command as never)) as unknown as Record<string, unknown>;
    sdk = { ok: true, output };
  } catch (e) {
    // A request the envelope did not send (or the cassette cannot answer) is no observation: the caller decides.
    if (e instanceof SendStopped || e instanceof TargetFault) throw e;
    const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
    if (!response) transportError = `${err.code ?? err.name ?? 'Error'}: ${err.message ?? String(e)}`;
    sdk = {
      ok: false,
      name: err.name ?? 'Error',
      message: err.message ?? String(e),
      status: err.$metadata?.httpStatusCode,
      fault: err.$fault,
    };
  } finally {
    command.middlewareStack.remove(OBSERVER);
  }
  return {
    channel: 'sdk',
    request: request ?? { method: '', path: '', headers: {}, body: new Uint8Array() },
    response,
    transportError,
    sdk,
  };
}
