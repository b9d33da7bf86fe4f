// UpdateUserPhoneConfig, bound: the second operation the suite tests. Its facts (route, UserPhoneConfig's members and
// constraints, the combinations the material leaves open, error types) are in spec/connect.openapi.yaml and its
// requirements in spec/requirements.yaml (the generic ones and those whose `operations` name it; the rules are
// docs/contract-phone-config.md); this file names them and declares the code that is this operation's own: its SDK
// command, how its effect is read back (DescribeUser's User.PhoneConfig), how a fixture user is restored, the
// reference's handler and the values of the users a run creates. docs/operations.md walks through it as the worked
// example of adding an operation.
import { fileURLToPath } from 'node:url';
import { DescribeUserCommand, UpdateUserPhoneConfigCommand, type UserPhoneConfig } from '@aws-sdk/client-connect';
import type { EffectState, OperationBinding } from '../../core/binding.ts';

const specFile = (name: string) => fileURLToPath(new URL(`../../spec/${name}`, import.meta.url));

export const UPDATE_USER_PHONE_CONFIG: OperationBinding = {
  name: 'UpdateUserPhoneConfig',
  // The one document and catalogue of both operations: the siblings are described once, the generic requirements
  // written once (spec/load.ts loads this operation's part).
  spec: { document: specFile('connect.openapi.yaml'), requirements: specFile('requirements.yaml') },
  member: 'PhoneConfig',
  route: { method: 'POST', path: '/users/{InstanceId}/{UserId}/phone-config' },
  command: (input) => new UpdateUserPhoneConfigCommand(input as never),
  readBack: {
    operation: 'DescribeUser',
    path: ['User', 'PhoneConfig'],
    command: (labels) => new DescribeUserCommand({ ...labels }),
  },
  // The whole phone configuration the snapshot read (every member it held), written back in one update.
  restore: (labels, state) => new UpdateUserPhoneConfigCommand({ ...labels, PhoneConfig: state as UserPhoneConfig }),
  // Members a request omits are kept (OBS-OMITTED-MEMBERS records what a target does; the reference keeps them).
  reference: (stored: EffectState, sent: EffectState): EffectState => ({ ...stored, ...sent }),
  fixtures: {
    // A soft phone that accepts nothing by itself and has no desk number: a user the run creates can never be dialled
    // or handed a contact without a click (docs/contract-phone-config.md P12).
    provisioned: () => ({ PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 }),
  },
};
