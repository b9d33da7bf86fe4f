// Hosting 1: the reference as a requestHandler for ConnectClient. No network, no global patching: the SDK's
// serialized request goes straight to the handler and the response straight back to the SDK.
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { WireHandler, WireRequest, WireResponse } from '../../../core/wire.ts';
import { lowerCaseHeaders, queryStringOf, utf8 } from '../../../core/wire.ts';

/** The SDK's serialized request as bytes on the wire. */
export function wireRequestOf(request: HttpRequest): WireRequest {
  const qs = queryStringOf(request.query);
  const body: unknown = request.body;
  return {
    method: request.method,
    path: `${request.path}${qs ? `?${qs}` : ''}`,
    headers: lowerCaseHeaders(request.headers),
    body:
      body === undefined || body === null ? new Uint8Array() : typeof body === 'string' ? utf8(body) : new Uint8Array(body as Uint8Array),
  };
}

/** A requestHandler for `new ConnectClient({ requestHandler })` that answers with the given handler. */
export function inMemoryRequestHandler(handler: WireHandler) {
  const toSdk = (response: WireResponse) => ({
    response: new HttpResponse({ statusCode: response.statusCode, headers: response.headers, body: response.body }),
  });
  return {
    handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
      let answer: Promise<WireResponse>;
      try {
        // A handler that answers synchronously is taken too, as awaiting it took it.
        answer = Promise.resolve(handler(wireRequestOf(request)));
      } catch (e) {
        return Promise.reject(e);
      }
      return answer.then(toSdk);
    },
  };
}
