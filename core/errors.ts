// The errors every layer may raise, by kind: a problem the user can fix (a flag, a file, a configuration, a target
// that does not answer) is a UserError — one line saying what to fix, exit code 2 — and every other error is the
// suite's own (exit 1, never a silent pass). The kind is the class, never the message.

/** Something the user gave (flags, a config file, a fixtures file, a spec) cannot work: one line, exit 2. */
export class UserError extends Error {
  override name = 'UserError';
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
