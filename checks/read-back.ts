// Read-back through DescribeUser, polled within a bounded window (RB-READBACK: it may be eventually consistent), and
// the comparison of identity infos that the state checks share.
import type { Observation } from '../core/observation.ts';
import type { RequirementId } from '../spec/index.ts';
import { pollUntil } from '../core/poll.ts';
import { sameMemberValue } from '../core/binding.ts';
import { advance, describeDifference, legitimate, sameInfo, stateOf, type ReadState } from './consistency.ts';
import type { CheckContext, EffectState, UserState } from './context.ts';
import { fail, pass, type Evidence, type Verdict } from './verdict.ts';

export interface ReadBack {
  ok: boolean;
  info?: EffectState;
  observation: Observation;
}

/** Members of `expected` that `actual` does not hold with the same JSON type and value (a string byte for byte). */
export function differingMembers(expected: EffectState, actual: EffectState | undefined): string[] {
  return Object.keys(expected).filter((k) => !sameMemberValue(actual?.[k], expected[k]));
}

/** Polls DescribeUser until `matches` holds or the window closes; returns the last reading. */
export async function pollIdentity(
  ctx: CheckContext,
  instanceId: string,
  userId: string,
  matches: (info: EffectState) => boolean,
): Promise<ReadBack> {
  const { ok, value } = await pollUntil(
    ctx.settings.poll,
    () => ctx.readIdentity(instanceId, userId),
    (r) => !!r.info && matches(r.info),
  );
  return { ok, ...value };
}

/** Every member in `sent` is read back unchanged. */
export const readBackHolds = (ctx: CheckContext, instanceId: string, userId: string, sent: EffectState) =>
  pollIdentity(ctx, instanceId, userId, (info) => differingMembers(sent, info).length === 0);

/** One read of a user, and which kind of state it shows against the model (checks/consistency.ts). A read that got no
 * identity info (no response, an error) has no `state`: it proves nothing either way (the read's own answer is judged
 * by SRV-AVAILABLE, SRV-NO-5XX and the FX- requirements), and the checks give no verdict on it. */
export interface StateRead {
  info?: EffectState;
  observation: Observation;
  state?: ReadState;
  supersededMsAgo?: number;
}

export async function readState(ctx: CheckContext, user: UserState): Promise<StateRead> {
  const { info, observation } = await ctx.readIdentity(user.instanceId, user.userId);
  return info ? { info, observation, ...stateOf(ctx, user, info) } : { observation };
}

/**
 * The verdict of a requirement that says a request changed nothing (a rejection, an update of another user, a refused
 * signature, a throttled attempt), from one read: the newest version, or an earlier one a stale replica may still show,
 * passes; a state no accepted update produced fails it, and becomes the user's known state (so that later checks judge
 * from what the target holds, and a change is blamed once, on the request after which it was seen). So does an earlier
 * version superseded longer ago than the window: the request after which it shows wrote those values back.
 */
export function unchangedVerdicts(
  _ctx: CheckContext,
  user: UserState,
  read: StateRead,
  requirementIds: readonly RequirementId[],
  evidence: (problem: string, expected: string) => Evidence,
): Verdict[] {
  if (!read.info || !read.state) return [];
  const before = user.info;
  const expected = `DescribeUser returns ${JSON.stringify(before)}${user.earlier?.length ? ' (or, within the read-back window, a version an earlier accepted update produced)' : ''}`;
  if (legitimate(read.state)) return requirementIds.map((id) => pass(id, evidence('', expected).caseId));
  advance(user, read.info);
  const problem =
    read.state === 'stale-too-long'
      ? `user ${user.userId} changed back: ${describeDifference(before, read.info)}, the version an accepted update replaced ${read.supersededMsAgo} ms before (longer ago than the read-back window allows a replica to lag)`
      : `user ${user.userId} changed: ${describeDifference(before, read.info)}, a state no accepted update produced`;
  return requirementIds.map((id) => fail(id, { ...evidence(problem, expected), observation: read.observation }));
}

/**
 * After a request that should have been refused was accepted: whatever it changed is its own doing. The user is read
 * (polling: the write may show late) until it differs from the newest version, and the change becomes the user's known
 * state, so that no later check blames it on a late write. Returns the change, in words ('' when none showed).
 */
export async function learnChange(ctx: CheckContext, user: UserState): Promise<string> {
  const before = user.info;
  const read = await pollIdentity(ctx, user.instanceId, user.userId, (info) => !sameInfo(info, before));
  if (!read.ok || !read.info) return '';
  advance(user, read.info);
  return describeDifference(before, read.info);
}
