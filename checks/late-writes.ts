// No write lands late (NL-REJECTED-UNCHANGED, NL-OTHER-USERS-UNCHANGED): the "unchanged" checks after each request
// read at once, which a target that applies a rejected request (or another user's update) a few hundred ms late
// would pass. So, once every step that ends in a rejection has run, every fixture user is read at the start and at
// the end of a whole read-back window, and must still read as last known: a write that lands late is seen.
import { sleep } from '../core/poll.ts';
import type { CheckContext, Fixture, UserState } from './context.ts';
import { differingMembers } from './read-back.ts';
import { fail, pass, type Verdict } from './verdict.ts';

export const LATE_WRITE_REQUIREMENTS = ['NL-REJECTED-UNCHANGED', 'NL-OTHER-USERS-UNCHANGED'];

const changed = (before: UserState['info'], after: UserState['info'] | undefined) => !after || differingMembers(before, after).length > 0 || differingMembers(after, before).length > 0;

/** Holds every fixture user of `fixtures` for one read-back window; a user whose identity info changes fails. */
export async function noLateWrites(ctx: CheckContext, fixtures: Fixture[]): Promise<Verdict[]> {
  const watched = fixtures.flatMap((f) => [
    { f, state: f.user, requirementId: 'NL-REJECTED-UNCHANGED', what: 'the rejected requests' },
    ...(f.other ? [{ f, state: f.other, requirementId: 'NL-OTHER-USERS-UNCHANGED', what: 'the updates of another user' }] : []),
  ]);
  const verdicts = new Map<UserState, Verdict>();
  const started = Date.now();
  // Read at the start and at the end of the window: a write that lands within it shows at the end (two reads a
  // user, which a real account's budget can afford).
  // A target whose reads reflect every write at once (targets' `consistent`) has nothing that could land late.
  const windowMs = ctx.target.consistent ? 0 : ctx.settings.poll.windowMs;
  for (const wait of windowMs > 0 ? [0, windowMs] : [0]) {
    if (wait) await sleep(wait);
    for (const { f, state, requirementId, what } of watched) {
      if (verdicts.get(state)?.pass === false) continue;
      const { info, observation } = await ctx.readIdentity(state.instanceId, state.userId);
      if (!changed(state.info, info)) {
        verdicts.set(state, pass(requirementId, 'hold:late-writes'));
        continue;
      }
      verdicts.set(
        state,
        fail(requirementId, {
          caseId: 'hold:late-writes',
          input: undefined,
          observation,
          expected: { summary: `DescribeUser still returns ${JSON.stringify(state.info)} for ${windowMs} ms after the last request` },
          problem: `user ${state.userId} read ${JSON.stringify(info)} ${Date.now() - started} ms after the last request: a write landed late, after ${what}`,
          identityManagementType: f.set.identityManagementType,
        }),
      );
    }
  }
  return [...verdicts.values()];
}
