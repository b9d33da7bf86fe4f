// The conformance suite of the second operation, UpdateUserPhoneConfig, against the embedded reference, through the
// vitest adapter: one test per requirement of its catalogue (the generic ones and its own), on every identity
// management type of the reference's fixtures. CONNECT_CONFORMANCE_SEED picks another seed.
import { describeConformance } from '../api/vitest.ts';

await describeConformance('the embedded reference: UpdateUserPhoneConfig', {
  operation: 'UpdateUserPhoneConfig',
  seed: Number(process.env.CONNECT_CONFORMANCE_SEED ?? 42),
});
