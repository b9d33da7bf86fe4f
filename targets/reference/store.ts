// The reference's in-memory state: instances and their users. Values are kept exactly as they were sent.
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

export class Store {
  readonly instances = new Map<string, StoredInstance>();
  private readonly arnPrefix: string;

  constructor(private readonly fixtures: Fixtures) {
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
        this.addUser(instance, { id: u.id, Username: u.username, IdentityInfo: { ...(u.identityInfo ?? {}) }, SecurityProfileIds: ['reference-agent'], RoutingProfileId: 'reference-basic' });
      }
    }
  }

  addUser(
    instance: StoredInstance,
    fields: { id?: string; Username: string; IdentityInfo: Record<string, unknown>; SecurityProfileIds: string[]; RoutingProfileId: string; PhoneConfig?: Record<string, unknown>; Tags?: Record<string, string> },
  ): StoredUser {
    const id = fields.id ?? randomUUID();
    const user: StoredUser = {
      Id: id,
      Arn: `${instance.Arn}/agent/${id}`,
      Username: fields.Username,
      IdentityInfo: fields.IdentityInfo,
      PhoneConfig: fields.PhoneConfig ?? { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: fields.SecurityProfileIds,
      RoutingProfileId: fields.RoutingProfileId,
      Tags: fields.Tags ?? {},
      LastModifiedTime: Math.floor(Date.now() / 1000),
      LastModifiedRegion: this.fixtures.region,
    };
    instance.users.set(id, user);
    return user;
  }

  /** The identity info of every user, for tests that compare states. */
  snapshot(): Record<string, Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [id, instance] of this.instances) {
      out[id] = {};
      for (const [userId, user] of instance.users) out[id][userId] = structuredClone(user.IdentityInfo);
    }
    return out;
  }
}
