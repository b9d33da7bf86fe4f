// The boundary phase is deterministic and independent of the run's seed: where it needs an example that only a
// generator can produce (a UUID, a value a pattern accepts), it takes fast-check's samples under this fixed seed.
import fc from 'fast-check';

const BOUNDARY_SEED = 0x5eed;

/** The first `count` values of `arb` under the boundary seed. */
export const boundarySamples = <T>(arb: fc.Arbitrary<T>, count: number): T[] => fc.sample(arb, { seed: BOUNDARY_SEED, numRuns: count });
