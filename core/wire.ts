// A request and a response as bytes on the wire: what every hosting and every channel exchange.
// Header names are lower case.

export interface WireRequest {
  method: string;
  /** The path as sent, percent-encoded, with the query string if any. */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A pure request handler: HTTP request in, HTTP response out. */
export type WireHandler = (request: WireRequest) => Promise<WireResponse>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** The query string of an SDK request's query members (`HttpRequest.query`), as URLSearchParams writes it: '' for
 * none; a null member or item is left out. */
export function queryStringOf(query: Record<string, string | readonly (string | null)[] | null | undefined> | undefined): string {
  const names = query ? Object.keys(query) : [];
  if (names.length === 0) return '';
  const params = new URLSearchParams();
  for (const k of names) {
    const v = query![k];
    for (const item of Array.isArray(v) ? v : [v]) if (item !== null && item !== undefined) params.append(k, item as string);
  }
  return params.toString();
}

export function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // Object.keys, not Object.entries: no array per header (three calls per exchange in the in-memory path).
  const names = Object.keys(headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
