// URI labels as the SDK writes them and as a server reads them back: pure encoding, shared by the generators (which
// build labels) and the safety guard (which reads them).

/** UTF-8 percent-encoding that keeps only `A-Za-z0-9-_.~`, as the SDK encodes labels (docs/contract.md A6). */
export const encodeLabel = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A label's encoded text decoded as UTF-8: `strict` is absent when the bytes are not valid UTF-8 or the encoding
 * is malformed; `lenient` replaces each bad sequence with U+FFFD, as a lenient server would. */
export function decodeLabel(encoded: string): { strict?: string; lenient: string } {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; ) {
    const hex = /^%([0-9A-Fa-f]{2})/.exec(encoded.slice(i, i + 3));
    if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += 3;
      continue;
    }
    const c = String.fromCodePoint(encoded.codePointAt(i)!);
    bytes.push(...new TextEncoder().encode(c));
    i += c.length;
  }
  const lenient = new TextDecoder().decode(new Uint8Array(bytes));
  try {
    return { strict: decodeURIComponent(encoded), lenient };
  } catch {
    return { lenient };
  }
}
