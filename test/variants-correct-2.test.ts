// The correct variants pass: part 2 of 4 (the tests are in test/variants-correct.ts; four files, so that four workers
// run them at once).
import { describeCorrectVariants } from './variants-correct.ts';

describeCorrectVariants(2, 4);
