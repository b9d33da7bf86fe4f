// The reference's starting state: instances (each with its identity management type), their users, and the
// credentials it accepts. The default set holds an instance of each identity management type, two users in the
// first CONNECT_MANAGED instance and one user in a second CONNECT_MANAGED instance. Values on reserved domains
// and fictional numbers only.
import { UserError } from '../../core/errors.ts';
import { readFileSync } from 'node:fs';

export interface FixtureUser {
  id: string;
  username: string;
  identityInfo?: Record<string, string>;
}

export interface FixtureInstance {
  id: string;
  identityManagementType: string;
  users: FixtureUser[];
}

export interface Fixtures {
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  instances: FixtureInstance[];
}

/** AWS's documentation example key pair: it signs, and it is no one's. */
export const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export function defaultFixtures(): Fixtures {
  return {
    region: 'us-east-1',
    accountId: '111122223333',
    credentials: { ...EXAMPLE_CREDENTIALS },
    instances: [
      {
        id: 'c0a1b2c3-0000-4000-8000-000000000001',
        identityManagementType: 'CONNECT_MANAGED',
        users: [
          {
            id: 'a0000000-0000-4000-8000-000000000001',
            username: 'ada',
            identityInfo: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' },
          },
          {
            id: 'a0000000-0000-4000-8000-000000000002',
            username: 'alan',
            identityInfo: { FirstName: 'Alan', LastName: 'Turing', Email: 'alan@example.com' },
          },
        ],
      },
      {
        id: 'c0a1b2c3-0000-4000-8000-000000000002',
        identityManagementType: 'CONNECT_MANAGED',
        users: [
          {
            id: 'a0000000-0000-4000-8000-000000000003',
            username: 'grace',
            identityInfo: { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@example.org' },
          },
        ],
      },
      {
        id: 'c0a1b2c3-0000-4000-8000-000000000003',
        identityManagementType: 'SAML',
        users: [
          {
            id: 'a0000000-0000-4000-8000-000000000004',
            username: 'edsger@example.net',
            identityInfo: { FirstName: 'Edsger', LastName: 'Dijkstra' },
          },
        ],
      },
      {
        id: 'c0a1b2c3-0000-4000-8000-000000000004',
        identityManagementType: 'EXISTING_DIRECTORY',
        users: [{ id: 'a0000000-0000-4000-8000-000000000005', username: 'barbara', identityInfo: { Mobile: '+15555550101' } }],
      },
    ],
  };
}

/** Reads a fixtures file; a problem is one line that says what to fix. */
export function readFixtures(file: string, identityManagementTypes: readonly string[]): Fixtures {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FixturesError(
      `--fixtures ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`,
    );
  }
  const base = defaultFixtures();
  const f = raw as Partial<Fixtures>;
  const fail = (what: string) => new FixturesError(`--fixtures ${file}: ${what}`);
  if (typeof f !== 'object' || f === null || !Array.isArray(f.instances)) throw fail('needs an "instances" list');
  for (const [i, instance] of f.instances.entries()) {
    if (typeof instance?.id !== 'string' || !instance.id) throw fail(`instances[${i}] needs an "id"`);
    if (!identityManagementTypes.includes(instance.identityManagementType)) {
      throw fail(`instances[${i}].identityManagementType must be one of ${identityManagementTypes.join(', ')}`);
    }
    if (!Array.isArray(instance.users)) throw fail(`instances[${i}] needs a "users" list`);
    for (const [j, user] of instance.users.entries()) {
      if (typeof user?.id !== 'string' || typeof user.username !== 'string')
        throw fail(`instances[${i}].users[${j}] needs "id" and "username"`);
    }
  }
  if (f.credentials && (typeof f.credentials.accessKeyId !== 'string' || typeof f.credentials.secretAccessKey !== 'string')) {
    throw fail('"credentials" needs "accessKeyId" and "secretAccessKey"');
  }
  return {
    region: typeof f.region === 'string' ? f.region : base.region,
    accountId: typeof f.accountId === 'string' ? f.accountId : base.accountId,
    credentials: f.credentials ?? base.credentials,
    instances: f.instances,
  };
}

export class FixturesError extends UserError {
  override name = 'FixturesError';
}
