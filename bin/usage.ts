// Bad input from a user (flags, config, files) is one line that says what to fix, and exit code 2.
import { UsageError } from '../core/errors.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export { UsageError };

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its errors turned into one line naming the command. */
export function parseFlags<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true, allowNegative: false });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!.split('. To specify')[0];
    throw new UsageError(`connect-conformance ${command}: ${first} (see --help)`);
  }
}

export function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
  return n;
}
