// The vitest adapter, as a mock author pastes it into their own suite (README "Gate your mock in vitest"). In your
// project the import is `connect-conformance/vitest`; here, inside the package's own repository, it is the source.
// No top-level await: the file compiles as a CommonJS module as well as an ES module.
import { describeConformance } from '../../api/vitest.ts';
import { fixtures, handler } from './my-connect-mock.ts';

describeConformance('my Connect mock', { handler, fixtures, identityManagementType: 'CONNECT_MANAGED', seed: 1, runs: 5 });
