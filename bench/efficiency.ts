// Issue 13 item 2: the default run's efficiency — the requests it sent, at the in-memory floor's rate, over its wall
// time: (requests ÷ floor requests per second) ÷ wall seconds, 1 when the run costs no more than the SDK's own work
// per request. The floor (the SDK with a canned 200, bench/paths.ts openFloor) is measured in this process right
// before and right after the default run (same load), each a median of rounds after a warm-up.
import type { Spec } from '../spec/index.ts';
import { benchCases } from './cases.ts';
import { openFloor } from './paths.ts';
import { median } from './stats.ts';

export interface FloorRate {
  /** Requests per second, the median over rounds. */
  requestsPerSecond: number;
  rounds: number[];
}

/** The in-memory floor's requests per second: `warmup` cases, then `rounds` rounds of `perRound` cases. */
export async function measureFloorRate(
  spec: Spec,
  options: { seed: number; perRound?: number; rounds?: number; warmup?: number },
): Promise<FloorRate> {
  const { inputs } = benchCases(spec, { seed: options.seed, randomRuns: 200 });
  const floor = openFloor();
  try {
    let i = 0;
    for (let k = 0; k < (options.warmup ?? 1000); k++) await floor.send(inputs[i++ % inputs.length]!);
    const rounds: number[] = [];
    for (let r = 0; r < (options.rounds ?? 3); r++) {
      const n = options.perRound ?? 2000;
      const start = performance.now();
      for (let k = 0; k < n; k++) await floor.send(inputs[i++ % inputs.length]!);
      rounds.push((n * 1000) / (performance.now() - start));
    }
    return { requestsPerSecond: median(rounds), rounds };
  } finally {
    await floor.close();
  }
}
