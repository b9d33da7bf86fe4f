// The errors every layer may raise, by kind: a problem the user can fix (a flag, a file, a configuration, a target
// that does not answer) is a UserError — one line saying what to fix, exit code 2 — and every other error is the
// suite's own (exit 1, never a silent pass). The kind is the class, never the message.
//
// A message that names a setting names it through a Naming, so that each front end names it as its user gave it: the
// library by its option (`fixtures.userId`, `target: 'endpoint'`), the CLI by its flag (`--user-id`, `--target
// endpoint`). The library's naming is the default (the message of the error); the CLI asks for its own with
// messageFor (bin/cli.ts, with engine/options.ts's table of options and flags).

/**
 * How a message names a setting (`option`, as the library spells it: `endpointUrl`, `fixtures.userId`), and, when
 * given, with a value or values (`['endpoint', 'aws']` reads "endpoint or aws").
 */
export type Naming = (option: string, value?: string | number | readonly string[]) => string;

/** The library's naming: the option, and its value as code gives it (`target: 'endpoint'`). */
export const optionNaming: Naming = (option, value) => {
  if (value === undefined) return option;
  const shown = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v}'`);
  return `${option}: ${Array.isArray(value) ? value.map(shown).join(' or ') : shown(value as string | number)}`;
};

/** Something the user gave (flags, a config file, a fixtures file, a spec) cannot work: one line, exit 2. */
export class UserError extends Error {
  override name = 'UserError';
  readonly #render?: (name: Naming) => string;

  /** `message` is text, or a function of a Naming for a message that names settings. */
  constructor(message: string | ((name: Naming) => string), options?: ErrorOptions) {
    super(typeof message === 'function' ? message(optionNaming) : message, options);
    if (typeof message === 'function') this.#render = message;
  }

  /** The message with every setting named by `name` (the CLI: by its flags). */
  messageFor(name: Naming): string {
    return this.#render ? this.#render(name) : this.message;
  }
}

/** A flag or an argument is wrong. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/** Something the user configured about the target cannot work. */
export class TargetConfigError extends UserError {
  override name = 'TargetConfigError';
}

/** Nothing answered at all: the target is unreachable, which is a configuration error, not a verdict. */
export class TargetUnreachable extends UserError {
  override name = 'TargetUnreachable';
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;

/**
 * The target broke in a way that is not an HTTP answer: a handler in this process threw, or returned something that
 * is not a response. Not the user's configuration (exit 2) and not a verdict on a requirement: the step that sent the
 * request did not finish, and the requirements it was to check are reported `error`.
 */
export class TargetFault extends Error {
  override name = 'TargetFault';
}
