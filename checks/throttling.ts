// Throttling (contract B18): a throttled answer is flow control, sent again by the run (engine/flow-control.ts), and
// judged only by what the contract says of it: a 429 carries a throttling error type (THR-429-TYPE, SHOULD: judged on
// every 429, checks/error-envelope.ts throttledAsDeclared), and a throttled update changes nothing (THR-WRITE-UNCHANGED,
// MUST: judged by the read that follows a throttled update that was then rejected, checks/cases.ts flushRejections,
// and here, when the target throttled so much that the run stopped, by a read of every fixture user's settled state
// before the restore).
import { sleep } from '../core/poll.ts';
import { staleWindowMs } from './consistency.ts';
import type { CheckContext, Fixture } from './context.ts';
import { readState, unchangedVerdicts } from './read-back.ts';
import type { ResponseRule } from './response-rule.ts';
import type { Verdict } from './verdict.ts';

/** Judged on every throttled answer: a 429 (checks/error-envelope.ts throttledAsDeclared). */
const THROTTLED_ANSWER_RULE: ResponseRule = { proves: 'THR-429-TYPE', judges: 'throttled' };
/** Judged on every update that was throttled: by the read after it (checks/cases.ts flushRejections), or below. */
const THROTTLED_UPDATE_RULE: ResponseRule = { proves: 'THR-WRITE-UNCHANGED', judges: 'throttled' };
export const THROTTLING_RULES: readonly ResponseRule[] = [THROTTLED_ANSWER_RULE, THROTTLED_UPDATE_RULE];

/** THR-WRITE-UNCHANGED once the run stopped on throttling: every fixture user still shows a state accepted updates produced. */
export async function throttledUpdatesChangedNothing(ctx: CheckContext, fixtures: Fixture[], stop: string): Promise<Verdict[]> {
  // A throttled update may write values an earlier accepted one wrote too, which a stale replica could also show: read
  // the settled state, a whole window after the last request, when only the newest version is legitimate.
  const windowMs = staleWindowMs(ctx);
  if (windowMs > 0) await sleep(windowMs);
  const verdicts: Verdict[] = [];
  for (const f of fixtures) {
    for (const user of [f.user, f.other]) {
      if (!user) continue;
      const read = await readState(ctx, user);
      verdicts.push(
        ...unchangedVerdicts(ctx, user, read, ['THR-WRITE-UNCHANGED'], (problem, expected) => ({
          caseId: 'throttled:stop',
          input: undefined,
          observation: read.observation,
          expected: { summary: expected },
          problem: problem ? `after the run stopped (${stop}): ${problem}: a throttled update was applied` : '',
          identityManagementType: f.set.identityManagementType,
        })),
      );
    }
  }
  return verdicts;
}
