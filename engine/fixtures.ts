// The fixture lifecycle of one run, for every target: which instances and users the run writes to (the configuration's,
// or the target's built-in ones), preflight (credentials, the target answers, the users exist), the snapshot taken once
// per run before the first write (journaled first on a real account), the users --provision creates, and at the end
// the restore, verified by polling (read-back may lag), and the deletion of created users.
import { randomInt, randomUUID } from 'node:crypto';
import { CreateUserCommand, DescribeInstanceCommand, DescribeUserCommand } from '@aws-sdk/client-connect';
import type { FixtureSet, IdentityInfo, PollSchedule } from '../checks/context.ts';
import { describeResponse } from '../checks/response-reading.ts';
import { TargetConfigError, TargetUnreachable } from '../core/errors.ts';
import type { Observation } from '../core/observation.ts';
import { bodyProblems } from '../core/safe-values.ts';
import type { Spec } from '../spec/index.ts';
import { deleteCreated, restoreSnapshot, type RestoreNote } from '../targets/aws/restore.ts';
import { OWNER_TAG, USERNAME_PREFIX } from '../targets/guard/guard.ts';
import type { Target } from '../targets/index.ts';
import type { RunConfig } from './options.ts';

export type { RestoreNote };

/** Write-then-verify attempts of each restore. */
export const RESTORE_ATTEMPTS = 2;

/**
 * Where a run records, before its first write, every user it snapshots and every user it creates, and then each
 * restore and deletion (targets/aws/journal.ts implements it for runs against a real account).
 */
export interface FixtureJournal {
  snapshot(instanceId: string, userId: string, identityManagementType: string, identityInfo: IdentityInfo): void;
  creating(instanceId: string, username: string): void;
  created(instanceId: string, userId: string, username: string): void;
  restored(userId: string): void;
  deleted(userId: string): void;
}

/** A journal that keeps nothing on disk (local targets, the dry run, a replay): it covers whatever it was told. */
export class MemoryJournal implements FixtureJournal {
  private readonly users = new Set<string>();
  private readonly names = new Set<string>();
  snapshot(_i: string, userId: string) {
    this.users.add(userId);
  }
  creating(_i: string, username: string) {
    this.names.add(username);
  }
  created(_i: string, userId: string) {
    this.users.add(userId);
  }
  restored() {}
  deleted() {}
  covers = (userId: string) => this.users.has(userId);
  coversCreate = (username: string) => this.names.has(username);
}

const describeFailure = (spec: Spec, obs: Observation) => obs.transportError ?? describeResponse(spec, obs.response);

export function reachable(obs: Observation, endpoint: string): void {
  if (obs.transportError && !obs.response) throw new TargetUnreachable(`the target at ${endpoint} does not answer (${obs.transportError}); start it or fix --endpoint-url`);
}

/**
 * On a target behind a safety envelope (aws), a fixture user is written back at the end exactly as it was read:
 * so its identity info must already hold only reserved addresses and fictional numbers, or the run refuses it.
 */
function checkFixtureIsSafe(target: Target, instanceId: string, userId: string, info: IdentityInfo): void {
  if (!target.envelope) return;
  const problems = bodyProblems(JSON.stringify(info));
  if (problems.length) {
    throw new TargetConfigError(
      `fixture user ${userId} of instance ${instanceId} holds ${problems[0]}: restoring it would send that value; use a dedicated test user whose Email and SecondaryEmail are on example.com/.org/.net, .invalid or .test and whose Mobile is fictional (+1 NPA 555 01xx), or --provision`,
    );
  }
}

async function identityManagementTypeOf(spec: Spec, target: Target, config: RunConfig, instanceId: string): Promise<string> {
  if (config.identityManagementType) return config.identityManagementType;
  const obs = await target.send(new DescribeInstanceCommand({ InstanceId: instanceId }));
  reachable(obs, target.endpoint);
  const type = obs.sdk?.ok ? (obs.sdk.output.Instance as { IdentityManagementType?: string } | undefined)?.IdentityManagementType : undefined;
  if (!type || !spec.identityManagementTypes.includes(type)) {
    throw new TargetConfigError(`cannot read the identity management type of instance ${instanceId} with DescribeInstance (${describeFailure(spec, obs)}); set it with --identity-management ${spec.identityManagementTypes.join('|')}`);
  }
  return type;
}

