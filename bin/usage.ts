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
    throw new UsageError(`connect-conformance ${command}: ${first} (see --help)`);
  }
  if (!how.positionals && parsed.positionals.length && !(parsed.values as { help?: boolean }).help) {
    throw new UsageError(`connect-conformance ${command}: unexpected argument ${parsed.positionals[0]} (flags start with --; see connect-conformance ${command} --help)`);
  }
  return parsed as unknown as Parsed<T>;
}

export function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
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
