// Read-back through DescribeUser, polled within a bounded window (contract rule 11: it may be eventually
// consistent), and the comparison of identity infos that the state checks share.
import type { Observation } from '../../targets/index.ts';
import type { IdentityInfo, Session } from '../session.ts';

export interface ReadBack {
  ok: boolean;
  info?: IdentityInfo;
  observation: Observation;
}

const POLL_INTERVAL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Members of `expected` that `actual` does not hold byte for byte. */
export function differingMembers(expected: IdentityInfo, actual: IdentityInfo | undefined): string[] {
  return Object.keys(expected).filter((k) => actual?.[k] !== expected[k]);
}

/** Polls DescribeUser until `matches` holds or the window closes; returns the last reading. */
export async function pollIdentity(session: Session, instanceId: string, userId: string, matches: (info: IdentityInfo) => boolean): Promise<ReadBack> {
  const deadline = Date.now() + session.config.readBackWindowMs;
  for (;;) {
    const { info, observation } = await session.readIdentity(instanceId, userId);
    if (info && matches(info)) return { ok: true, info, observation };
    if (Date.now() >= deadline) return { ok: false, info, observation };
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Every member in `sent` is read back unchanged. */
export const readBackHolds = (session: Session, instanceId: string, userId: string, sent: IdentityInfo) =>
  pollIdentity(session, instanceId, userId, (info) => differingMembers(sent, info).length === 0);

/** The identity info is still exactly `before` (read once: a rejected request must not have written anything). */
export async function unchangedSince(session: Session, instanceId: string, userId: string, before: IdentityInfo): Promise<ReadBack> {
  const { info, observation } = await session.readIdentity(instanceId, userId);
  const same = !!info && differingMembers(before, info).length === 0 && differingMembers(info, before).length === 0;
  return { ok: same, info, observation };
}
