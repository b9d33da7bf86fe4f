// The vitest adapter gating a ConnectClient stubbed with aws-sdk-client-mock (README "Check your aws-sdk-client-mock
// stub"). In your project the import is `connect-conformance/vitest`; here it is the source.
import { describeConformance } from '../../api/vitest.ts';
import { client, fixtures } from './connect-stub.ts';

describeConformance('my ConnectClient stub', { client, fixtures, identityManagementType: 'CONNECT_MANAGED', seed: 1, runs: 5 });
