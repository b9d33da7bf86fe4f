// Running one generated case against a target and judging it: the outcome its requirements allow, the success
// envelope, read-back, and nothing lost. Each named function proves the requirements it names.
import type { MemberValue } from '../core/binding.ts';
import type { Case } from '../generators/index.ts';
import type { RequirementId } from '../spec/index.ts';
import type { Observation } from '../targets/index.ts';
import { utf8 } from '../core/wire.ts';
import { sentStructure, withoutWaiting, type CheckContext, type EffectState, type UserState } from './context.ts';

export type { UserState };
import { judge, pass, type Evidence, type Expected, type Verdict } from './verdict.ts';
import { errorTypeOf, jsonOf } from './response-reading.ts';
import { hasAnswer } from '../core/observation.ts';
import { answerOf, describeObservation, isServerFault } from './answer.ts';
import { advance } from './consistency.ts';
import { differingMembers, pollIdentity, readBackHolds, readState, unchangedVerdicts } from './read-back.ts';

/** What a case proves about state besides its own requirements, by what the target did with it. */
export const CASE_STATE_REQUIREMENTS: { accepted: readonly RequirementId[]; rejected: readonly RequirementId[] } = {
  accepted: ['OK-SUCCESS-ENVELOPE', 'RB-READBACK', 'OBS-OMITTED-MEMBERS', 'NL-OTHER-USERS-UNCHANGED'],
  rejected: ['NL-REJECTED-UNCHANGED'],
};

/** Judged on the HTTP body and headers of a success, which an SDK outcome does not have (envelope.ts has the others). */
export const SUCCESS_WIRE_DETAIL: Partial<Record<RequirementId, string>> = { 'OK-SUCCESS-ENVELOPE': 'the body and headers of a success' };

export async function sendCase(ctx: CheckContext, c: Case): Promise<Observation> {
  if (c.channel === 'sdk') {
    const body = c.body as Record<string, unknown>;
    return ctx.target.send(ctx.binding.command({ ...body, ...c.labels }));
  }
  return ctx.target.raw({ method: c.wire.method, path: c.wire.path, headers: c.wire.headers, body: utf8(c.wire.body) });
}

function expectedOf(c: Case): Expected {
  const e = c.expected;
  if (e.outcome === 'accepted') return { summary: `${e.status.join(' or ')} with no error type`, status: e.status };
  if (e.outcome === 'observed') return { summary: 'anything but a 5xx (observed, not judged)' };
  const status = e.status === '4xx' ? 'a 4xx' : e.status.join(' or ');
  const types = e.types === 'any' ? 'any error type' : e.types.join(' or ');
  return { summary: `${status} with ${types}`, status: e.status, types: e.types };
}

/** The values of the sensitive members a case sends, for SENS-NO-ECHO. */
function sensitiveValuesOf(ctx: CheckContext, c: Case): string[] {
  const info = (c.body as Record<string, unknown> | undefined)?.[ctx.binding.member];
  if (typeof info !== 'object' || info === null) return [];
  return ctx.spec.members
    .filter((m) => m.sensitive)
    .map((m) => (info as Record<string, unknown>)[m.name])
    .filter((v): v is string => typeof v === 'string');
}

export const evidenceOf = (c: Case, observation: Observation | undefined, problem: string): Evidence => ({
  caseId: c.id,
  input: c.body ?? c.wire.body,
  observation,
  expected: expectedOf(c),
  problem,
  seed: c.replay?.seed,
  path: c.replay?.path,
  generator: c.replay?.generator,
  identityManagementType: c.identityManagementType,
});

/**
 * Whether the answer is one the case allows. An SDK outcome (answer.ts) is judged on what it says: a resolved send is
 * a success, a rejection's name is its error type; its status, when the client reports one, must be an allowed one,
 * and without one a rejection must not be a server fault.
 */
export function outcomeProblem(ctx: CheckContext, c: Case, obs: Observation): string | undefined {
  const a = answerOf(ctx.spec, obs);
  if (!a) return `no response (${obs.transportError ?? 'unknown transport failure'})`;
  const e = c.expected;
  const got = describeObservation(ctx.spec, obs);
  if (e.outcome === 'observed') return undefined;
  if (e.outcome === 'accepted') {
    if (!a.succeeded || (a.status !== undefined && !e.status.includes(a.status))) return `a valid request was not accepted: got ${got}`;
    if (a.type) return `an accepted request carries the error type ${a.type}`;
    return undefined;
  }
  const status = a.status;
  const statusOk =
    status === undefined
      ? a.error && !isServerFault(ctx.spec, a)
      : e.status === '4xx'
        ? status >= 400 && status < 500
        : e.status.includes(status);
  if (!statusOk) return `expected ${expectedOf(c).summary}, got ${got}`;
  if (!a.type) return `the rejection carries no error type (${status !== undefined ? `status ${status}` : got})`;
  if (e.types !== 'any' && !e.types.includes(a.type)) return `expected ${expectedOf(c).summary}, got ${got}`;
  return undefined;
}

