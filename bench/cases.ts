// The cases every throughput path sends: the SDK-channel boundary cases and random valid and invalid cases of one
// identity management type, aimed at the embedded reference's fixture user, generated once before any clock runs.
// Every path sends the same list in the same order, as UpdateUserIdentityInfo inputs.
import type { UpdateUserIdentityInfoCommandInput } from '@aws-sdk/client-connect';
import { createGenerators, randomCases, type Case } from '../generators/index.ts';
import type { Spec } from '../spec/index.ts';
import { defaultFixtures } from '../targets/reference/index.ts';

export const BENCH_TYPE = 'CONNECT_MANAGED';

export interface BenchCases {
  cases: Case[];
  /** The SDK input of each case (labels and body), in the same order. */
  inputs: UpdateUserIdentityInfoCommandInput[];
  /** The fixture user the cases are aimed at (first user of the first CONNECT_MANAGED instance). */
  user: { InstanceId: string; UserId: string };
  mix: { boundary: number; random: number; accepted: number; rejected: number; observed: number };
}

/** The fixture user of the embedded reference the benchmark writes to. */
export function fixtureUser(identityManagementType = BENCH_TYPE): { InstanceId: string; UserId: string } {
  const instance = defaultFixtures().instances.find((i) => i.identityManagementType === identityManagementType && i.users.length > 0);
  if (!instance) throw new Error(`the default fixtures have no ${identityManagementType} instance with a user`);
  return { InstanceId: instance.id, UserId: instance.users[0]!.id };
}

/** What sendCase sends for an SDK-channel case. */
export const sdkInput = (c: Case): UpdateUserIdentityInfoCommandInput =>
  ({ ...(c.body as object), ...c.labels }) as unknown as UpdateUserIdentityInfoCommandInput;

/** Interleaves lists (a, b, a, b, ...), so that valid and invalid random cases alternate. */
export function interleave<T>(...lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

export function benchCases(spec: Spec, options: { seed: number; randomRuns: number }): BenchCases {
  const g = createGenerators(spec, BENCH_TYPE);
  const user = fixtureUser();
  const sdk = (c: Case) => c.channel === 'sdk';
  const boundary = g.boundaryCases().filter(sdk);
  const random = interleave(
    randomCases(g, { generator: 'valid', seed: options.seed, runs: options.randomRuns }).filter(sdk),
    randomCases(g, { generator: 'invalid', seed: options.seed, runs: options.randomRuns }).filter(sdk),
  );
  const cases = [...boundary, ...random].map((c) => g.withLabels(c, user));
  const count = (outcome: string) => cases.filter((c) => c.expected.outcome === outcome).length;
  return {
    cases,
    inputs: cases.map(sdkInput),
    user,
    mix: {
      boundary: boundary.length,
      random: random.length,
      accepted: count('accepted'),
      rejected: count('rejected'),
      observed: count('observed'),
    },
  };
}