/** The fixtures a run writes to, from the configuration (or the target's built-in fixtures). */
export async function resolveFixtureSets(spec: Spec, config: RunConfig, target: Target): Promise<FixtureSet[]> {
  const f = config.fixtures;
  if (target.builtinFixtures && !f.instanceId) {
    const instances = target.builtinFixtures.instances;
    const types = config.identityManagementType ? [config.identityManagementType] : spec.identityManagementTypes;
    return types.map((type) => {
      const instance = instances.find((i) => i.identityManagementType === type && i.users.length > 0);
      if (!instance) throw new TargetConfigError(`the built-in fixtures have no ${type} instance with a user`);
      const others = instances.filter((i) => i.id !== instance.id);
      const second = others.find((i) => i.identityManagementType === type) ?? others[0];
      return {
        identityManagementType: type,
        instanceId: instance.id,
        userId: instance.users[0]!.id,
        secondUserId: instance.users[1]?.id,
        secondInstanceId: second?.id,
        secondInstanceType: second?.identityManagementType,
        provisioned: [],
      };
    });
  }
  if (!f.instanceId) throw new TargetConfigError(`--target ${config.target} needs --instance-id (and --user-id, or --provision)`);
  if (!f.userId && !config.provision) throw new TargetConfigError('name the fixture user with --user-id (its identity info is restored at the end), or let the run create its own with --provision');
  if (config.provision && (!config.securityProfileId || !config.routingProfileId)) {
    throw new TargetConfigError('--provision needs --security-profile-id and --routing-profile-id for the users it creates');
  }
  const type = await identityManagementTypeOf(spec, target, config, f.instanceId);
  return [{ identityManagementType: type, instanceId: f.instanceId, userId: f.userId ?? '', secondUserId: f.secondUserId, secondInstanceId: f.secondInstanceId, provisioned: [] }];
}

/** Reads a user's identity info with DescribeUser; `info` is undefined when the read fails. */
export async function readIdentity(target: Target, instanceId: string, userId: string): Promise<{ info?: IdentityInfo; observation: Observation }> {
  const observation = await target.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: userId }));
  const user = observation.sdk?.ok ? (observation.sdk.output.User as { IdentityInfo?: IdentityInfo } | undefined) : undefined;
  return { info: user ? { ...(user.IdentityInfo ?? {}) } : undefined, observation };
}

/**
 * What is checked before anything is written: credentials can be had, the target answers, the fixture instance and
 * users exist and are safe to restore. Every problem is a TargetConfigError or TargetUnreachable: one line, exit 2.
 */
export async function preflight(spec: Spec, config: RunConfig, target: Target): Promise<FixtureSet[]> {
  await target.sdk.config.credentials().catch((e: Error) => {
    throw new TargetConfigError(`no AWS credentials for the target (${e.message.split('\n')[0]}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`);
  });
  const sets = await resolveFixtureSets(spec, config, target);
  // Reading the identity management type already reached the instance; otherwise one request shows the target answers.
  const typeWasRead = !config.identityManagementType && !target.builtinFixtures;
  for (const set of typeWasRead ? [] : sets) {
    const probe = await target.send(new DescribeInstanceCommand({ InstanceId: set.instanceId }));
    reachable(probe, target.endpoint);
  }
  return sets;
}

