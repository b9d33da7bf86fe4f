// The one engine: runConformance(options) runs in the calling process, for every kind of target, and returns
// Results. The CLI, the vitest adapter and the library are its front ends; none of them runs checks of its own.
//
// One run is a sequence of stages (engine/stages/), each a function of the run's state (stages/state.ts), in order:
//
//   open       the spec, the configuration, the policy; the target (a real account's behind its safety envelope),
//              counted and behind flow control; what differs by the kind of target, decided once (stages/traits.ts)
//   preflight  the target is reachable, the fixtures are what the configuration says; their snapshot, once
//   steps      the plan of each fixture set, chosen by the policy; each step in turn (a step that throws leaves its
//              requirements `error`; a step the bounds, an interruption or the target stopped ends the run)
//   settle     when the run stopped early: what throttling left, and the requirements no case reached
//   restore    the fixtures restored once, and verified, whatever happened before
//   close      the target, the journal and the recording closed, however the run ended
//   finish     the results, with the verdict computed from what was planned
import type { OperationBinding } from '../core/binding.ts';
import type { RunOptions } from './options.ts';
import type { Results } from './results.ts';
import { openRun, type EngineOverrides } from './stages/open.ts';
import { preflightRun } from './stages/preflight.ts';
import { closeRun, restoreRun } from './stages/restore.ts';
import { settleRun } from './stages/settle.ts';
import { runSteps } from './stages/steps.ts';
import { finishRun } from './stages/finish.ts';

export { pollScheduleOf, type EngineOverrides } from './stages/open.ts';
export { selectSteps } from './stages/steps.ts';

/** A run of the operation `options.binding` names (the front ends give the default one's: api/run.ts). */
export async function runConformance(
  options: RunOptions & { binding: OperationBinding },
  overrides: EngineOverrides = {},
): Promise<Results> {
  const run = await openRun(options, overrides);
  try {
    if (await preflightRun(run)) {
      try {
        await runSteps(run);
        await settleRun(run);
      } finally {
        await restoreRun(run);
      }
    }
  } finally {
    await closeRun(run);
  }
  return finishRun(run);
}
