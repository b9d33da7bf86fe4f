// The conformance suite against the embedded reference, through the vitest adapter, exactly as a mock author runs it
// against their own mock: one test per requirement, on every identity management type of the reference's fixtures.
// CONNECT_CONFORMANCE_SEED picks another seed (the reference must pass on every one).
import { describeConformance } from '../api/vitest.ts';

await describeConformance('the embedded reference', { seed: Number(process.env.CONNECT_CONFORMANCE_SEED ?? 42) });
