// `connect-conformance run`. Until the conformance suites exist, it loads and checks the spec and exercises
// the embedded reference through the real SDK: an accepted update read back byte for byte, and an unknown user,
// on an instance of each identity management type.
import { ConnectClient, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import { defaultSpec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures, inMemoryRequestHandler } from '../targets/reference/index.ts';
import { parseFlags } from './usage.ts';

export const RUN_HELP = `Usage: connect-conformance run

Loads and checks the spec (spec/connect.openapi.yaml and spec/requirements.yaml), then exercises the embedded
reference implementation through @aws-sdk/client-connect. Exit 0 when every check passed, 1 when one failed,
2 for a broken spec or bad flags.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags('run', args, { help: { type: 'boolean' } });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const spec = await defaultSpec();
  console.log(`spec: ${spec.files.document} (botocore ${spec.model.botocore}, ${spec.model.year}), ${spec.requirements.length} requirements, ${spec.constraints.length} constraints`);
  const fixtures = defaultFixtures();
  const service = createReferenceService(spec, { fixtures });
  const client = new ConnectClient({ region: fixtures.region, credentials: fixtures.credentials, maxAttempts: 1, requestHandler: inMemoryRequestHandler(service.handle) });
  let failed = 0;
  const check = (ok: boolean, what: string) => {
    console.log(`${ok ? 'pass' : 'FAIL'}  ${what}`);
    if (!ok) failed++;
  };
  const seen = new Set<string>();
  for (const instance of fixtures.instances) {
    const type = instance.identityManagementType;
    const user = instance.users[0];
    if (seen.has(type) || !user) continue;
    seen.add(type);
    const info = { Mobile: '+15555550123', SecondaryEmail: 'conformance@example.org' };
    const update = await client.send(new UpdateUserIdentityInfoCommand({ InstanceId: instance.id, UserId: user.id, IdentityInfo: info }));
    check(update.$metadata.httpStatusCode === 200, `${type}: an update of Mobile and SecondaryEmail answers 200`);
    const read = await client.send(new DescribeUserCommand({ InstanceId: instance.id, UserId: user.id }));
    check(read.User?.IdentityInfo?.Mobile === info.Mobile && read.User.IdentityInfo.SecondaryEmail === info.SecondaryEmail, `${type}: DescribeUser reads the update back`);
    const status = await client
      .send(new UpdateUserIdentityInfoCommand({ InstanceId: instance.id, UserId: 'conformance-no-such-user', IdentityInfo: info }))
      .then(
        () => 200,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}`,
      );
    check(status === '404 ResourceNotFoundException', `${type}: an unknown user answers 404 ResourceNotFoundException (got ${status})`);
  }
  console.log(`${failed === 0 ? 'conformant' : 'NOT conformant'}: ${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}
