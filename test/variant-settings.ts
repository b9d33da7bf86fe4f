// How the power tests run the variants (test/variants.test.ts and the correct variants' parts, test/variants-correct.ts):
// the seed, the number of examples, the fast settings of runs expected to fail, the known gaps, and one run per variant
// and options within a test file.
import { runVariant, type VariantRunOptions, type Variant, type VariantRun } from '../variants/index.ts';

const SEED = 42;
/** Random-phase examples per property for correct variants and the reference: their false failures hide there. */
const RUNS = 10;
/** For runs expected to fail: the boundary phase finds most bugs, and a smaller budget only makes catching harder. */
const RUNS_EXPECTED_TO_FAIL = 5;

/** How a correct variant and the reference are run: as a user would run the suite (default read-back window). */
export const AS_CONFIGURED: VariantRunOptions = { seed: SEED, runs: RUNS };

/**
 * How a run that is expected to fail (a broken variant, a known gap) is made fast. The check budget (property
 * executions per fast-check run, a count so that the outcome does not depend on the machine) stops shrinking; it
 * can only hide a failure, never make one. A variant that does not lag has its read-back at once what it will ever
 * be, so polling could only delay a failure (each failing read-back would cost the whole window, in every shrink
 * step): it gets no window. The control test in test/variants.test.ts shows that these settings make no failure of
 * their own.
 */
export const expectedToFail = (variant?: Variant): VariantRunOptions => ({
  seed: SEED,
  runs: RUNS_EXPECTED_TO_FAIL,
  checkBudget: 30,
  ...(variant?.lagsReadBack ? {} : { readBackWindowMs: 0 }),
});

/** Broken variants the suite does not catch today, and why. Remove an entry once the suite is fixed. */
export const KNOWN_UNCAUGHT: Record<string, string> = {};

interface KnownGap {
  /** The requirements the suite wrongly fails on the correct variant today. */
  requirements: string[];
  why: string;
}

/** Correct variants the suite wrongly fails today, and why. Remove an entry once the suite is fixed. */
export const KNOWN_SUITE_GAPS: Record<string, KnownGap> = {};

/** One run per variant and options, shared by the tests that judge it. */
const cachedRuns = new Map<string, Promise<VariantRun>>();
export function runOf(variant: Variant, options: VariantRunOptions): Promise<VariantRun> {
  const key = `${variant.name}:${JSON.stringify(options)}`;
  if (!cachedRuns.has(key)) cachedRuns.set(key, runVariant(variant, options));
  return cachedRuns.get(key)!;
}

/**
 * A broken variant runs the suite meant to catch it, on one fixture type: the type whose rule its bug is about, else
 * CONNECT_MANAGED (the type with every rule and a second user). Fewer cases can only make catching harder.
 */
export const meantSuiteOnly = (v: Variant): VariantRunOptions => ({
  ...expectedToFail(v),
  suites: [v.suite!],
  identityManagementType: v.identityManagementType ?? 'CONNECT_MANAGED',
});
