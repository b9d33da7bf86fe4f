// --operation NAME: the binding of the operation a command tests (operations/index.ts, by name), the default
// operation's when none is named. An unknown name is one line naming the known ones, by the flag (exit 2).
import type { OperationBinding } from '../core/binding.ts';
import { isUserError } from '../core/errors.ts';
import { flagNaming } from '../engine/options.ts';
import { bindingNamed, DEFAULT_BINDING, OPERATIONS } from '../operations/index.ts';
import { UsageError } from './usage.ts';

export function operationFlag(name: string | undefined): OperationBinding {
  try {
    return bindingNamed(name);
  } catch (e) {
    if (isUserError(e)) throw new UsageError(e.messageFor(flagNaming));
    throw e;
  }
}

/** For help texts: the operation a command tests when --operation names none. */
export const DEFAULT_OPERATION = DEFAULT_BINDING.name;

/** For help texts: every operation the suite tests, by name. */
export const OPERATION_NAMES = [...OPERATIONS.keys()].join(', ');
