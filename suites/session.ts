// A suite file's session: the spec, the target, the fixtures it may write to (snapshotted first, restored and
// verified at the end, or created and deleted with --provision), and the ledger its checks fill. The command
// runs resolveFixtureSets() itself before any suite starts, so that a configuration that cannot work is one
// line and exit 2 rather than a failing suite.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateUserCommand, DescribeInstanceCommand, DescribeUserCommand } from '@aws-sdk/client-connect';
import { bodyProblems } from '../generators/safe-values.ts';
import { catalogue, createValidator, defaultSpec, type Catalogue, type RequestValidator, type Spec } from '../spec/index.ts';
import { deleteCreated, restoreSnapshot, type RestoreNote } from '../targets/aws/restore.ts';
import { USERNAME_PREFIX, OWNER_TAG } from '../targets/guard/guard.ts';
import { createTarget, TargetConfigError, TargetUnreachable, type Observation, type Target, type TargetConfig } from '../targets/index.ts';
import { loadConfig, type RunConfig } from './config.ts';
import { envelopeVerdicts, type EnvelopeContext } from './checks/envelope.ts';
import { describeResponse } from './checks/response-reading.ts';
import { Ledger, type LedgerData } from './ledger.ts';
import type { Verdict } from './verdict.ts';

export interface FixtureSet {
  identityManagementType: string;
  instanceId: string;
  userId: string;
  secondUserId?: string;
  /** Another instance, for the cross-instance check. */
  secondInstanceId?: string;
  /** Its identity management type, when known without a request (the built-in fixtures). */
  secondInstanceType?: string;
  /** Users this run created (deleted at the end). */
  provisioned: string[];
}

export type IdentityInfo = Record<string, string>;

export type { RestoreNote };

/**
 * Where a session records, before its first write, every user it snapshots and every user it creates, and then each
 * restore and deletion (targets/aws/journal.ts implements it for runs against a real account).
 */
