// The whole-run bounds and the engine's own count of what a run sends, for every kind of target.
import { SendStopped, type Target } from '../../targets/index.ts';

/**
 * The whole-run bounds, for every kind of target: no request of the checks beyond `maxRequests` (a real account's
 * envelope keeps its own budget, with a reserve), none after `maxSeconds`. The restore is never stopped by them.
 */
export class RunBounds {
  sent = 0;
  restoring = false;
  /** When the time budget ends (Date.now() ms). */
  readonly deadline: number;

  constructor(
    private readonly maxRequests: number | undefined,
    private readonly maxSeconds: number,
  ) {
    this.deadline = Date.now() + maxSeconds * 1000;
  }

  /** Counts one request; throws SendStopped('budget') when the checks may send no more. */
  take(): void {
    if (!this.restoring) {
      if (this.maxRequests !== undefined && this.sent >= this.maxRequests)
        throw new SendStopped('budget', `the request budget ran out (--max-requests ${this.maxRequests}: ${this.sent} sent)`);
      if (Date.now() > this.deadline)
        throw new SendStopped('budget', `the time budget ran out (--max-seconds ${this.maxSeconds}: ${this.sent} requests sent)`);
    }
    this.sent++;
  }
}

/** Wraps a target's channels to count what the run sends (the engine's own count, for every kind of target). */
export function counted(target: Target, onRequest: () => void): Target {
  return {
    ...target,
    send: (command) => {
      onRequest();
      return target.send(command);
    },
    raw: (request, signing) => {
      onRequest();
      return target.raw(request, signing);
    },
  };
}
