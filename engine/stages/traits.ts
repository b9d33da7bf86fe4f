// What a run does differently for the kind of its target, decided once when the run opens: no stage, suite or check
// asks which kind of target it is; they read these properties.
import type { Naming } from '../../core/errors.ts';
import { instantClock, realClock, type Clock } from '../../targets/aws/index.ts';
import { isSandbox, type RunConfig } from '../options.ts';

export interface TargetTraits {
  /** A real account or its recording: the run goes behind the safety envelope, under the sandbox policy by default. */
  sandboxed: boolean;
  /** The clock flow control waits on: a cassette answers at once, so replaying its throttled answers waits for nothing. */
  flowClock: Clock;
  /** Why the run could not start, when its preflight or fixtures' set-up was stopped before any check ran. */
  cannotStart: (name: Naming) => string;
  /** Whether the envelope's token bucket paced what was sent (its rate and burst are reported). */
  paced: boolean;
}

export function traitsOf(config: RunConfig): TargetTraits {
  const replay = config.target === 'replay';
  return {
    sandboxed: isSandbox(config.target),
    flowClock: replay ? instantClock : realClock,
    cannotStart: replay
      ? (name) => `the cassette does not hold this run (the same settings and ${name('seed')} as the recorded run?)`
      : () => 'the run could not start',
    paced: config.target === 'aws',
  };
}
