// Flow control, on every target (contract B18; issue 19): a throttled answer (429 of any error type, or 503) is never
// the answer to the request. The request is sent again after a backoff (exponential with jitter, or the target's
// Retry-After), and the send rate of the rest of the run is lowered (additive increase, multiplicative decrease). The
// request is judged on its first answer that is not throttling; the throttled attempts are handed to the run
// (onThrottled), which judges them only by what the contract says of throttling.
//
// Half-dead targets end fast: per operation, after a few requests in a row without a response (time-out, reset,
// refused), the operation is probed once with the last request of it that was answered with a rejection (sending it
// again changes nothing). A target that leaves only some inputs unanswered (a label it cannot decode, say) answers the
// probe, and the run goes on; one that answers nothing more of the operation does not, and the operation counts as
// stopped: no more of its requests are sent, they throw SendStopped('unanswered') naming the operation and the step
// where it stopped, and the run ends (its fixtures are restored if the target still answers). Every attempt, and the
// probe, goes through the target below, so the run's request and time bounds count it.
import type { Observation } from '../core/observation.ts';
import { hasAnswer, statusOf } from '../core/observation.ts';
import type { Signing, Target } from '../targets/index.ts';
import { SendStopped } from '../targets/index.ts';
import { realClock, retryAfterMs, type Clock } from '../targets/aws/index.ts';
import { operationOfRequest, type Spec } from '../spec/index.ts';

/** Statuses that are flow control, not an answer. */
export const THROTTLING_STATUSES: readonly number[] = [429, 503];

/** The throttling statuses in words, as the reports name them: "429 or 503". */
export const throttlingStatusText = (): string => THROTTLING_STATUSES.join(' or ');

export interface FlowSettings {
  /** First wait after a throttled answer, doubled on each further attempt (with jitter). */
  backoffMs: number;
  /** Longest single wait, whatever Retry-After says. */
  maxWaitMs: number;
  /** Attempts of one request that may be throttled before the run stops (the target throttles too much). */
  maxThrottledAttempts: number;
  /** Requests of one operation in a row without a response before that operation counts as stopped. */
  maxUnansweredInRow: number;
  /** Additive increase: how much the send rate grows (requests a second) with each answer that is not throttling. */
  increasePerAnswer: number;
}

// Locally the rate climbs back fast (an emulator's limit is tens or hundreds of requests a second, and one that throttles
// now and then whatever the rate must not slow the whole run to a crawl); against a real account slowly (its limit is a
// few requests a second: from 1 back to 2 takes ten answers).
export const LOCAL_FLOW: FlowSettings = {
  backoffMs: 50,
  maxWaitMs: 20_000,
  maxThrottledAttempts: 6,
  maxUnansweredInRow: 3,
  increasePerAnswer: 1,
};
export const SANDBOX_FLOW: FlowSettings = {
  backoffMs: 500,
  maxWaitMs: 20_000,
  maxThrottledAttempts: 6,
  maxUnansweredInRow: 3,
  increasePerAnswer: 0.1,
};

/** The lowest send rate the decrease goes to, requests a second. */
const MIN_RATE = 0.5;

/**
 * The send rate of a run, additive increase and multiplicative decrease: unbounded until the first throttled answer;
 * then half the rate measured over the last second, and half again at each later throttled answer (at most once per
 * wait); each answer that is not throttling adds `increase` requests a second.
 */