/** A user this run creates: a conformance- name, a tag, and identity info on reserved domains only. */
async function provisionUser(spec: Spec, target: Target, config: RunConfig, journal: FixtureJournal, set: FixtureSet): Promise<string> {
  // Letters only: no run of digits that could read as a phone number (the guard refuses those in identity info).
  const name = `${USERNAME_PREFIX}${Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;
  journal.creating(set.instanceId, name);
  const forbidden = new Set(spec.typeRules[set.identityManagementType]?.forbidden ?? []);
  const info = Object.fromEntries(Object.entries({ FirstName: 'Conformance', LastName: 'Fixture', Email: `${name}@example.com` }).filter(([k]) => !forbidden.has(k)));
  const obs = await target.send(
    new CreateUserCommand({
      InstanceId: set.instanceId,
      Username: name,
      Password: `Cc-${randomUUID()}`,
      SecurityProfileIds: [config.securityProfileId!],
      RoutingProfileId: config.routingProfileId!,
      PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      IdentityInfo: info,
      Tags: { [OWNER_TAG.key]: OWNER_TAG.value },
    }),
  );
  const id = obs.sdk?.ok ? (obs.sdk.output.UserId as string | undefined) : undefined;
  if (!id) throw new TargetConfigError(`--provision: CreateUser failed (${describeFailure(spec, obs)})`);
  journal.created(set.instanceId, id, name);
  set.provisioned.push(id);
  return id;
}

interface Snapshot {
  set: FixtureSet;
  userId: string;
  info: IdentityInfo;
}

/** The fixtures of one run: snapshotted (or created) once when opened, restored (or deleted) once when closed. */
export class FixtureLifecycle {
  private constructor(
    private readonly spec: Spec,
    private readonly target: Target,
    private readonly journal: FixtureJournal,
    private readonly poll: PollSchedule,
    readonly sets: FixtureSet[],
    private readonly snapshots: Snapshot[],
  ) {}

  /** Snapshots every fixture user (each in the journal before anything is written), then creates --provision's users. */
  static async open(spec: Spec, config: RunConfig, target: Target, sets: FixtureSet[], journal: FixtureJournal, poll: PollSchedule): Promise<FixtureLifecycle> {
    const snapshots: Snapshot[] = [];
    for (const set of sets) {
      if (config.provision) continue;
      for (const userId of [set.userId, set.secondUserId].filter((u): u is string => !!u)) {
        const { info, observation } = await readIdentity(target, set.instanceId, userId);
        reachable(observation, target.endpoint);
        if (!info) throw new TargetConfigError(`cannot read fixture user ${userId} of instance ${set.instanceId} (${describeFailure(spec, observation)}); check --instance-id and the user IDs`);
        checkFixtureIsSafe(target, set.instanceId, userId, info);
        snapshots.push({ set, userId, info });
      }
    }
    for (const { set, userId, info } of snapshots) journal.snapshot(set.instanceId, userId, set.identityManagementType, info);
    const lifecycle = new FixtureLifecycle(spec, target, journal, poll, sets, snapshots);
    try {
      for (const set of sets) {
        if (!config.provision) continue;
        set.userId = await provisionUser(spec, target, config, journal, set);
        set.secondUserId = await provisionUser(spec, target, config, journal, set);
      }
    } catch (e) {
      // A user created before the failure is deleted now (or left in the journal for cleanup).
      await lifecycle.restore();
      throw e;
    }
    return lifecycle;
  }

  /** The snapshot of a fixture user, as read before the run wrote anything. */
  snapshotOf(userId: string): IdentityInfo | undefined {
    return this.snapshots.find((s) => s.userId === userId)?.info;
  }

  /** Writes every snapshot back and verifies it by polling within the read-back window; deletes created users. */
  async restore(): Promise<RestoreNote[]> {
    // Restore may use the budget's reserve.
    this.target.envelope?.beginRestore();
    const notes: RestoreNote[] = [];
    for (const { set, userId, info } of this.snapshots) {
      const note = await restoreSnapshot(this.spec, this.target, { instanceId: set.instanceId, userId, identityManagementType: set.identityManagementType, identityInfo: info }, { attempts: RESTORE_ATTEMPTS, poll: this.poll }).catch(
        // Restoring never throws: a target that breaks here leaves the user not restored, which is a verdict.
        (e: unknown): RestoreNote => ({ userId, restored: false, note: `not restored: ${e instanceof Error ? e.message : String(e)}` }),
      );
      if (note.restored) this.journal.restored(userId);
      notes.push(note);
    }
    for (const set of this.sets) {
      for (const userId of set.provisioned) {
        const note = await deleteCreated(this.target, set.instanceId, userId);
        if (note.restored) this.journal.deleted(userId);
        notes.push(note);
      }
    }
    return notes;
  }
}
