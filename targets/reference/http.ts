// The reference's answers: a response with a JSON body (or none), and the errors it answers with.
import { randomUUID } from 'node:crypto';
import { utf8, type WireResponse } from '../../core/wire.ts';

/**
 * An answer the reference gives (a 4xx, or a 500 it means), not a fault of its own: caught in `handle` and turned into
 * a response, its stack never read. So none is captured: under the SDK's middleware and the hosting's async frames,
 * capturing one cost several times as much as the rest of a rejection (docs/bench.md).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.status = status;
    this.type = type;
  }
}

/** A response with a request ID, and a JSON body when there is one. */
export function respond(status: number, body?: unknown): WireResponse {
  if (body === undefined)
    return { statusCode: status, headers: { 'x-amzn-requestid': randomUUID(), 'content-length': '0' }, body: new Uint8Array() };
  const bytes = utf8(JSON.stringify(body));
  return {
    statusCode: status,
    headers: { 'x-amzn-requestid': randomUUID(), 'content-type': 'application/json', 'content-length': String(bytes.length) },
    body: bytes,
  };
}

/** An error's response: its message in the body, its type in the protocol's error type header. */
export function errorResponse(e: HttpError, errorTypeHeader: string): WireResponse {
  const r = respond(e.status, { message: e.message });
  r.headers[errorTypeHeader.toLowerCase()] = e.type;
  return r;
}