export class AdaptiveRate {
  /** Requests a second; Infinity: no pacing. */
  rate = Number.POSITIVE_INFINITY;
  private next = 0;
  private readonly recent: number[] = [];
  private lastDecrease = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly increaseBy = LOCAL_FLOW.increasePerAnswer,
  ) {}

  /** Waits until the next request may go. */
  async acquire(): Promise<void> {
    const now = this.clock.now();
    this.recent.push(now);
    if (this.recent.length > 256) this.recent.splice(0, this.recent.length - 256);
    if (this.rate === Number.POSITIVE_INFINITY) return;
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** A throttled answer: the rate is halved (from what was measured, the first time). */
  decrease(): void {
    const now = this.clock.now();
    if (now - this.lastDecrease < 1000 / Math.max(this.rate === Number.POSITIVE_INFINITY ? 1 : this.rate, MIN_RATE)) return;
    this.lastDecrease = now;
    const from = this.rate === Number.POSITIVE_INFINITY ? Math.max(this.measured(now), 2 * MIN_RATE) : this.rate;
    this.rate = Math.max(MIN_RATE, from / 2);
  }

  /** Requests a second over the last second (or since the first request, if that is sooner; at least 100 ms). */
  private measured(now: number): number {
    const within = this.recent.filter((t) => t > now - 1000);
    if (within.length < 2) return within.length;
    return (within.length * 1000) / Math.max(100, now - within[0]!);
  }

  /** An answer that is not throttling. */
  increase(): void {
    if (this.rate !== Number.POSITIVE_INFINITY) this.rate += this.increaseBy;
  }
}

/** What flow control did in a run, for results.json (execution.flow). */
export interface FlowStats {
  /** Answers that were throttling (429 or 503), each followed by a wait and another attempt. */
  throttled: number;
  /** The same, per plan step (the fixtures' set-up and restore under their own names). */
  throttledBySteps: Record<string, number>;
  /** Time spent waiting after throttled answers, ms. */
  waitedMs: number;
  /** The send rate at the end of the run, requests a second; null when the run was never throttled. */
  rate: number | null;
  /** Requests that got no response. */
  unanswered: number;
  /** Operations that stopped answering, with the step at which they did. */
  stoppedOperations: { operation: string; step: string; message: string }[];
  /** Probes of an operation after requests in a row without a response, and how many the target answered. */
  probes: { sent: number; answered: number };
}

export interface FlowOptions {
  spec: Spec;
  settings: FlowSettings;
  clock?: Clock;
  /** When the run's time budget ends (Date.now() ms): a wait that would pass it stops the run instead. */
  deadline?: number;
  /** Called with each throttled answer (the run judges it by contract B18). */
  onThrottled?: (observation: Observation) => void;
}

/** The operation an SDK command calls, from its class name (DescribeUserCommand: DescribeUser). */
const operationOfCommand = (command: object): string => command.constructor.name.replace(/Command$/, '');

export class FlowControl {
  readonly rate: AdaptiveRate;
  readonly stats: FlowStats = {
    throttled: 0,
    throttledBySteps: {},
    waitedMs: 0,
    rate: null,
    unanswered: 0,
    stoppedOperations: [],
    probes: { sent: 0, answered: 0 },
  };
  /** The step the next requests belong to (for counts and messages). */
  step = 'fixtures';
  private readonly inRow = new Map<string, number>();
  /** Per operation, the last request answered with a rejection (a 4xx): sending it again changes nothing. */
  private readonly lastRejected = new Map<string, () => Promise<Observation>>();
  private readonly stopped = new Map<string, string>();
  /** Operations given one more attempt after they stopped answering (the restore). */
  private readonly lastChance = new Set<string>();
  private readonly clock: Clock;

  constructor(private readonly options: FlowOptions) {
    this.clock = options.clock ?? realClock;
    this.rate = new AdaptiveRate(this.clock, options.settings.increasePerAnswer);
  }

  /** The target with flow control on both channels. */
  wrap(target: Target): Target {
    return {
      ...target,
      send: (command) => this.attempts(operationOfCommand(command), () => target.send(command)),
      raw: (request, signing?: Signing) =>
        this.attempts(operationOfRequest(this.options.spec, request) ?? `${request.method} ${request.path.split('?', 1)[0]}`, () =>
          target.raw(request, signing),
        ),
    };
  }

