// The operations the suite can test, each by its binding (operations/<name>/binding.ts), and the one a run tests when
// none is named. Only the front ends (api/, bin/) and the tests choose a binding; every layer below takes the one it is
// handed (core/binding.ts is the type they know).
import { UPDATE_USER_IDENTITY_INFO } from './update-user-identity-info/binding.ts';

export { UPDATE_USER_IDENTITY_INFO };

/** The operation a run tests when none is named. */
export const DEFAULT_BINDING = UPDATE_USER_IDENTITY_INFO;