export interface SessionJournal {
  snapshot(instanceId: string, userId: string, identityManagementType: string, identityInfo: IdentityInfo): void;
  creating(instanceId: string, username: string): void;
  created(instanceId: string, userId: string, username: string): void;
  restored(userId: string): void;
  deleted(userId: string): void;
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

export interface Session {
  spec: Spec;
  catalogue: Catalogue;
  validator: RequestValidator;
  config: RunConfig;
  target: Target;
  ledger: Ledger;
  sets: FixtureSet[];
  /** Whether --only lets this requirement be checked. */
  wants(requirementId: string): boolean;
  /** Records verdicts (those --only lets through). */
  record(...verdicts: Verdict[]): void;
  /** Records the envelope verdicts of one observation. */
  observe(observation: Observation, context: EnvelopeContext): void;
  /** Reads a user's identity info (DescribeUser); undefined when the read fails. */
  readIdentity(instanceId: string, userId: string): Promise<{ info?: IdentityInfo; observation: Observation }>;
  close(): Promise<RestoreNote[]>;
}

const describeFailure = (spec: Spec, obs: Observation) => obs.transportError ?? describeResponse(spec, obs.response);

function reachable(obs: Observation, endpoint: string): void {
  if (obs.transportError && !obs.response) throw new TargetUnreachable(`the target at ${endpoint} does not answer (${obs.transportError}); start it or fix --endpoint-url`);
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

/**
 * What the command checks before any suite runs: credentials can be had, the target answers, the fixture
 * instance and users exist. Every problem is a TargetConfigError or TargetUnreachable: one line, exit 2.
 */
export async function preflight(spec: Spec, config: RunConfig, target: Target): Promise<FixtureSet[]> {
  await target.sdk.config.credentials().catch((e: Error) => {
    throw new TargetConfigError(`no AWS credentials for the target (${e.message.split('\n')[0]}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`);
  });
  const sets = await resolveFixtureSets(spec, config, target);
  for (const set of sets) {
    const probe = await target.send(new DescribeInstanceCommand({ InstanceId: set.instanceId }));
    reachable(probe, target.endpoint);
    for (const userId of [set.userId, set.secondUserId].filter((u): u is string => !!u)) {
      const obs = await target.send(new DescribeUserCommand({ InstanceId: set.instanceId, UserId: userId }));
      reachable(obs, target.endpoint);
      if (!obs.sdk?.ok) throw new TargetConfigError(`cannot read fixture user ${userId} of instance ${set.instanceId} (${describeFailure(spec, obs)}); check --instance-id and the user IDs`);
      const user = obs.sdk.output.User as { IdentityInfo?: IdentityInfo } | undefined;
      checkFixtureIsSafe(target, set.instanceId, userId, { ...(user?.IdentityInfo ?? {}) });
    }
  }
  return sets;
}

/** A user this run creates: a conformance- name, a tag, and identity info on reserved domains only. */
async function provisionUser(session: { spec: Spec; target: Target; config: RunConfig; journal?: SessionJournal }, set: FixtureSet): Promise<string> {
  // Letters only: no run of digits that could read as a phone number (the guard refuses those in identity info).
  const name = `${USERNAME_PREFIX}${Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;
  session.journal?.creating(set.instanceId, name);
  const obs = await session.target.send(
    new CreateUserCommand({
      InstanceId: set.instanceId,
      Username: name,
      Password: `Cc-${randomUUID()}`,
      SecurityProfileIds: [session.config.securityProfileId!],
      RoutingProfileId: session.config.routingProfileId!,
      PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      IdentityInfo: set.identityManagementType === 'EXISTING_DIRECTORY' ? {} : { FirstName: 'Conformance', LastName: 'Fixture', ...(set.identityManagementType === 'SAML' ? {} : { Email: `${name}@example.com` }) },
      Tags: { [OWNER_TAG.key]: OWNER_TAG.value },
    }),
  );
  const id = obs.sdk?.ok ? (obs.sdk.output.UserId as string | undefined) : undefined;
  if (!id) throw new TargetConfigError(`--provision: CreateUser failed (${describeFailure(session.spec, obs)})`);
  session.journal?.created(set.instanceId, id, name);
  set.provisioned.push(id);
  return id;
}

export interface SessionOptions {
  /** A variant of the reference's handler (the suite's own power tests and the strength score use this). */
  wrapHandler?: TargetConfig['wrapHandler'];
  /** A target to use instead of creating one (a run against a real account shares one envelope); close() leaves
   * it open. */
  target?: Target;
  /** Records snapshots and created users before the first write (a run against a real account). */
  journal?: SessionJournal;
}

export async function openSession(config: RunConfig = loadConfig(), options: SessionOptions = {}): Promise<Session> {
  const spec = await defaultSpec();
  const cat = catalogue(spec);
  const target =
    options.target ??
    (await createTarget(spec, { kind: config.target, region: config.region, endpointUrl: config.endpointUrl, modulePath: config.modulePath, wrapHandler: options.wrapHandler, profile: config.profile, cassette: config.cassette }));
  const journal = options.journal;
  const credentials = await target.sdk.config.credentials().catch(() => undefined);
  const ledger = new Ledger([credentials?.secretAccessKey, credentials?.sessionToken].filter((x): x is string => !!x));
  const sets = await resolveFixtureSets(spec, config, target);
  const only = new Set(config.only);
  const wants = (id: string) => only.size === 0 || only.has(id);

  const readIdentity = async (instanceId: string, userId: string) => {
    const observation = await target.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: userId }));
    const user = observation.sdk?.ok ? (observation.sdk.output.User as { IdentityInfo?: IdentityInfo } | undefined) : undefined;
    return { info: user ? { ...(user.IdentityInfo ?? {}) } : undefined, observation };
  };

  // Snapshots first (reads only), each in the journal before anything is written; then the users --provision creates.
  const snapshots: { set: FixtureSet; userId: string; info: IdentityInfo }[] = [];
  for (const set of sets) {
    if (config.provision) continue;
    for (const userId of [set.userId, set.secondUserId].filter((u): u is string => !!u)) {
      const { info, observation } = await readIdentity(set.instanceId, userId);
      reachable(observation, target.endpoint);
      if (!info) throw new TargetConfigError(`cannot read fixture user ${userId} of instance ${set.instanceId} (${describeFailure(spec, observation)}); check --instance-id and the user IDs`);
      checkFixtureIsSafe(target, set.instanceId, userId, info);
      snapshots.push({ set, userId, info });
    }
  }
  for (const { set, userId, info } of snapshots) journal?.snapshot(set.instanceId, userId, set.identityManagementType, info);

  const restore = async (): Promise<RestoreNote[]> => {
    // Restore may use the budget's reserve.
    target.envelope?.beginRestore();
    const notes: RestoreNote[] = [];
    for (const { set, userId, info } of snapshots) {
      const note = await restoreSnapshot(spec, target, { instanceId: set.instanceId, userId, identityManagementType: set.identityManagementType, identityInfo: info }, { attempts: target.envelope ? 2 : 1, reads: target.envelope ? 3 : 1 });
      if (note.restored) journal?.restored(userId);
      notes.push(note);
    }
    for (const set of sets) {
      for (const userId of set.provisioned) {
        const note = await deleteCreated(target, set.instanceId, userId);
        if (note.restored) journal?.deleted(userId);
        notes.push(note);
      }
    }
    return notes;
  };

  try {
    for (const set of sets) {
      if (!config.provision) continue;
      set.userId = await provisionUser({ spec, target, config, journal }, set);
      set.secondUserId = await provisionUser({ spec, target, config, journal }, set);
    }
  } catch (e) {
    // A user created before the failure is deleted now (or left in the journal for cleanup).
    await restore();
    throw e;
  }

  return {
    spec,
    catalogue: cat,
    validator: createValidator(spec),
    config,
    target,
    ledger,
    sets,
    wants,
    record: (...verdicts) => ledger.add(...verdicts.filter((v) => wants(v.requirementId))),
    observe: (observation, context) => ledger.add(...envelopeVerdicts(spec, observation, context).filter((v) => wants(v.requirementId))),
    readIdentity,
    async close() {
      const notes = await restore();
      if (!options.target) await target.close();
      return notes;
    },
  };
}

/** Writes a suite file's ledger where the command collects it. */
export function writeLedger(config: RunConfig, suite: string, data: { ledger: LedgerData; restore: RestoreNote[] }): void {
  if (!config.ledgerDir) return;
  mkdirSync(config.ledgerDir, { recursive: true });
  writeFileSync(join(config.ledgerDir, `${suite}.json`), JSON.stringify(data));
}
