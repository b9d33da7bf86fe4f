// The operations the suite can test, each by its binding (operations/<name>/binding.ts), by name, and the one a run
// tests when none is named. Only the front ends (api/, bin/) and the tests choose a binding; every layer below takes
// the one it is handed (core/binding.ts is the type they know).
import type { OperationBinding } from '../core/binding.ts';
import { UsageError } from '../core/errors.ts';
import { UPDATE_USER_IDENTITY_INFO } from './update-user-identity-info/binding.ts';
import { UPDATE_USER_PHONE_CONFIG } from './update-user-phone-config/binding.ts';

export { UPDATE_USER_IDENTITY_INFO, UPDATE_USER_PHONE_CONFIG };

/** The operation a run tests when none is named. */
export const DEFAULT_BINDING = UPDATE_USER_IDENTITY_INFO;

/** Every operation the suite can test, by its name (`--operation NAME`, `runConformance({ operation: NAME })`). */
export const OPERATIONS: ReadonlyMap<string, OperationBinding> = new Map(
  [UPDATE_USER_IDENTITY_INFO, UPDATE_USER_PHONE_CONFIG].map((binding) => [binding.name, binding]),
);

/**
 * The binding of the operation `name` (default: the default operation's). An unknown name is one line naming the
 * known ones (a UsageError: exit 2 on the command line).
 */
export function bindingNamed(name: string | undefined): OperationBinding {
  if (name === undefined) return DEFAULT_BINDING;
  const binding = OPERATIONS.get(name);
  if (binding) return binding;
  const near = [...OPERATIONS.keys()].find((known) => known.toLowerCase() === name.trim().toLowerCase());
  throw new UsageError(
    (naming) =>
      `${naming('operation', name)} is not an operation the suite tests (known: ${[...OPERATIONS.keys()].join(', ')})${near ? `; did you mean ${near}?` : ''}`,
  );
}

/** The binding a run's options name: `binding` if given, else the one `operation` names; both must agree. */
export function bindingOf(options: { operation?: string; binding?: OperationBinding }): OperationBinding {
  if (options.binding === undefined) return bindingNamed(options.operation);
  if (options.operation !== undefined && options.operation !== options.binding.name)
    throw new UsageError(
      (naming) => `${naming('operation', options.operation!)} names another operation than the binding given (${options.binding!.name})`,
    );
  return options.binding;
}
