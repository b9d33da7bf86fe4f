// A JSON document with duplicate keys has two honest readings: the first value wins, or the last one does
// (OBS-DUPLICATE-KEYS). JSON.parse gives only the last; this small parser gives both, and whether any key repeats.

export interface Resolutions {
  first: unknown;
  last: unknown;
  duplicated: boolean;
}

const WHITESPACE = /[ \t\n\r]*/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON's grammar forbids U+0000 to U+001F unescaped in a string.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

const define = (o: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** Parses one JSON document; throws a SyntaxError where JSON.parse would. */
export function resolutions(text: string): Resolutions {
  let i = 0;
  let duplicated = false;
  const fail = (): never => {
    throw new SyntaxError(`not JSON at offset ${i}`);
  };
  const skip = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text) ?? fail();
    i = re.lastIndex;
    return m[0];
  };
  const expect = (c: string) => (text[i] === c ? i++ : fail());

  function value(): [unknown, unknown] {
    skip();
    if (text[i] === '{') return object();
    if (text[i] === '[') return array();
    const v: unknown = JSON.parse(token(text[i] === '"' ? STRING : SCALAR));
    return [v, v];
  }
  function object(): [unknown, unknown] {
    expect('{');
    const first: Record<string, unknown> = {};
    const last: Record<string, unknown> = {};
    skip();
    if (text[i] === '}') {
      i++;
      return [first, last];
    }
    for (;;) {
      skip();
      const key = JSON.parse(token(STRING)) as string;
      skip();
      expect(':');
      const [f, l] = value();
      if (Object.hasOwn(last, key)) duplicated = true;
      else define(first, key, f);
      define(last, key, l);
      skip();
      if (text[i] === ',') i++;
      else {
        expect('}');
        return [first, last];
      }
    }
  }
  function array(): [unknown, unknown] {
    expect('[');
    const first: unknown[] = [];
    const last: unknown[] = [];
    skip();
    if (text[i] === ']') {
      i++;
      return [first, last];
    }
    for (;;) {
      const [f, l] = value();
      first.push(f);
      last.push(l);
      skip();
      if (text[i] === ',') i++;
      else {
        expect(']');
        return [first, last];
      }
    }
  }

  const [first, last] = value();
  skip();
  if (i !== text.length) fail();
  return { first, last, duplicated };
}
