// One token bucket for every request of a run, whichever channel sends it: `rate` tokens a second, at most `burst`
// stored. Over any interval of t seconds the run sends at most burst + rate·t requests. A bucket owes tokens rather
// than refusing: a request that finds it empty waits until its token has been earned.
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that never waits (the embedded reference, a replayed cassette). */
export const instantClock: Clock = { now: () => 0, sleep: async () => {} };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(rate > 0) || !(burst >= 1))
      throw new Error(`a token bucket needs a rate above 0 and a burst of at least 1 (got ${rate}, ${burst})`);
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Waits for one token. */
  async take(): Promise<void> {
    if (this.rate === Number.POSITIVE_INFINITY) return;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens * 1000) / this.rate);
  }

  /** How long `n` more requests take at this rate, in ms, starting from a full bucket. */
  static timeFor(n: number, rate: number, burst: number): number {
    return rate === Number.POSITIVE_INFINITY ? 0 : (Math.max(0, n - burst) * 1000) / rate;
  }
}
