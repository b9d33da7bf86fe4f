// The catalogue of variants of the reference, for the suite's own power tests (test/variants.test.ts) and the
// strength score: BROKEN ones the suite must catch, CORRECT ones it must pass. Names are unique and kebab-case.
import { BROKEN as BROKEN_OPERATION } from './broken.ts';
import { COVERAGE_BROKEN } from './coverage.ts';
import { CORRECT as CORRECT_OPERATION } from './correct.ts';
import { SIBLINGS_BROKEN, SIBLINGS_CORRECT } from './siblings.ts';
import { TIME_BROKEN, TIME_CORRECT } from './time.ts';
import { PHONE_BROKEN, PHONE_CORRECT } from './phone-config.ts';
import type { Variant } from './variant.ts';

/** Broken variants, those whose sibling operations deviate too (variants/siblings.ts), those that misbehave in time
 * (variants/time.ts) and the over-strict, normalising and label-decoding ones (variants/coverage.ts) included. */
export const BROKEN: Variant[] = [...BROKEN_OPERATION, ...SIBLINGS_BROKEN, ...TIME_BROKEN, ...COVERAGE_BROKEN, ...PHONE_BROKEN];
/** Correct variants, the correct-except-siblings ones (variants/siblings.ts: each must get its findings) and the one
 * whose reads lag its writes (variants/time.ts) included. */
export const CORRECT: Variant[] = [...CORRECT_OPERATION, ...SIBLINGS_CORRECT, ...TIME_CORRECT, ...PHONE_CORRECT];
export { SIBLINGS_BROKEN, SIBLINGS_CORRECT } from './siblings.ts';
export { COVERAGE_BROKEN } from './coverage.ts';
export { runVariant, judgeVariant, missedFindings, failingRequirements, statusOf, type VariantRunOptions, type VariantRun } from './run.ts';
export type { Variant } from './variant.ts';

export const ALL: Variant[] = [...BROKEN, ...CORRECT];
