// Bad input from a user (flags, config, files) is one line that says what to fix, and exit code 2.
import { UsageError } from '../core/errors.ts';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export { UsageError };

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<T extends Options> {
  values: ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true; allowNegative: false }>>['values'];
  positionals: string[];
}

/**
 * A string flag's value that starts with a dash and a digit (`--runs -5`, `--seed -3`) is taken as its value, as
 * users expect of numbers, instead of parseArgs's "argument is ambiguous"; the flag's own check then judges it.
 */
function joinNegativeNumbers(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const long = arg.startsWith('--') && !arg.includes('=') ? options[arg.slice(2)] : undefined;
    if (long?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * parseArgs, with its errors turned into one line naming the command. Every command takes -h/--help. Positional
 * words are refused unless the command takes them (`positionals: true`): a stray word never silently widens a run.
 */
export function parseFlags<T extends Options>(command: string, args: string[], options: T, how: { positionals?: boolean } = {}): Parsed<T> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const satisfies Options;
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(args, all), options: all, strict: true, allowPositionals: true, allowNegative: false });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!.split('. To specify')[0];
    const unknown = /^Unknown option '(--?[^']+)'/.exec(first ?? '')?.[1];
    const near = unknown?.startsWith('--') ? didYouMean(unknown.slice(2), Object.keys(all)) : undefined;
    throw new UsageError(`connect-conformance ${command}: ${first}${near ? `; did you mean --${near}?` : ''} (see --help)`);
  }
  if (!how.positionals && parsed.positionals.length && !(parsed.values as { help?: boolean }).help) {
    throw new UsageError(
      `connect-conformance ${command}: unexpected argument ${parsed.positionals[0]} (flags start with --; see connect-conformance ${command} --help)`,
    );
  }
  return parsed as unknown as Parsed<T>;
}

/** The number of single-character edits (insert, delete, replace, swap of neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate a mistyped word most likely meant: the nearest by edits, when it is near enough (at most 2 edits, and
 * fewer than a third of the word), or the only candidate the word begins (`--endpoint` for --endpoint-url).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const ranked = candidates.map((c) => ({ c, d: editDistance(word, c) })).sort((x, y) => x.d - y.d);
  const best = ranked[0];
  if (best && best.d <= Math.min(2, Math.ceil(word.length / 3)) && ranked[1]?.d !== best.d) return best.c;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
  return n;
}

/**
 * A directory the command will write to: created if needed, and probed with a file, so that a report directory that
 * cannot be written is one line and exit 2 before any work is done, not a stack trace at the end.
 */
export function writableDir(flag: string, dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    const probe = join(dir, `.connect-conformance-${process.pid}.probe`);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot be written (${fsReason(e)})`);
  }
  return dir;
}

/** A file-system error in words, for one line. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a file is in the way',
    EISDIR: 'it is a folder',
    ENOENT: 'no such file or folder',
    ENOSPC: 'no space left on the device',
  };
  return code ? `${words[code] ?? code}` : (e as Error).message.split('\n')[0]!;
}