/** The verdicts of the requirements the case is labelled with (OBSERVE ones record what was seen). */
function caseOutcomeVerdicts(ctx: CheckContext, c: Case, obs: Observation): Verdict[] {
  // No response proves nothing about the case's own requirements: SRV-AVAILABLE judges it (checks/error-envelope.ts).
  if (!answerOf(ctx.spec, obs)) return [];
  const problem = outcomeProblem(ctx, c, obs);
  // A case's requirements come from the loaded catalogue (the constraints they claim), not from code.
  return (c.requirementIds as RequirementId[]).map((id) =>
    c.expected.outcome === 'observed'
      ? pass(id, c.id, describeObservation(ctx.spec, obs))
      : judge(id, !problem, evidenceOf(c, obs, problem ?? '')),
  );
}

/** OK-SUCCESS-ENVELOPE: a 2xx has an empty body or {} and no error type (judged on a response only). */
function successEnvelope(ctx: CheckContext, c: Case, obs: Observation): Verdict[] {
  const r = obs.response;
  if (!r || r.statusCode < 200 || r.statusCode >= 300) return [];
  const body = jsonOf(r);
  const emptyBody =
    r.body.length === 0 || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  const type = errorTypeOf(ctx.spec, r);
  const problem = !emptyBody ? 'the success body is neither empty nor {}' : type ? `a 2xx carries the error type ${type.type}` : '';
  return [judge('OK-SUCCESS-ENVELOPE', !problem, evidenceOf(c, obs, problem))];
}

/** The members of the binding's structure that a case sent, of any JSON type (unknown members and JSON nulls are not
 * stored: they count as absent). */
const sentIdentity = (ctx: CheckContext, c: Case): EffectState => {
  const info = sentStructure(ctx.binding, c);
  const members = new Set(ctx.spec.members.map((m) => m.name));
  return Object.fromEntries(
    Object.entries(info).filter((e): e is [string, MemberValue] => members.has(e[0]) && e[1] !== null && e[1] !== undefined),
  );
};
const aimsAt = (c: Case, state: UserState) => c.labels.InstanceId === state.instanceId && c.labels.UserId === state.userId;

/** RB-READBACK and OBS-OMITTED-MEMBERS after an accepted update; refreshes the state. */
async function readBackAfterAccept(ctx: CheckContext, c: Case, state: UserState): Promise<Verdict[]> {
  const sent = sentIdentity(ctx, c);
  // RB-READBACK already failed with evidence: later cases read once instead of polling (bounded failure cost).
  const read = await readBackHolds(ctx.failed('RB-READBACK') ? withoutWaiting(ctx) : ctx, state.instanceId, state.userId, sent);
  const verdicts: Verdict[] = [];
  // The last read got no response: it proves nothing about read-back (SRV-AVAILABLE judges it, and a step whose
  // requirement no answer reached is an error).
  if (!read.ok && !hasAnswer(read.observation)) return verdicts;
  const wrong = differingMembers(sent, read.info);
  const why = read.info
    ? `DescribeUser did not return ${wrong.join(', ')} as sent within ${ctx.settings.poll.windowMs} ms`
    : `the read-back failed: DescribeUser answered ${describeObservation(ctx.spec, read.observation)}`;
  verdicts.push(
    judge('RB-READBACK', read.ok, {
      ...evidenceOf(c, read.observation, why),
      expected: { summary: `DescribeUser returns ${JSON.stringify(sent)}` },
    }),
  );
  const omitted = Object.keys(state.info).filter((k) => !(k in sent));
  for (const member of omitted) {
    verdicts.push(
      pass('OBS-OMITTED-MEMBERS', c.id, read.info && member in read.info ? `${member} omitted: kept` : `${member} omitted: cleared`),
    );
  }
  if (read.info) advance(state, read.info);
  return verdicts;
}

/**
 * NL-REJECTED-UNCHANGED: the rejected requests since the last read-back left the user as it was. With a batch of
 * one (the default) every rejection is read back at once; a larger config.rejectionBatch saves requests on
 * targets that count them, and a failure then names the whole batch.
 */
