// `connect-conformance serve`: the reference on 127.0.0.1, printing one JSON line that says how to reach it.
import { specOf } from '../spec/index.ts';
import { DEFAULT_OPERATION, operationFlag } from './operation.ts';
import { createReferenceService, defaultFixtures, readFixtures, startHttpServer } from '../targets/reference/index.ts';
import { integerFlag, parseFlags, UsageError } from './usage.ts';

export const SERVE_HELP = `Usage: connect-conformance serve [--operation NAME] [--port N] [--fixtures FILE] [--no-auth]

Runs the reference implementation of an operation (default ${DEFAULT_OPERATION}; and DescribeUser,
DescribeInstance, CreateUser, DeleteUser) as an HTTP server on 127.0.0.1 and prints one JSON line: the operation,
the endpoint, the credentials it accepts, and its instances and users.

  --operation NAME  the operation it answers besides the siblings (default ${DEFAULT_OPERATION})
  --port N          port to listen on (0, the default, picks a free one)
  --fixtures FILE   JSON file of instances and users (default: one instance of each identity management type)
  --no-auth         do not verify SigV4 signatures
  --max-body N      largest request body accepted, in bytes (default 1048576)`;

export async function serve(args: string[]): Promise<void> {
  const flags = {
    operation: { type: 'string' },
    port: { type: 'string' },
    fixtures: { type: 'string' },
    'no-auth': { type: 'boolean' },
    'max-body': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values } = parseFlags('serve', args, flags);
  if (values.help) {
    console.log(SERVE_HELP);
    return;
  }
  const port = integerFlag('port', values.port, 0, 65535) ?? 0;
  const maxBodyBytes = integerFlag('max-body', values['max-body'], 1, 1 << 30) ?? 1024 * 1024;
  const binding = operationFlag(values.operation);
  const spec = await specOf(binding);
  const fixtures = values.fixtures ? readFixtures(values.fixtures, spec.identityManagementTypes) : defaultFixtures();
  const service = createReferenceService(spec, { fixtures, auth: !values['no-auth'], maxBodyBytes, binding });
  let running;
  try {
    running = await startHttpServer(service.handle, { port, maxBodyBytes });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `--port ${port}: 127.0.0.1:${port} is in use by another program (choose another port, or --port 0 for a free one)`,
      );
    if (code === 'EACCES')
      throw new UsageError(
        `--port ${port}: not allowed to listen on 127.0.0.1:${port} (ports below 1024 need privileges; choose another, or --port 0)`,
      );
    throw e;
  }
  console.log(
    JSON.stringify({
      operation: binding.name,
      endpoint: running.endpoint,
      region: fixtures.region,
      credentials: fixtures.credentials,
      instances: fixtures.instances.map((i) => ({
        id: i.id,
        identityManagementType: i.identityManagementType,
        users: i.users.map((u) => ({ id: u.id, username: u.username })),
      })),
    }),
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
