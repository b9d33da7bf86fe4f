// The correct variants pass (or fail only their known suite gap). The tests are declared in parts, one part a test file
// (test/variants-correct-<n>.test.ts), so that the workers of the waiting group (vitest.config.ts) run them at once: a
// correct variant's run mostly waits (read-back windows, lags, throttling), and each takes seconds of wall clock.
import { describe, expect, it } from 'vitest';
import { CORRECT, judgeVariant, type Variant } from '../variants/index.ts';
import { AS_CONFIGURED, expectedToFail, KNOWN_SUITE_GAPS, runOf } from './variant-settings.ts';

/** The variants of part `part` (1-based) of `parts`: every `parts`-th of the list, so that the parts stay alike in size. */
const partOf = (variants: readonly Variant[], part: number, parts: number): Variant[] => variants.filter((_, i) => i % parts === part - 1);

/** Declares the tests of the correct variants of one part. */
export function describeCorrectVariants(part: number, parts: number): void {
  describe(`correct variants pass (part ${part} of ${parts})`, () => {
    for (const variant of partOf(CORRECT, part, parts)) {
      const gap = KNOWN_SUITE_GAPS[variant.name];
      if (!gap) {
        it(variant.name, async () => {
          const judgement = await judgeVariant(variant, await runOf(variant, AS_CONFIGURED));
          expect(judgement.ok, `${variant.name} (${variant.description})\n${judgement.summary}\n${judgement.failures.join('\n')}`).toBe(
            true,
          );
        });
        continue;
      }
      // A known gap: the run is expected to fail, so it is made fast; the first test pins what fails, the second
      // starts failing (and asks for this entry to go) once the suite is fixed.
      it(`${variant.name}: the known suite gap fails nothing but ${gap.requirements.join(', ')}`, async () => {
        const judgement = await judgeVariant(variant, await runOf(variant, expectedToFail(variant)));
        const unexpected = judgement.failures.filter((_, i) => !gap.requirements.includes(judgement.failureIds[i]!));
        expect(unexpected, `${variant.name}: failures beyond the known gap`).toEqual([]);
      });
      it.fails(`${variant.name} passes (fails today, a suite gap: ${gap.why})`, async () => {
        const judgement = await judgeVariant(variant, await runOf(variant, expectedToFail(variant)));
        expect(judgement.ok, `${judgement.summary}\n${judgement.failures.join('\n')}`).toBe(true);
      });
    }
  });
}
