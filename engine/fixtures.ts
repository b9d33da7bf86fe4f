// The fixture lifecycle of one run, for every target: which instances and users the run writes to (the configuration's,
// or the target's built-in ones), preflight (credentials, the target answers, the users exist), the snapshot taken once
// per run before the first write (journaled first on a real account), the users --provision creates, and at the end
// the restore, verified by polling (read-back may lag), and the deletion of created users.
//
// Every answer of a fixture operation (DescribeUser, DescribeInstance, CreateUser, DeleteUser) is judged as it arrives
// (checks/fixture-responses.ts: FX-STATUS, FX-CONTENT-TYPE, FX-JSON-BODY, FX-MEMBERS, FX-BODY-TYPES, FX-ERROR-ENVELOPE)
// when the run hands in where its verdicts go. What the suite needs from those answers (a user's identity info, an
// instance's identity management type, a created user's ID) is read leniently: the SDK's reading when it has one, else
// the raw response's JSON, so that an emulator whose siblings deviate from the model (an ISO-8601 timestamp the SDK
// refuses, a text/html content type) still gets its operation judged. Only a member that cannot be read at all stops
// the run, with a message that names the operation, the status and what in the answer was wrong, and suggests a flag
// only when the flag is the cause.
//
// The reads that change nothing before the first write (the preflight DescribeInstance, the snapshot DescribeUser
// reads) are sent again when they get no response (sendRead): one dropped connection is a verdict (SRV-AVAILABLE), not
// a reason to end the run; a target that answers none of the attempts is unreachable (one line, exit 2).
import { randomInt, randomUUID } from 'node:crypto';
import { CreateUserCommand, DescribeInstanceCommand } from '@aws-sdk/client-connect';
import type { EffectState, FixtureSet, PollSchedule } from '../checks/context.ts';
import type { MemberValue, OperationBinding } from '../core/binding.ts';
import { answered } from '../checks/error-envelope.ts';
import {
  bodyStart,
  describeAnswer,
  fixtureOperation,
  fixtureOperationOf,
  fixtureResponseVerdicts,
  memberAt,
  needOf,
  needProblem,
  type NeedKind,
} from '../checks/fixture-responses.ts';
import { errorTypeOf, jsonOf, messageOf } from '../checks/response-reading.ts';
import { answerOf, describeObservation } from '../checks/answer.ts';
import type { Verdict } from '../checks/verdict.ts';
import { optionNaming, TargetConfigError, TargetUnreachable, type Naming } from '../core/errors.ts';
import { hasAnswer, type Observation } from '../core/observation.ts';
import { DEFAULT_POLL, pollWaits, sleep } from '../core/poll.ts';
import { bodyProblems } from '../core/safe-values.ts';
import type { Spec } from '../spec/index.ts';
import { deleteCreated, restoreSnapshot, type RestoreNote } from '../targets/aws/restore.ts';
import { OWNER_TAG, USERNAME_PREFIX } from '../targets/guard/guard.ts';
import { SendStopped, type Target } from '../targets/index.ts';
import type { RunConfig } from './options.ts';
import { checkFixtureNeeds } from './policy.ts';

export type { RestoreNote };

/** Write-then-verify attempts of each restore. */
export const RESTORE_ATTEMPTS = 2;

/** More attempts of a read that changes nothing and got no response, before the run's first write (sendRead). */
const UNANSWERED_READ_RETRIES = 2;

/**
 * Where a run records, before its first write, every user it snapshots and every user it creates, and then each
 * restore and deletion (targets/aws/journal.ts implements it for runs against a real account).
 */
