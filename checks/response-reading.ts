// Reading a response the way restJson1 clients do (docs/contract.md A5): the error type from the header, then the
// body's `code`, then `__type`, sanitised; the message from `message` or `Message`. Names come from the spec.
import type { Spec } from '../spec/index.ts';
import { text, type WireResponse } from '../core/wire.ts';

export interface ErrorType {
  type: string;
  raw: string;
  where: 'header' | 'body';
}

export function jsonOf(response: WireResponse): unknown {
  if (response.body.length === 0) return undefined;
  try {
    return JSON.parse(text(response.body));
  } catch {
    return undefined;
  }
}

/** `com.amazonaws.connect#ResourceNotFoundException:http://internal...` -> `ResourceNotFoundException`. */
function sanitizeErrorType(raw: string): string {
  const beforeColon = raw.split(':', 1)[0]!;
  const hash = beforeColon.indexOf('#');
  return (hash >= 0 ? beforeColon.slice(hash + 1) : beforeColon).trim();
}

export function errorTypeOf(spec: Spec, response: WireResponse): ErrorType | undefined {
  const header = response.headers[spec.protocol.errorTypeHeader.toLowerCase()];
  if (header) return { type: sanitizeErrorType(header), raw: header, where: 'header' };
  const body = jsonOf(response);
  if (typeof body !== 'object' || body === null) return undefined;
  for (const field of spec.protocol.errorTypeBodyFields) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value) return { type: sanitizeErrorType(value), raw: value, where: 'body' };
  }
  return undefined;
}

export function messageOf(spec: Spec, response: WireResponse): string | undefined {
  const body = jsonOf(response);
  if (typeof body !== 'object' || body === null) return undefined;
  for (const field of spec.protocol.messageFields) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function describeResponse(spec: Spec, response: WireResponse | undefined): string {
  if (!response) return 'no response';
  const type = errorTypeOf(spec, response);
  return `${response.statusCode}${type ? ` ${type.type}` : ''}`;
}
