// URI labels as the SDK writes them and as a server reads them back: pure encoding, shared by the generators (which
// build labels) and the safety guard (which reads them).

/** UTF-8 percent-encoding that keeps only `A-Za-z0-9-_.~`, as the SDK encodes labels (docs/contract.md A6). */
export const encodeLabel = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A label's encoded text decoded as UTF-8: `strict` is absent when the bytes are not valid UTF-8 or the encoding
 * is malformed; `lenient` replaces each bad sequence with U+FFFD, as a lenient server would. */
export function decodeLabel(encoded: string): { strict?: string; lenient: string } {
  // Nothing escaped, nothing a UTF-8 encoder replaces (a lone surrogate) and no leading byte order mark (which the
  // decoder drops): the text is its own decoding.
  if (!encoded.includes('%') && !LONE_SURROGATE.test(encoded) && encoded.charCodeAt(0) !== 0xfeff)
    return { strict: encoded, lenient: encoded };
  const bytes: number[] = [];
  let literal = '';
  const flush = () => {
    if (literal) for (const b of UTF8.encode(literal)) bytes.push(b);
    literal = '';
  };
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%' && isHex(encoded.charCodeAt(i + 1)) && isHex(encoded.charCodeAt(i + 2))) {
      flush();
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else literal += encoded[i];
  }
  flush();
  const lenient = new TextDecoder().decode(new Uint8Array(bytes));
  try {
    return { strict: decodeURIComponent(encoded), lenient };
  } catch {
    return { lenient };
  }
}

const UTF8 = new TextEncoder();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