export interface FixtureJournal {
  snapshot(instanceId: string, userId: string, identityManagementType: string, state: EffectState): void;
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

/** Where the verdicts on the fixture operations' answers go (the run's record); without one they are not judged. */
export type FindingSink = (...verdicts: Verdict[]) => void;

/**
 * What one exchange through a judging target proves: an answer of a fixture operation is judged as one (FX-
 * requirements); a request that got no response is judged as any request without one is (SRV-AVAILABLE fails, with
 * the request as evidence).
 */
function judgement(spec: Spec, observation: Observation): Verdict[] {
  if (observation.response) return fixtureResponseVerdicts(spec, observation);
  const { method, path } = observation.request;
  const operation = fixtureOperationOf(spec, observation.request)?.op.name ?? `${method} ${path}`;
  return answered(spec, observation, {
    caseId: `fixture:${operation}`,
    input: { method, path },
    sensitiveValues: [],
    protocolLevel: false,
  });
}

/** Behind each judging target: the target it wraps and where its verdicts go (sendRead judges its attempts itself). */
const judging = new WeakMap<Target, { plain: Target; spec: Spec; sink: FindingSink }>();

/** The target, with every exchange judged as it ends (FX- requirements, SRV-AVAILABLE: judgement). */
function judgingFixtures(spec: Spec, target: Target, sink?: FindingSink): Target {
  if (!sink) return target;
  const judged: Target = {
    ...target,
    send: async (command) => {
      const observation = await target.send(command);
      sink(...judgement(spec, observation));
      return observation;
    },
  };
  judging.set(judged, { plain: target, spec, sink });
  return judged;
}

/** What the caller knows of why an answer may be unreadable: advice for the causes it can name. */
interface Advice {
  /** For a 404 with the operation's own not-found error: what the user named that does not exist. */
  notFound?: (name: Naming) => string;
  /** When the target does not have the operation, or leaves the member out: how the run can do without it. */
  without?: (name: Naming) => string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why a request was refused with the authentication status, from what the answer says: a body that is not JSON (an
 * HTML page) comes from something in front of the target (a proxy, a firewall or WAF), not from the target's check of
 * the signature; the error types of the signature check name which part of the credentials is wrong.
 */
function refusedCause(
  spec: Spec,
  operation: string,
  response: NonNullable<Observation['response']>,
  type: string | undefined,
  message: string | undefined,
  name: Naming,
): string {
  const auth = spec.protocol.authenticationErrors;
  if (jsonOf(response) === undefined && response.body.length) {
    return `the body is not JSON (${bodyStart(response)}): this refusal comes from something in front of a Connect endpoint (a proxy, a firewall or WAF, a gateway), not from its check of the signature; check ${name('endpointUrl')} and what sits between this machine and the target`;
  }
  if (type === auth.unknownKey)
    return 'the target does not know the access key: check the AWS credentials (the access key ID, and the session token of temporary ones)';
  if (type === auth.badSignature) {
    return /expired|clock|time/i.test(message ?? '')
      ? "the signature's time is outside the target's window: check this machine's clock"
      : 'the signature does not match: check the secret access key';
  }
  if (type === auth.unsigned)
    return `the target says the request carries no signature, which gateways also answer for a path they do not route: check ${name('endpointUrl')}`;
  if (type && /ExpiredToken/i.test(type)) return 'the session token has expired: refresh the credentials';
  if (type && /AccessDenied/i.test(type))
    return `the credentials are valid but may not call ${operation}: the identity's IAM policy must allow connect:${operation}`;
  return "the target refused the credentials or the signature: check the AWS credentials (and this machine's clock)";
}

/**
 * Why an answer gives the suite nothing to read, in one line: the operation, the status, what in the body was wrong,
 * and advice only from the cause (a setting only when the setting is the cause).
 */
function unreadable(
  spec: Spec,
  operation: string,
  subject: string,
  obs: Observation,
  what: string | undefined,
  advice: Advice,
  name: Naming = optionNaming,
): string {
  if (!obs.response) return unreadableOutcome(spec, operation, subject, obs, what, advice);
  const response = obs.response;
  const status = response.statusCode;
  const head = `${operation} of ${subject} answered ${describeAnswer(spec, response)}`;
  const without = advice.without ? `; ${advice.without(name)}` : '';
  if (status >= 300) {
    const type = errorTypeOf(spec, response)?.type;
    const message = messageOf(spec, response);
    const said = message ? ` ("${message.length > 120 ? `${message.slice(0, 120)}…` : message}")` : '';
    const declared = fixtureOperation(spec, operation).op.errors.find((e) => e.type === type && e.status === status);
    const auth = spec.protocol.authenticationErrors;
    let cause: string;
    if (status === auth.status) cause = refusedCause(spec, operation, response, type, message, name);
    else if (status === 404 && declared) cause = advice.notFound?.(name) ?? 'it says the resource does not exist';
    else if (status === 404)
      cause = `a 404 that is not a Connect error (${jsonOf(response) === undefined && response.body.length ? `the body is not JSON: ${bodyStart(response)}` : 'no error type'}): the target does not implement ${operation}${without}`;
    else if (status >= 500) cause = 'the target failed';
    else cause = type ? `${type} is not an answer the suite can read` : 'an error without a type';
    return `${head}${said}: ${cause}`;
  }
  if (jsonOf(response) === undefined) return `${head}: the body is not JSON (${bodyStart(response)}): this is not a Connect endpoint`;
  return `${head}: ${what}${without}`;
}

/** unreadable() for an SDK outcome alone (a ConnectClient handed in): the error's name and message, or what is missing. */
function unreadableOutcome(
  spec: Spec,
  operation: string,
  subject: string,
  obs: Observation,
  what: string | undefined,
  advice: Advice,
): string {
  const a = answerOf(spec, obs);
  const head = `${operation} of ${subject} answered ${describeObservation(spec, obs)}`;
  if (!a?.error) return `${head}: ${what}${advice.without ? `; ${advice.without}` : ''}`;
  const said = a.message ? ` ("${a.message.length > 120 ? `${a.message.slice(0, 120)}…` : a.message}")` : '';
  const notFound = fixtureOperation(spec, operation).op.errors.some((e) => e.type === a.type && e.status === 404);
  return `${head}${said}: ${notFound ? (advice.notFound ?? 'it says the resource does not exist') : a.type ? `${a.type} is not an answer the suite can read` : 'an error without a type'}`;
}

/**
 * Reads a member the suite needs from a fixture operation's answer: the SDK's reading when the SDK read the answer,
 * else the raw response's JSON (the deviation that made the SDK refuse it is an FX- finding of its own). A missing
 * identity info of a user that is there reads as empty (the SDK reads it so too).
 */
function readNeeded(spec: Spec, operation: string, kind: NeedKind, obs: Observation): { value?: unknown; missing?: string } {
  const need = needOf(spec, operation, kind);
  const response = obs.response;
  if (!answerOf(spec, obs)?.succeeded) return { missing: 'not a success' };
  const sources = [obs.sdk?.ok ? obs.sdk.output : undefined, response && jsonOf(response)].filter(isObject);
  for (const body of sources) {
    const value = memberAt(body, need.path);
    if (!needProblem(spec, need, value)) return { value };
    if (kind === 'effect' && (value === undefined || value === null) && isObject(memberAt(body, need.path.slice(0, -1))))
      return { value: {} };
  }
  const raw = response ? jsonOf(response) : sources[0];
  return { missing: needProblem(spec, need, memberAt(raw, need.path)) ?? `${need.path.join('.')} cannot be read` };
}

/**
 * The state of the operation's member as the suite keeps it, read as the SDK reads it: the members the model defines,
 * each of its JSON type (a string, a boolean, a whole number, a structure; a JSON null counts as absent; a member the
 * model does not define, or of another type, is dropped: FX-BODY-TYPES judges the answer's types).
 */
function identityOf(spec: Spec, binding: OperationBinding, value: unknown): EffectState {
  const properties = (needOf(spec, binding.readBack.operation, 'effect').schema.properties ?? {}) as Record<string, { type?: unknown }>;
  return Object.fromEntries(
    Object.entries(isObject(value) ? value : {}).filter(
      (e): e is [string, MemberValue] => Object.hasOwn(properties, e[0]) && ofType(properties[e[0]]!.type, e[1]),
    ),
  );
}

/** A value is of a schema's JSON type (string, boolean, integer, number, object, array). */
function ofType(type: unknown, v: unknown): boolean {
  if (type === 'integer') return Number.isInteger(v);
  if (type === 'number') return typeof v === 'number';
  if (type === 'object') return isObject(v);
  if (type === 'array') return Array.isArray(v);
  return typeof v === type;
}

/**
 * Sends a read that changes nothing, before the run has written anything, and sends it again while it gets no response
 * (reset, refused, timed out): up to UNANSWERED_READ_RETRIES more attempts, waiting along the run's poll schedule (at
 * once when its window is 0). Each attempt is a request: the run's bounds and a real account's budget count it. An
 * answer, whatever its status, is never sent again. Through a judging target, once an attempt is answered every
 * attempt is judged (each one without a response an SRV-AVAILABLE failure); when none is, nothing is judged: the
 * caller ends the run (the target is unreachable: one line, exit 2). A safety envelope that sends unanswered requests
 * again itself (targets/aws/safety-envelope.ts) makes those attempts: the run adds only what it lacks. When the run's bounds
 * stop an attempt, the last unanswered one is the outcome. `command` makes a new command for each attempt (the SDK
 * channel adds its observer to each).
 */
async function sendRead(
  target: Target,
  command: () => Parameters<Target['send']>[0],
  poll: PollSchedule,
): Promise<{ observation: Observation; attempts: number }> {
  const via = judging.get(target);
  const plain = via?.plain ?? target;
  const retries = Math.max(0, UNANSWERED_READ_RETRIES - (target.envelope?.retries.transport ?? 0));
  const waits = pollWaits(poll);
  const unanswered: Observation[] = [];
  let observation = await plain.send(command());
  let attempts = 1;
  while (!hasAnswer(observation) && attempts <= retries) {
    unanswered.push(observation);
    await sleep(waits.next().value ?? 0);
    try {
      observation = await plain.send(command());
    } catch (e) {
      if (e instanceof SendStopped && e.kind === 'budget') break;
      throw e;
    }
    attempts++;
  }
  if (via && hasAnswer(observation)) via.sink(...[...unanswered, observation].flatMap((o) => judgement(via.spec, o)));
  return { observation, attempts };
}

/** What to do about a request that got no response, from the error: the endpoint's host, nothing listening, time. */
function unansweredAdvice(error: string, name: Naming): string {
  if (/ENOTFOUND|EAI_AGAIN/.test(error)) return `its host name does not resolve: check ${name('endpointUrl')}`;
  if (/ECONNREFUSED/.test(error)) return `nothing listens there: start it, or check ${name('endpointUrl')}`;
  if (/timed? ?out|ETIMEDOUT|timeout/i.test(error))
    return `start it, check ${name('endpointUrl')}, or give it more time with ${name('requestTimeoutMs')}`;
  if (/\bregion\b/i.test(error)) return `check ${name('region')}`;
  return `start it, or check ${name('endpointUrl')}`;
}

function reachable(obs: Observation, endpoint: string, attempts = 1): void {
  const error = obs.transportError;
  if (error && !obs.response)
    throw new TargetUnreachable(
      (name) =>
        `the target at ${endpoint} does not answer (${error}${attempts > 1 ? `; ${attempts} attempts` : ''}); ${unansweredAdvice(error, name)}`,
    );
}

/**
 * On a target behind a safety envelope (aws), a fixture user is written back at the end exactly as it was read:
 * so its identity info must already hold only reserved addresses and fictional numbers, or the run refuses it.
 */
function checkFixtureIsSafe(target: Target, instanceId: string, userId: string, info: EffectState): void {
  if (!target.envelope) return;
  const problems = bodyProblems(JSON.stringify(info));
  if (problems.length) {
    throw new TargetConfigError(
      (name) =>
        `fixture user ${userId} of instance ${instanceId} holds ${problems[0]}: restoring it would send that value; use a dedicated test user whose Email and SecondaryEmail are on example.com/.org/.net, .invalid or .test and whose Mobile is fictional (+1 NPA 555 01xx), or ${name('provision')}`,
    );
  }
}

async function identityManagementTypeOf(
  spec: Spec,
  target: Target,
  config: RunConfig,
  instanceId: string,
  poll: PollSchedule,
): Promise<string> {
  if (config.identityManagementType) return config.identityManagementType;
  const { observation: obs, attempts } = await sendRead(target, () => new DescribeInstanceCommand({ InstanceId: instanceId }), poll);
  reachable(obs, target.endpoint, attempts);
  const { value, missing } = readNeeded(spec, 'DescribeInstance', 'identity-management-type', obs);
  if (typeof value === 'string') return value;
  const without = (name: Naming) =>
    `the run needs the instance's identity management type: give it with ${name('identityManagementType', spec.identityManagementTypes)}`;
  throw new TargetConfigError(
    (name) =>
      `cannot read the identity management type: ${unreadable(spec, 'DescribeInstance', `instance ${instanceId}`, obs, missing, { notFound: (n) => `no such instance: check ${n('fixtures.instanceId')}`, without }, name)}`,
  );
}

/** The fixtures a run writes to, from the configuration (or the target's built-in fixtures). */
async function resolveFixtureSets(spec: Spec, config: RunConfig, target: Target, poll: PollSchedule = DEFAULT_POLL): Promise<FixtureSet[]> {
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
  const instanceId = checkFixtureNeeds(config);
  const type = await identityManagementTypeOf(spec, target, config, instanceId, poll);
  return [
    {
      identityManagementType: type,
      instanceId,
      userId: f.userId ?? '',
      secondUserId: f.secondUserId,
      secondInstanceId: f.secondInstanceId,
      provisioned: [],
    },
  ];
}

/**
 * Reads a user's identity info with DescribeUser, leniently; `info` is undefined when it cannot be read, and `problem`
 * says why. With `retry` (a snapshot read, before the first write) a read that got no response is sent again (sendRead).
 */
async function readUser(
  spec: Spec,
  binding: OperationBinding,
  target: Target,
  instanceId: string,
  userId: string,
  retry?: PollSchedule,
): Promise<{ info?: EffectState; observation: Observation; problem?: string; problemFor?: (name: Naming) => string; attempts: number }> {
  const command = () => binding.readBack.command({ InstanceId: instanceId, UserId: userId });
  const { observation, attempts } = retry
    ? await sendRead(target, command, retry)
    : { observation: await target.send(command()), attempts: 1 };
  if (!hasAnswer(observation)) return { observation, problem: observation.transportError, attempts };
  const { value, missing } = readNeeded(spec, binding.readBack.operation, 'effect', observation);
  if (value !== undefined) return { info: identityOf(spec, binding, value), observation, attempts };
  const notFound = (name: Naming) =>
    `no such user in that instance: check ${name('fixtures.userId')} (or ${name('fixtures.secondUserId')}) and ${name('fixtures.instanceId')}`;
  const problemFor = (name: Naming) =>
    unreadable(spec, binding.readBack.operation, `user ${userId} of instance ${instanceId}`, observation, missing, { notFound }, name);
  return { observation, problem: problemFor(optionNaming), problemFor, attempts };
}

/**
 * Reads a user's identity info with DescribeUser (leniently: through what the SDK refuses); `info` is undefined when
 * the read fails, and `problem` names why. The answer is judged (FX-) when a sink is given.
 */
export function readIdentity(
  spec: Spec,
  binding: OperationBinding,
  target: Target,
  instanceId: string,
  userId: string,
  sink?: FindingSink,
): Promise<{ info?: EffectState; observation: Observation; problem?: string }> {
  return readUser(spec, binding, judgingFixtures(spec, target, sink), instanceId, userId);
}

/**
 * Why no credentials could be had, from what the user set: the profile that gives none (named), one half of the key
 * pair without the other; the advice to set the keys only when neither they nor a profile are set.
 */
function credentialsProblem(why: string, profile: string | undefined, env: NodeJS.ProcessEnv = process.env): (name: Naming) => string {
  return (name) => {
    if (profile !== undefined)
      return `${name('profile', profile)} gives no AWS credentials (${why}): check that profile (aws configure list --profile ${profile})`;
    if (env.AWS_PROFILE)
      return `AWS_PROFILE=${env.AWS_PROFILE} gives no AWS credentials (${why}): check that profile (aws configure list --profile ${env.AWS_PROFILE})`;
    const key = !!env.AWS_ACCESS_KEY_ID;
    const secret = !!env.AWS_SECRET_ACCESS_KEY;
    if (key !== secret)
      return `${key ? 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not' : 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not'}: set both (${why})`;
    if (key) return `the AWS credentials of the environment cannot be used (${why})`;
    return `no AWS credentials for the target (${why}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with ${name('profile')} (or AWS_PROFILE)`;
  };
}

/**
 * What is checked before anything is written: credentials can be had, the target answers, the fixture instance and
 * users exist and are safe to restore. Every problem is a TargetConfigError or TargetUnreachable: one line, exit 2.
 */
export async function preflight(
  spec: Spec,
  config: RunConfig,
  plainTarget: Target,
  sink?: FindingSink,
  poll: PollSchedule = DEFAULT_POLL,
): Promise<FixtureSet[]> {
  const target = judgingFixtures(spec, plainTarget, sink);
  await target.sdk?.config.credentials().catch((e: Error) => {
    throw new TargetConfigError(credentialsProblem(e.message.split('\n')[0]!, config.profile));
  });
  const sets = await resolveFixtureSets(spec, config, target, poll);
  // Reading the identity management type already reached the instance; otherwise one request shows the target answers.
  const typeWasRead = !config.identityManagementType && !target.builtinFixtures;
  for (const set of typeWasRead ? [] : sets) {
    const { observation: probe, attempts } = await sendRead(
      target,
      () => new DescribeInstanceCommand({ InstanceId: set.instanceId }),
      poll,
    );
    reachable(probe, target.endpoint, attempts);
  }
  return sets;
}

/** A user this run creates: a conformance- name, a tag, and the binding's fixture values (reserved domains only). */
async function provisionUser(
  spec: Spec,
  binding: OperationBinding,
  target: Target,
  config: RunConfig,
  journal: FixtureJournal,
  set: FixtureSet,
): Promise<string> {
  // Letters only: no run of digits that could read as a phone number (the guard refuses those in identity info).
  const name = `${USERNAME_PREFIX}${Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;
  journal.creating(set.instanceId, name);
  const forbidden = new Set(spec.typeRules[set.identityManagementType]?.forbidden ?? []);
  const values = Object.fromEntries(Object.entries(binding.fixtures.provisioned(name)).filter(([k]) => !forbidden.has(k)));
  const obs = await target.send(
    new CreateUserCommand({
      InstanceId: set.instanceId,
      Username: name,
      Password: `Cc-${randomUUID()}`,
      SecurityProfileIds: [config.securityProfileId!],
      RoutingProfileId: config.routingProfileId!,
      PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      [binding.member]: values,
      Tags: { [OWNER_TAG.key]: OWNER_TAG.value },
    }),
  );
  reachable(obs, target.endpoint);
  const { value, missing } = readNeeded(spec, 'CreateUser', 'created-user-id', obs);
  if (typeof value !== 'string') {
    const notFound = (name: Naming) =>
      `no such instance, security profile or routing profile: check ${name('fixtures.instanceId')}, ${name('securityProfileId')} and ${name('routingProfileId')}`;
    throw new TargetConfigError(
      (name) => `${name('provision')}: ${unreadable(spec, 'CreateUser', `instance ${set.instanceId}`, obs, missing, { notFound }, name)}`,
    );
  }
  const id = value;
  journal.created(set.instanceId, id, name);
  set.provisioned.push(id);
  return id;
}

/** Reads every snapshot again once a whole read-back window has passed; the later reading wins (one request per user). */
async function settle(snapshots: Snapshot[], read: (s: Snapshot) => Promise<EffectState | undefined>, poll: PollSchedule): Promise<void> {
  if (!snapshots.length || poll.windowMs <= 0) return;
  await sleep(poll.windowMs);
  for (const s of snapshots) {
    const now = await read(s);
    if (now) s.info = now;
  }
}

interface Snapshot {
  set: FixtureSet;
  userId: string;
  info: EffectState;
}

/** The fixtures of one run: snapshotted (or created) once when opened, restored (or deleted) once when closed. */
export class FixtureLifecycle {
  private constructor(
    private readonly spec: Spec,
    private readonly binding: OperationBinding,
    private readonly target: Target,
    private readonly journal: FixtureJournal,
    private readonly poll: PollSchedule,
    readonly sets: FixtureSet[],
    private readonly snapshots: Snapshot[],
    /** Users this run created, as read right after their creation. */
    private readonly created = new Map<string, EffectState>(),
  ) {}

  /**
   * Snapshots every fixture user (each in the journal before anything is written), then creates --provision's users
   * and reads them. Every answer of a fixture operation, here and when restoring, is judged into `sink`.
   */
  static async open(
    spec: Spec,
    binding: OperationBinding,
    config: RunConfig,
    plainTarget: Target,
    sets: FixtureSet[],
    journal: FixtureJournal,
    poll: PollSchedule,
    sink?: FindingSink,
  ): Promise<FixtureLifecycle> {
    const target = judgingFixtures(spec, plainTarget, sink);
    const snapshots: Snapshot[] = [];
    for (const set of sets) {
      if (config.provision) continue;
      for (const userId of [set.userId, set.secondUserId].filter((u): u is string => !!u)) {
        const { info, observation, problem, problemFor, attempts } = await readUser(spec, binding, target, set.instanceId, userId, poll);
        reachable(observation, target.endpoint, attempts);
        if (!info) throw new TargetConfigError((name) => `cannot read fixture user ${userId}: ${problemFor?.(name) ?? problem}`);
        checkFixtureIsSafe(target, set.instanceId, userId, info);
        snapshots.push({ set, userId, info });
      }
    }
    // A target that may still be applying an earlier write (an earlier run's restore, say) is read again after a
    // read-back window, and the later reading is the snapshot; a consistent target has nothing in flight.
    if (!plainTarget.consistent)
      await settle(snapshots, (s) => readUser(spec, binding, target, s.set.instanceId, s.userId).then((r) => r.info), poll);
    for (const { set, userId, info } of snapshots) journal.snapshot(set.instanceId, userId, set.identityManagementType, info);
    // The lifecycle keeps the judging target: the restore's answers are judged too.
    const lifecycle = new FixtureLifecycle(spec, binding, target, journal, poll, sets, snapshots);
    try {
      for (const set of sets) {
        if (!config.provision) continue;
        set.userId = await provisionUser(spec, binding, target, config, journal, set);
        set.secondUserId = await provisionUser(spec, binding, target, config, journal, set);
      }
      for (const set of sets) {
        for (const userId of set.provisioned) {
          const { info, observation, problem, problemFor } = await readUser(spec, binding, target, set.instanceId, userId);
          reachable(observation, target.endpoint);
          if (!info)
            throw new TargetConfigError((name) => `cannot read the user ${userId} the run created: ${problemFor?.(name) ?? problem}`);
          lifecycle.created.set(userId, info);
        }
      }
    } catch (e) {
      // A user created before the failure is deleted now (or left in the journal for cleanup).
      await lifecycle.restore();
      throw e;
    }
    return lifecycle;
  }

  /** The snapshot of a fixture user (or a user the run created), as read before the run wrote anything. */
  snapshotOf(userId: string): EffectState | undefined {
    return this.snapshots.find((s) => s.userId === userId)?.info ?? this.created.get(userId);
  }

  /** Writes every snapshot back and verifies it by polling within the read-back window; deletes created users. */
  async restore(): Promise<RestoreNote[]> {
    // Restore may use the budget's reserve.
    this.target.envelope?.beginRestore();
    const notes: RestoreNote[] = [];
    for (const { set, userId, info } of this.snapshots) {
      const note = await restoreSnapshot(
        this.spec,
        this.binding,
        this.target,
        { instanceId: set.instanceId, userId, identityManagementType: set.identityManagementType, state: info },
        {
          attempts: RESTORE_ATTEMPTS,
          poll: this.poll,
          read: async (instanceId, user) => (await readUser(this.spec, this.binding, this.target, instanceId, user)).info,
        },
      ).catch(
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
