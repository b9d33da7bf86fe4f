// UpdateUserIdentityInfo, bound: everything the suite needs to know of this operation that is not a fact of its spec
// document. Its facts (route, members, constraints, error types) are in spec/connect.openapi.yaml and its requirements
// in spec/requirements.yaml; this file names them, and declares the code that is this operation's own: its SDK
// command, how its effect is read back (DescribeUser's User.IdentityInfo), how a fixture user is restored, the
// reference's handler and the values of the users a run creates. docs/operations.md describes the parts.
import { fileURLToPath } from 'node:url';
import { DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import type { EffectState, OperationBinding } from '../../core/binding.ts';

const specFile = (name: string) => fileURLToPath(new URL(`../../spec/${name}`, import.meta.url));

export const UPDATE_USER_IDENTITY_INFO: OperationBinding = {
  name: 'UpdateUserIdentityInfo',
  spec: { document: specFile('connect.openapi.yaml'), requirements: specFile('requirements.yaml') },
  member: 'IdentityInfo',
  route: { method: 'POST', path: '/users/{InstanceId}/{UserId}/identity-info' },
  command: (input) => new UpdateUserIdentityInfoCommand(input as never),
  readBack: {
    operation: 'DescribeUser',
    path: ['User', 'IdentityInfo'],
    command: (labels) => new DescribeUserCommand({ ...labels }),
  },
  restore: (labels, state) => new UpdateUserIdentityInfoCommand({ ...labels, IdentityInfo: state as Record<string, string> }),
  // Members a request omits are kept (OBS-OMITTED-MEMBERS records what a target does; the reference keeps them).
  reference: (stored: EffectState, sent: EffectState): EffectState => ({ ...stored, ...sent }),
  fixtures: {
    // Values on reserved domains only, and letters: no run of digits that could read as a phone number (the guard
    // refuses those).
    provisioned: (username) => ({ FirstName: 'Conformance', LastName: 'Fixture', Email: `${username}@example.com` }),
  },
};
