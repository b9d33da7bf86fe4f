// The safety envelope every request of an aws (or replay) target passes through, from either channel, in this
// order: interruption, the guard (refuses locally), the budget (a hard count, with a reserve kept for restore and
// cleanup), the token bucket (one for the whole run), the send, the recorder; a dropped connection or a time-out is
// retried (every retry is a request: it takes a token and counts against the budget). A throttled answer (429) is
// counted and handed up: the run's flow control (engine/flow-control.ts) backs off, slows down and sends it again, as
// on every target. The envelope never provokes throttling: its bucket is the ceiling of the run's rate.
import type { Guard } from '../guard/guard.ts';
import type { Transport } from '../raw-channel.ts';
import { SendStopped } from '../stop.ts';
import { text, type WireRequest, type WireResponse } from '../../core/wire.ts';
import { realClock, type Clock, type TokenBucket } from './bucket.ts';
import type { Recorder } from './cassette.ts';

/** A hard count of requests. The run phase may use max - reserve; restore and cleanup may use the reserve too. */
export class Budget {
  sent = 0;
  phase: 'run' | 'restore' = 'run';

  constructor(
    readonly max: number,
    public reserve = 0,
  ) {}

  get limit(): number {
    return this.phase === 'run' ? Math.max(0, this.max - this.reserve) : this.max;
  }

  /** True once the run phase can send nothing more. */
  get spent(): boolean {
    return this.sent >= Math.max(0, this.max - this.reserve);
  }

  take(): void {
    if (this.sent >= this.limit) {
      throw new SendStopped(
        'budget',
        this.phase === 'run'
          ? `the request budget ran out (--max-requests ${this.max}: ${this.sent} sent, ${this.reserve} kept for restoring the fixtures)`
          : `the request budget ran out during restore (--max-requests ${this.max}, all ${this.sent} sent)`,
      );
    }
    this.sent++;
  }
}

export interface RetryPolicy {
  /** Retries of a request that got no response: connection dropped or refused, time-out (default 2). */
  transport: number;
  /** First backoff, doubled on each retry (default 500 ms). */
  backoffMs: number;
  /** Longest single wait (default 20 s). */
  maxWaitMs: number;
}

const DEFAULT_RETRIES: RetryPolicy = { transport: 2, backoffMs: 500, maxWaitMs: 20_000 };

export interface SafetyEnvelopeOptions {
  guard: Guard;
  budget: Budget;
  bucket: TokenBucket;
  retries?: Partial<RetryPolicy>;
  /** For retry waits (the bucket has its own). */
  clock?: Clock;
  recorder?: Recorder;
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class SafetyEnvelope {
  readonly guard: Guard;
  readonly budget: Budget;
  readonly bucket: TokenBucket;
  readonly retries: RetryPolicy;
  readonly recorder?: Recorder;
  private readonly clock: Clock;
  /** 429s that went through (the run's flow control sends each again, or stops). */
  readonly throttled: { request: WireRequest; response: WireResponse }[] = [];
  /** Retries after a request got no response. */
  transportRetries = 0;
  private interruption?: string;
  /** What the run is doing, as the run names it (a step, a case, `restore`): requests are counted per label. The
   * envelope knows nothing of requirements; the engine knows what each label checks (engine/request-labels.ts). */
  private context = 'session';
  /** Requests sent per label, in the order the labels first sent one. */
  readonly requestsByLabel = new Map<string, number>();

  constructor(options: SafetyEnvelopeOptions) {
    this.guard = options.guard;
    this.budget = options.budget;
    this.bucket = options.bucket;
    this.retries = { ...DEFAULT_RETRIES, ...options.retries };
    this.clock = options.clock ?? realClock;
    this.recorder = options.recorder;
  }

  /** Names what the next requests belong to. */
  setContext(label: string): void {
    this.context = label;
  }

  get currentContext(): string {
    return this.context;
  }

  /** Stops the run phase: its next request throws; restore and cleanup still run. */
  interrupt(reason: string): void {
    this.interruption ??= reason;
  }

  get interrupted(): string | undefined {
    return this.interruption;
  }

  /** From now on the reserve may be used: restore and cleanup. */
  beginRestore(): void {
    this.budget.phase = 'restore';
  }

  private count(): void {
    this.requestsByLabel.set(this.context, (this.requestsByLabel.get(this.context) ?? 0) + 1);
  }

  private backoff(attempt: number): number {
    return Math.min(this.retries.maxWaitMs, this.retries.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2));
  }

  /** Sends one request through the envelope; `scope` is the origin it goes to (for the recorder). */
  async send(request: WireRequest, transport: Transport, scope: string): Promise<WireResponse> {
    if (this.interruption && this.budget.phase === 'run') throw new SendStopped('interrupted', `interrupted (${this.interruption})`);
    this.guard.check(request);
    const operation = this.guard.operation(request);
    for (let attempt = 0; ; attempt++) {
      this.budget.take();
      await this.bucket.take();
      this.count();
      let response: WireResponse;
      try {
        response = await transport(request);
      } catch (e) {
        if (e instanceof SendStopped) throw e;
        // CreateUser is not repeated blindly: a lost answer may hide a user that now exists (the journal names it).
        if (attempt < this.retries.transport && operation !== 'CreateUser') {
          this.transportRetries++;
          await this.clock.sleep(this.backoff(attempt));
          continue;
        }
        throw e;
      }
      this.recorder?.record(scope, request, response);
      if (response.statusCode === 429) this.throttled.push({ request, response });
      if (operation === 'CreateUser' && response.statusCode >= 200 && response.statusCode < 300) this.learnCreated(response);
      return response;
    }
  }

  private learnCreated(response: WireResponse): void {
    try {
      const id = (JSON.parse(text(response.body)) as { UserId?: unknown }).UserId;
      if (typeof id === 'string' && id) this.guard.addCreated(id);
    } catch {
      // no ID, nothing learnt: the user cannot be written to
    }
  }
}
