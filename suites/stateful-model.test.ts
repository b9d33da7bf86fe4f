// The stateful model-based suite (see plan.ts and checks/stateful.ts), run against the configured target.
import { conformanceSuite } from './harness.ts';
import { SUITES } from './plan.ts';

await conformanceSuite('stateful-model', SUITES.statefulModel!);