export async function flushRejections(ctx: CheckContext, state: UserState): Promise<Verdict[]> {
  const batch = state.pending ?? [];
  if (!batch.length) return [];
  const throttled = state.pendingThrottled === true;
  state.pending = [];
  state.pendingThrottled = false;
  const read = await readState(ctx, state);
  const named = batch.length === 1 ? batch[0]!.id : `${batch.length} rejected requests (${batch[0]!.id} … ${batch.at(-1)!.id})`;
  // A rejected update that was throttled first: the same read shows whether a throttled attempt was applied.
  const ids: RequirementId[] = throttled ? ['NL-REJECTED-UNCHANGED', 'THR-WRITE-UNCHANGED'] : ['NL-REJECTED-UNCHANGED'];
  return unchangedVerdicts(ctx, state, read, ids, (problem, expected) => ({
    ...evidenceOf(
      batch.at(-1)!,
      read.observation,
      problem ? `after ${named}${throttled ? ' (throttled before its rejection)' : ''}: ${problem}` : '',
    ),
    expected: { summary: expected },
  }));
}

function rejectedChangedNothing(ctx: CheckContext, c: Case, state: UserState, obs: Observation): Promise<Verdict[]> {
  (state.pending ??= []).push(c);
  if (obs.throttled) state.pendingThrottled = true;
  return state.pending.length >= ctx.settings.rejectionBatch ? flushRejections(ctx, state) : Promise.resolve([]);
}

/** NL-OTHER-USERS-UNCHANGED: the second fixture user is as it was. */
async function otherUserUnchanged(ctx: CheckContext, c: Case, other: UserState | undefined): Promise<Verdict[]> {
  if (!other) return [];
  const read = await readState(ctx, other);
  return unchangedVerdicts(ctx, other, read, ['NL-OTHER-USERS-UNCHANGED'], (problem, expected) => ({
    ...evidenceOf(c, read.observation, problem ? `after an update of another user: ${problem}` : ''),
    expected: { summary: `${expected} (the other user)` },
  }));
}

/** Runs one case against the fixture user and returns every verdict it gives. */
export async function runCase(ctx: CheckContext, c: Case, state: UserState, other?: UserState): Promise<Verdict[]> {
  // A case that may be accepted changes the state: earlier rejections are read back first.
  const verdicts = c.expected.outcome === 'rejected' ? [] : await flushRejections(ctx, state);
  const obs = await sendCase(ctx, c);
  verdicts.push(...caseOutcomeVerdicts(ctx, c, obs), ...successEnvelope(ctx, c, obs));
  ctx.observe(obs, {
    caseId: c.id,
    input: c.body ?? c.wire.body,
    sensitiveValues: sensitiveValuesOf(ctx, c),
    protocolLevel: c.expected.outcome !== 'rejected' || c.expected.types === 'any',
    seed: c.replay?.seed,
    path: c.replay?.path,
    generator: c.replay?.generator,
    identityManagementType: c.identityManagementType,
  });
  const answer = answerOf(ctx.spec, obs);
  if (!answer || !aimsAt(c, state)) return verdicts;
  if (answer.succeeded) {
    // A case that had to be rejected and was accepted has failed already: its state is read once, not polled for (a
    // store that normalises what it took may never show the members as sent).
    const reading = c.expected.outcome === 'rejected' ? withoutWaiting(ctx) : ctx;
    verdicts.push(...(c.expected.outcome === 'accepted' ? await readBackAfterAccept(ctx, c, state) : await refresh(reading, c, state)));
    verdicts.push(...(await otherUserUnchanged(ctx, c, other)));
  } else {
    verdicts.push(...(await rejectedChangedNothing(ctx, c, state, obs)));
  }
  return verdicts;
}

/**
 * After an observed case (or one that had to be rejected) was accepted, the suite learns the new state without
 * judging it: it polls until the string members the case sent are visible (read-back may lag), and takes what it
 * reads then.
 */
async function refresh(ctx: CheckContext, c: Case, state: UserState): Promise<Verdict[]> {
  const sent = sentIdentity(ctx, c);
  // A target whose read-back already failed would cost the whole window here on every observed case: read once.
  const read = await pollIdentity(
    ctx.failed('RB-READBACK') ? withoutWaiting(ctx) : ctx,
    state.instanceId,
    state.userId,
    (info) => differingMembers(sent, info).length === 0,
  );
  if (read.info) advance(state, read.info);
  return [];
}

export const failed = (verdicts: Verdict[], ctx: CheckContext) =>
  verdicts.filter((v) => !v.pass && ctx.catalogue.get(v.requirementId).level !== 'OBSERVE');