  /** Whether an operation stopped answering. */
  stoppedMessage(operation: string): string | undefined {
    return this.stopped.get(operation);
  }

  /** Every stopped operation gets one more attempt (the restore may still get through). */
  allowOneMore(): void {
    for (const op of this.stopped.keys()) {
      this.inRow.set(op, this.options.settings.maxUnansweredInRow - 1);
      this.lastChance.add(op);
    }
    this.stopped.clear();
  }

  private async attempts(operation: string, send: () => Promise<Observation>): Promise<Observation> {
    const stopped = this.stopped.get(operation);
    if (stopped) throw new SendStopped('unanswered', stopped);
    const { settings } = this.options;
    for (let throttled = 0; ; ) {
      await this.rate.acquire();
      const observation = await send();
      const status = statusOf(observation);
      if (status !== undefined && THROTTLING_STATUSES.includes(status)) {
        throttled++;
        this.stats.throttled++;
        this.stats.throttledBySteps[this.step] = (this.stats.throttledBySteps[this.step] ?? 0) + 1;
        this.options.onThrottled?.(observation);
        this.rate.decrease();
        this.stats.rate = this.rate.rate;
        if (throttled >= settings.maxThrottledAttempts) {
          throw new SendStopped(
            'throttled',
            `the target throttled every one of ${throttled} attempts of ${operation} at step ${this.step} (${status}): it throttles too much for the plan to finish; run again later, or lower its load`,
          );
        }
        await this.wait(this.backoff(throttled, observation), operation);
        continue;
      }
      await this.count(operation, observation, send);
      return throttled ? { ...observation, throttled } : observation;
    }
  }

  private async count(operation: string, observation: Observation, send: () => Promise<Observation>): Promise<void> {
    if (hasAnswer(observation)) {
      this.inRow.set(operation, 0);
      const status = statusOf(observation);
      if (status !== undefined && status >= 400 && status < 500) this.lastRejected.set(operation, send);
      this.rate.increase();
      if (this.stats.rate !== null) this.stats.rate = this.rate.rate;
      return;
    }
    this.stats.unanswered++;
    const n = (this.inRow.get(operation) ?? 0) + 1;
    this.inRow.set(operation, n);
    if (n < this.options.settings.maxUnansweredInRow) return;
    // The one more attempt after a stop is its own probe: it is not probed again.
    if (!this.lastChance.has(operation) && (await this.answersProbe(operation))) {
      this.inRow.set(operation, 0);
      return;
    }
    const message = `the target stopped answering ${operation} at step ${this.step} (${n} requests in a row without a response, and no answer to a request it had answered before; the last: ${observation.transportError ?? 'no response'})`;
    this.stopped.set(operation, message);
    this.stats.stoppedOperations.push({ operation, step: this.step, message });
  }

  /** Sends again the last request of the operation that was answered with a rejection; whether it is answered now. */
  private async answersProbe(operation: string): Promise<boolean> {
    const probe = this.lastRejected.get(operation);
    if (!probe) return false;
    this.stats.probes.sent++;
    await this.rate.acquire();
    const answered = hasAnswer(await probe());
    if (answered) this.stats.probes.answered++;
    else this.stats.unanswered++;
    return answered;
  }

  private backoff(attempt: number, observation: Observation): number {
    const told = retryAfterMs(observation.response?.headers['retry-after']);
    const own = this.options.settings.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    return Math.min(this.options.settings.maxWaitMs, told ?? own);
  }

  private async wait(ms: number, operation: string): Promise<void> {
    const { deadline } = this.options;
    if (deadline !== undefined && Date.now() + ms > deadline) {
      throw new SendStopped(
        'throttled',
        `the time budget ran out while the target throttled ${operation} at step ${this.step} (the next attempt was due in ${Math.round(ms)} ms)`,
      );
    }
    this.stats.waitedMs += ms;
    await this.clock.sleep(ms);
  }
}
