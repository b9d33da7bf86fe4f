// Stage 4, settle: when the run stopped before its plan was done, what it leaves is decided before the restore writes
// anything. After throttling stopped it, the fixture users' settled state shows whether a throttled update was applied
// (checks/throttling.ts). Every applicable requirement no case reached is then an error (the target stopped the run:
// what the plan was still to check, and what every response is judged by) or a skip (the run's own bounds or an
// interruption stopped it), with the reason. The throttling requirements keep their own (only a throttled answer
// reaches them).
import { THROTTLING_RULES, throttledUpdatesChangedNothing } from '../../checks/throttling.ts';
import { targetStopped } from '../../targets/index.ts';
import { RUN_STOPPED } from '../ledger.ts';
import { RESPONSE_REQUIREMENTS } from '../plan.ts';
import { checkContextOf } from './open.ts';
import { record, skip, wants, type RunState } from './state.ts';

export async function settleRun(run: RunState): Promise<void> {
  const { stop } = run;
  if (!stop) return;
  if (stop.error.kind === 'throttled') await judgeWhatThrottlingLeft(run, stop.at);
  run.execution.stopped = stop.error.message;
  run.emit({ type: 'stopped', reason: stop.error.message });
  const judgedOnEveryResponse = new Set(RESPONSE_REQUIREMENTS);
  const judgedOnThrottledAnswers = new Set<string>(THROTTLING_RULES.map((r) => r.proves));
  for (const r of run.spec.requirements) {
    if (!r.appliesTo.some((t) => run.types.includes(t)) || judgedOnThrottledAnswers.has(r.id)) continue;
    if ((run.ledger.entries[r.id]?.cases ?? 0) > 0) continue;
    if (!targetStopped(stop.error)) skip(run, r.id, `not reached: ${stop.error.message}`);
    else if (stop.unfinished.has(r.id) || judgedOnEveryResponse.has(r.id))
      run.ledger.error(
        [r.id].filter((id) => wants(run, id)),
        RUN_STOPPED,
        stop.error.message,
      );
  }
}

/** What the throttled updates left behind, judged as part of the step throttling stopped. */
async function judgeWhatThrottlingLeft(run: RunState, step: string | undefined): Promise<void> {
  run.currentStep = step;
  record(run, await throttledUpdatesChangedNothing(checkContextOf(run), run.fixtures, run.stop!.error.message).catch(() => []));
  run.currentStep = undefined;
}
