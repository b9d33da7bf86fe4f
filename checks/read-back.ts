// Read-back through DescribeUser, polled within a bounded window (RB-READBACK: it may be eventually consistent), and
// the comparison of identity infos that the state checks share.
import type { Observation } from '../core/observation.ts';
import { pollUntil } from '../core/poll.ts';
import type { CheckContext, IdentityInfo } from './context.ts';

export interface ReadBack {
  ok: boolean;
  info?: IdentityInfo;
  observation: Observation;
}

/** Members of `expected` that `actual` does not hold byte for byte. */
export function differingMembers(expected: IdentityInfo, actual: IdentityInfo | undefined): string[] {
  return Object.keys(expected).filter((k) => actual?.[k] !== expected[k]);
}

/** Polls DescribeUser until `matches` holds or the window closes; returns the last reading. */
export async function pollIdentity(ctx: CheckContext, instanceId: string, userId: string, matches: (info: IdentityInfo) => boolean): Promise<ReadBack> {
  const { ok, value } = await pollUntil(ctx.settings.poll, () => ctx.readIdentity(instanceId, userId), (r) => !!r.info && matches(r.info));
  return { ok, ...value };
}

/** Every member in `sent` is read back unchanged. */
export const readBackHolds = (ctx: CheckContext, instanceId: string, userId: string, sent: IdentityInfo) =>
  pollIdentity(ctx, instanceId, userId, (info) => differingMembers(sent, info).length === 0);

/**
 * The identity info is still exactly `before` (read once: a rejected request must not have written anything). A read
 * that got no identity info (no response, an error) proves nothing either way: callers give no verdict then (the
 * read's own answer is judged by SRV-AVAILABLE, SRV-NO-5XX and the FX- requirements).
 */
export async function unchangedSince(ctx: CheckContext, instanceId: string, userId: string, before: IdentityInfo): Promise<ReadBack> {
  const { info, observation } = await ctx.readIdentity(instanceId, userId);
  const same = !!info && differingMembers(before, info).length === 0 && differingMembers(info, before).length === 0;
  return { ok: same, info, observation };
}
