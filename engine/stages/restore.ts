// Stage 5, restore: the fixtures are restored once, and verified, whatever the steps did: the run's bounds do not stop
// it, and flow control gives an operation that stopped answering one more attempt. Then the run closes: the target
// (unless it was handed in), the journal and the recording (sandbox.ts).
import type { RunState } from './state.ts';

export async function restoreRun(run: RunState): Promise<void> {
  run.labels?.name('restore');
  run.flow.step = 'restore';
  run.flow.allowOneMore();
  run.bounds.restoring = true;
  run.restore = await run.lifecycle!.restore();
  for (const n of run.restore) run.emit({ type: 'restored', userId: n.userId, restored: n.restored, note: n.note });
}

/** Releases what the run opened; runs however the run ended. */
export async function closeRun(run: RunState): Promise<void> {
  run.options.signal?.removeEventListener('abort', run.onAbort);
  if (!run.targetHandedIn) await run.target.close();
  run.sandbox?.finish(run.restore);
}
