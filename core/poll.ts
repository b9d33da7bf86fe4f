// How the suite waits for an eventually consistent target: a poll schedule (exponential backoff within a window),
// shared by read-back, the "unchanged" checks and the restore of fixtures.

/** From `firstMs`, each wait `factor` times the last, at most `maxMs`, until `windowMs` have been waited. */
export interface PollSchedule {
  windowMs: number;
  firstMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_POLL: PollSchedule = { windowMs: 3000, firstMs: 25, factor: 2, maxMs: 800 };

/** The waits of a poll schedule, in order, until the window closes. */
export function* pollWaits(schedule: PollSchedule): Generator<number> {
  let waited = 0;
  let next = schedule.firstMs;
  while (waited < schedule.windowMs) {
    const wait = Math.max(1, Math.min(next, schedule.maxMs, schedule.windowMs - waited));
    yield wait;
    waited += wait;
    next *= schedule.factor;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `read` until `done` holds of what it returns or the window closes; returns the last reading and whether it held. */
export async function pollUntil<T>(
  schedule: PollSchedule,
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<{ ok: boolean; value: T }> {
  let value = await read();
  if (done(value)) return { ok: true, value };
  for (const wait of pollWaits(schedule)) {
    await sleep(wait);
    value = await read();
    if (done(value)) return { ok: true, value };
  }
  return { ok: false, value };
}
