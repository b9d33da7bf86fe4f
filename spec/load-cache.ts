// What loading a spec proved, kept between processes: the parsed and dereferenced document and requirements of
// spec files that passed every check of load.ts (YAML, the OpenAPI 3.1 validator, the JSON Schema meta-schema of
// every schema, the catalogue schema). Parsing and those validators are most of the time a command takes before it
// starts work (the OpenAPI validator compiles the OpenAPI meta-schema anew in every process); the readers of
// load.ts that build the typed views still run on every load.
//
// An entry is named by the SHA-256 of everything the skipped steps depend on: the text of both spec files and of the
// catalogue schema, the source of the loader itself, and the versions of the parser and validators. Any change to one
// of them is another name, so a spec that changed is validated again (fail closed); an entry is written only after a
// load succeeded, and an entry that cannot be read or parsed is a miss. Entries are written with V8's serializer (the
// key names the V8 version), which keeps what JSON would lose: the dereferenced document shares one object wherever
// the source has a $ref to it, and the exporter and the validator rely on that. The folder is the project's
// node_modules/.cache/connect-conformance (find-cache-directory; CACHE_DIR moves it), none outside a project.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import findCacheDirectory from 'find-cache-directory';

type Json = Record<string, unknown>;

/** The results of the checked steps, as load.ts continues from them. */
export interface LoadedInputs {
  /** The document as parsed (its $refs in place). */
  raw: Json;
  /** The document with every $ref resolved. */
  dereferenced: Json;
  requirements: Json;
}

/** The packages whose behaviour the cached steps depend on. */
const TOOLS = ['yaml', '@readme/openapi-parser', 'ajv'];

const require = createRequire(import.meta.url);

/** The name of an entry: the SHA-256 of the given texts and of the tools' versions. */
export function cacheKey(texts: string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  for (const tool of TOOLS) hash.update(`${tool}@${(require(`${tool}/package.json`) as { version: string }).version};`);
  hash.update(`v8@${process.versions.v8}`);
  return hash.digest('hex');
}

const folder = (): string | undefined => {
  try {
    return findCacheDirectory({ name: 'connect-conformance' });
  } catch {
    return undefined;
  }
};

/** The entry of `key`, or undefined (none, unreadable, or not what an entry holds). */
export function readLoaded(key: string): LoadedInputs | undefined {
  const dir = folder();
  if (!dir) return undefined;
  try {
    const entry = deserialize(readFileSync(join(dir, `spec-${key}.v8`))) as Partial<LoadedInputs> & { key?: string };
    const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (entry.key !== key || !isObject(entry.raw) || !isObject(entry.dereferenced) || !isObject(entry.requirements)) return undefined;
    return { raw: entry.raw, dereferenced: entry.dereferenced, requirements: entry.requirements };
  } catch {
    return undefined;
  }
}

/** Writes the entry of `key` (to a temporary name, then renamed: a concurrent reader sees all of it or nothing).
 * A cache that cannot be written is no cache: never an error. */
export function writeLoaded(key: string, loaded: LoadedInputs): void {
  const dir = folder();
  if (!dir) return;
  const file = join(dir, `spec-${key}.v8`);
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const bytes = serialize({ key, ...loaded });
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch {
    // a read-only or full disk: the next load validates again
    rmSync(temporary, { force: true });
  }
}
