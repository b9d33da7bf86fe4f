// The catalogue of variants of the reference, for the suite's own power tests (test/variants.test.ts) and the
// strength score: BROKEN ones the suite must catch, CORRECT ones it must pass. Names are unique and kebab-case.
import { BROKEN } from './broken.ts';
import { CORRECT } from './correct.ts';
import type { Variant } from './variant.ts';

export { BROKEN } from './broken.ts';
export { CORRECT } from './correct.ts';
export { runVariant, judgeVariant, failingRequirements, statusOf, type RunOptions, type VariantRun, type Judgement, type Failure } from './run.ts';
export type { Variant, VariantKind } from './variant.ts';

export const ALL: Variant[] = [...BROKEN, ...CORRECT];
