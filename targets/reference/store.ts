// The reference's in-memory state: instances and their users. Values are kept exactly as they were sent. A stored user
// is DescribeUser's User, member for member; its structures (the members an operation under test changes) are reached
// by name (structureOf, setStructure).
import { randomUUID } from 'node:crypto';
import type { Fixtures } from './fixtures.ts';

export interface StoredUser {
  Id: string;
  Arn: string;
  Username: string;
  IdentityInfo: Record<string, unknown>;
  PhoneConfig: Record<string, unknown>;
  SecurityProfileIds: string[];
  RoutingProfileId: string;
  Tags: Record<string, string>;
  LastModifiedTime: number;
  LastModifiedRegion: string;
}

export interface StoredInstance {
  Id: string;
  Arn: string;
  IdentityManagementType: string;
  InstanceAlias: string;
  InstanceStatus: string;
  CreatedTime: number;
  users: Map<string, StoredUser>;
}

/** The structures of a stored user, which an operation under test may change. */
const STRUCTURES = ['IdentityInfo', 'PhoneConfig'] as const;
type Structure = (typeof STRUCTURES)[number];

function structureName(member: string): Structure {
  if (!(STRUCTURES as readonly string[]).includes(member))
    throw new Error(`the reference's users have no structure ${member} (${STRUCTURES.join(', ')})`);
  return member as Structure;
}

/** A structure of a user (IdentityInfo, PhoneConfig), by name. */
export const structureOf = (user: StoredUser, member: string): Record<string, unknown> => user[structureName(member)];

export function setStructure(user: StoredUser, member: string, value: Record<string, unknown>): void {
  user[structureName(member)] = value;
}

/** Of the object members of a request body, the user's structures. */
export function structuresOf(body: Record<string, unknown>): Partial<Record<Structure, Record<string, unknown>>> {
  return Object.fromEntries(
    STRUCTURES.filter((name) => typeof body[name] === 'object' && body[name] !== null && !Array.isArray(body[name])).map((name) => [
      name,
      body[name],
    ]),
  );
}

export class Store {
  readonly instances = new Map<string, StoredInstance>();
  private readonly arnPrefix: string;

  /** `member`: the structure the operation under test changes (what `snapshot` shows). */
  constructor(
    private readonly fixtures: Fixtures,
    private readonly member: string,
  ) {
    structureName(member);
    this.arnPrefix = `arn:aws:connect:${fixtures.region}:${fixtures.accountId}:instance`;
    const now = Math.floor(Date.now() / 1000);
    for (const [i, f] of fixtures.instances.entries()) {
      const instance: StoredInstance = {
        Id: f.id,
        Arn: `${this.arnPrefix}/${f.id}`,
        IdentityManagementType: f.identityManagementType,
        InstanceAlias: `reference-${i + 1}`,
        InstanceStatus: 'ACTIVE',
        CreatedTime: now,
        users: new Map(),
      };
      this.instances.set(f.id, instance);
      for (const u of f.users) {
        this.addUser(instance, {
          id: u.id,
          Username: u.username,
          structures: { IdentityInfo: { ...(u.identityInfo ?? {}) } },
          SecurityProfileIds: ['reference-agent'],
          RoutingProfileId: 'reference-basic',
        });
      }
    }
  }

  addUser(
    instance: StoredInstance,
    fields: {
      id?: string;
      Username: string;
      structures: Partial<Record<Structure, Record<string, unknown>>>;
      SecurityProfileIds: string[];
      RoutingProfileId: string;
      Tags?: Record<string, string>;
    },
  ): StoredUser {
    const id = fields.id ?? randomUUID();
    const user: StoredUser = {
      Id: id,
      Arn: `${instance.Arn}/agent/${id}`,
      Username: fields.Username,
      IdentityInfo: fields.structures.IdentityInfo ?? {},
      PhoneConfig: fields.structures.PhoneConfig ?? { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: fields.SecurityProfileIds,
      RoutingProfileId: fields.RoutingProfileId,
      Tags: fields.Tags ?? {},
      LastModifiedTime: Math.floor(Date.now() / 1000),
      LastModifiedRegion: this.fixtures.region,
    };
    instance.users.set(id, user);
    return user;
  }

  /** The structure the operation under test changes, of every user, for tests that compare states. */
  snapshot(): Record<string, Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [id, instance] of this.instances) {
      out[id] = {};
      for (const [userId, user] of instance.users) out[id][userId] = structuredClone(structureOf(user, this.member));
    }
    return out;
  }
}
