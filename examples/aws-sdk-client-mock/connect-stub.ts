// A project's stub of ConnectClient, made with aws-sdk-client-mock, as README "Check your aws-sdk-client-mock stub"
// shows it. Behind the stub the reference implementation answers (start from it and change what your stub does
// differently); STUB_BUG=empty-first-name adds the shortcut hand-written stubs take, so that the example's test
// (test/sdk-client.test.ts) shows a failing gate too. In your project the imports are `connect-conformance/reference`;
// here, inside the package's own repository, they are the source.
import {
  ConnectClient,
  DescribeInstanceCommand,
  DescribeUserCommand,
  ResourceNotFoundException,
  UpdateUserIdentityInfoCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { createReference, defaultFixtures, EXAMPLE_CREDENTIALS, inMemoryRequestHandler } from '../../api/reference.ts';

// The client the code under test uses, with its send stubbed.
export const client = new ConnectClient({ region: 'us-east-1' });
export const connectMock = mockClient(client);

// Behind the stub: the reference implementation, answering through a ConnectClient of its own.
const reference = createReference({ auth: false });
const backend = reference.then(
  (r) => new ConnectClient({ region: 'us-east-1', credentials: EXAMPLE_CREDENTIALS, requestHandler: inMemoryRequestHandler(r.handle) }),
);

connectMock.on(UpdateUserIdentityInfoCommand).callsFake(async (input) => (await backend).send(new UpdateUserIdentityInfoCommand(input)));
connectMock.on(DescribeUserCommand).callsFake(async (input) => (await backend).send(new DescribeUserCommand(input)));
connectMock.on(DescribeInstanceCommand).callsFake(async (input) => (await backend).send(new DescribeInstanceCommand(input)));

if (process.env.STUB_BUG === 'empty-first-name') {
  // The shortcut: an update with an empty FirstName is stored as it came, unvalidated.
  connectMock.on(UpdateUserIdentityInfoCommand, { IdentityInfo: { FirstName: '' } }).callsFake(async (input) => {
    const user = (await reference).store.instances.get(input.InstanceId)?.users.get(input.UserId);
    if (!user)
      throw new ResourceNotFoundException({
        message: 'The specified user was not found in the instance.',
        $metadata: { httpStatusCode: 404 },
      });
    Object.assign(user.IdentityInfo, input.IdentityInfo);
    return {};
  });
}

/** The stub's instance and users: the reference's CONNECT_MANAGED ones. */
const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
export const fixtures = {
  instanceId: managed[0]!.id,
  userId: managed[0]!.users[0]!.id,
  secondUserId: managed[0]!.users[1]!.id,
  secondInstanceId: managed[1]!.id,
};
