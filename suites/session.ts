// A suite file's session: the spec, the target, the fixtures it may write to (snapshotted first, restored and
// verified at the end, or created and deleted with --provision), and the ledger its checks fill. The command
// runs resolveFixtureSets() itself before any suite starts, so that a configuration that cannot work is one
// line and exit 2 rather than a failing suite.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateUserCommand, DeleteUserCommand, DescribeInstanceCommand, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
import { catalogue, createValidator, defaultSpec, type Catalogue, type RequestValidator, type Spec } from '../spec/index.ts';
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
  /** Users this run created (deleted at the end). */
  provisioned: string[];
}

export type IdentityInfo = Record<string, string>;

export interface RestoreNote {
  userId: string;
  restored: boolean;
  note?: string;
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
      return {
        identityManagementType: type,
        instanceId: instance.id,
        userId: instance.users[0]!.id,
        secondUserId: instance.users[1]?.id,
        secondInstanceId: instances.find((i) => i.id !== instance.id)?.id,
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
    }
  }
  return sets;
}

/** A user this run creates: a conformance- name, a tag, and identity info on reserved domains only. */
async function provisionUser(session: { spec: Spec; target: Target; config: RunConfig }, set: FixtureSet): Promise<string> {
  const name = `conformance-${randomUUID().slice(0, 8)}`;
  const obs = await session.target.send(
    new CreateUserCommand({
      InstanceId: set.instanceId,
      Username: name,
      Password: `Cc-${randomUUID()}`,
      SecurityProfileIds: [session.config.securityProfileId!],
      RoutingProfileId: session.config.routingProfileId!,
      PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      IdentityInfo: set.identityManagementType === 'EXISTING_DIRECTORY' ? {} : { FirstName: 'Conformance', LastName: 'Fixture', ...(set.identityManagementType === 'SAML' ? {} : { Email: `${name}@example.com` }) },
      Tags: { conformance: 'true' },
    }),
  );
  const id = obs.sdk?.ok ? (obs.sdk.output.UserId as string | undefined) : undefined;
  if (!id) throw new TargetConfigError(`--provision: CreateUser failed (${describeFailure(session.spec, obs)})`);
  set.provisioned.push(id);
  return id;
}

export interface SessionOptions {
  /** A variant of the reference's handler (the suite's own power tests and the strength score use this). */
  wrapHandler?: TargetConfig['wrapHandler'];
}

export async function openSession(config: RunConfig = loadConfig(), options: SessionOptions = {}): Promise<Session> {
  const spec = await defaultSpec();
  const cat = catalogue(spec);
  const target = await createTarget(spec, { kind: config.target, region: config.region, endpointUrl: config.endpointUrl, modulePath: config.modulePath, wrapHandler: options.wrapHandler });
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

  const snapshots: { set: FixtureSet; userId: string; info: IdentityInfo }[] = [];
  for (const set of sets) {
    if (config.provision) {
      set.userId = await provisionUser({ spec, target, config }, set);
      set.secondUserId = await provisionUser({ spec, target, config }, set);
      continue;
    }
    for (const userId of [set.userId, set.secondUserId].filter((u): u is string => !!u)) {
      const { info, observation } = await readIdentity(set.instanceId, userId);
      reachable(observation, target.endpoint);
      if (!info) throw new TargetConfigError(`cannot read fixture user ${userId} of instance ${set.instanceId} (${describeFailure(spec, observation)}); check --instance-id and the user IDs`);
      snapshots.push({ set, userId, info });
    }
  }

  const restore = async (): Promise<RestoreNote[]> => {
    const notes: RestoreNote[] = [];
    for (const { set, userId, info } of snapshots) {
      const forbidden = new Set(spec.typeRules[set.identityManagementType]?.forbidden ?? []);
      const writable = Object.fromEntries(Object.entries(info).filter(([k]) => !forbidden.has(k)));
      await target.send(new UpdateUserIdentityInfoCommand({ InstanceId: set.instanceId, UserId: userId, IdentityInfo: writable }));
      const { info: now } = await readIdentity(set.instanceId, userId);
      const wrong = Object.keys(writable).filter((k) => now?.[k] !== writable[k]);
      const added = Object.keys(now ?? {}).filter((k) => !(k in info));
      notes.push({
        userId,
        restored: !!now && wrong.length === 0,
        note: [wrong.length ? `not restored: ${wrong.join(', ')}` : '', added.length ? `set by the run and not clearable through this API: ${added.join(', ')}` : ''].filter(Boolean).join('; ') || undefined,
      });
    }
    for (const set of sets) {
      for (const userId of set.provisioned) {
        const obs = await target.send(new DeleteUserCommand({ InstanceId: set.instanceId, UserId: userId }));
        notes.push({ userId, restored: !!obs.sdk?.ok, note: obs.sdk?.ok ? 'created by the run and deleted' : `created by the run; DeleteUser failed (${describeFailure(spec, obs)})` });
      }
    }
    return notes;
  };

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
      await target.close();
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
