// The existence suite (see plan.ts), run against the configured target.
import { conformanceSuite } from './harness.ts';
import { SUITES } from './plan.ts';

await conformanceSuite('existence', SUITES.existence!);
