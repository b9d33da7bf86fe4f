// Consistency as a model, not a delay (contract B11; docs/consistency.md). A read of a user may legitimately show the
// version its last accepted update produced, or, within the read-back window after that update, any version an
// earlier accepted update produced: reads may come from replicas that lag, and one replica may be further behind
// than the one read before it (a read may go back in time). What is judged is a read that shows a state no accepted
// update produced, or, once a whole window has passed without a write, a state other than the newest.
//
// A user's known state (UserState) keeps the newest version and the earlier ones with the time each stopped being the
// newest; the checks move it forward (advance) when an accepted update's read-back shows the new version, and ask
// which kind of state a read shows (stateOf).
import { sameMemberValue } from '../core/binding.ts';
import type { CheckContext, EffectState, UserState } from './context.ts';

/** Earlier versions kept per user: far more than a read-back window can hold for the suite's pace of writes. */
const MAX_EARLIER = 64;

/** Both hold the same members with the same values. */
export function sameInfo(a: EffectState, b: EffectState): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameMemberValue(a[k], b[k]));
}

/**
 * What a read shows, against the model:
 * - `newest`: the version the last accepted update produced (or the snapshot, before any);
 * - `earlier`: a version an earlier accepted update produced, superseded less than a read-back window ago (a stale
 *   replica: legitimate);
 * - `stale-too-long`: an earlier version, superseded longer ago than the window allows (the update after it was
 *   lost, or reads have not settled);
 * - `foreign`: a state no accepted update produced (a rejected request, or another user's update, was applied).
 */
export type ReadState = 'newest' | 'earlier' | 'stale-too-long' | 'foreign';

/** How long an earlier version may still be read: the read-back window, 0 for a target whose reads are consistent. */
export const staleWindowMs = (ctx: CheckContext): number => (ctx.target.consistent ? 0 : ctx.settings.poll.windowMs);

/** Which kind of state `info` is for this user, now. */
export function stateOf(
  ctx: CheckContext,
  user: UserState,
  info: EffectState,
  now = Date.now(),
): { state: ReadState; supersededMsAgo?: number } {
  if (sameInfo(user.info, info)) return { state: 'newest' };
  const version = (user.earlier ?? []).findLast((v) => sameInfo(v.info, info));
  if (!version) return { state: 'foreign' };
  const ago = now - version.until;
  return { state: ago <= staleWindowMs(ctx) ? 'earlier' : 'stale-too-long', supersededMsAgo: ago };
}

/** A read that may legitimately be seen now (the newest version, or an earlier one within the window). */
export const legitimate = (s: ReadState): boolean => s === 'newest' || s === 'earlier';

/** The user now holds `info` (an accepted update produced it, or a read showed it): the newest version moves on. */
export function advance(user: UserState, info: EffectState, now = Date.now()): void {
  if (sameInfo(user.info, info)) return;
  const earlier = (user.earlier ??= []);
  earlier.push({ info: user.info, until: now });
  if (earlier.length > MAX_EARLIER) earlier.splice(0, earlier.length - MAX_EARLIER);
  user.info = info;
}

/** The members by which `info` differs from the newest version, as a person reads them. */
export function describeDifference(newest: EffectState, info: EffectState): string {
  const names = [...new Set([...Object.keys(newest), ...Object.keys(info)])].filter((m) => !sameMemberValue(newest[m], info[m]));
  return names
    .map((m) => `${m} ${m in info ? JSON.stringify(info[m]) : 'absent'} (was ${m in newest ? JSON.stringify(newest[m]) : 'absent'})`)
    .join(', ');
}
