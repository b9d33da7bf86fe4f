// The two phases of the generated cases, as the best tools run them: a deterministic boundary phase that reaches
// every input requirement (one case at a time, each a step of the plan), then a random phase with shrinking,
// reproducible from the run's seed. Both aim every case at the fixture user (labels a case is about are kept).
import fc from 'fast-check';
import type { Case } from '../generators/index.ts';
import { CASE_STATE_REQUIREMENTS, failed, flushRejections, runCase } from './cases.ts';
import type { CheckDefinition } from './definition.ts';
import { withoutWaiting, type CheckContext, type Fixture } from './context.ts';
import type { Verdict } from './verdict.ts';

const labelsOf = (f: Fixture) => ({ InstanceId: f.set.instanceId, UserId: f.set.userId });
const wanted = (ctx: CheckContext, c: Case) => c.requirementIds.some((id) => ctx.wants(id));

/** One boundary case, aimed at the fixture user, with every verdict it gives. */
export async function boundaryCase(ctx: CheckContext, f: Fixture, raw: Case): Promise<Verdict[]> {
  return runCase(ctx, f.generators.withLabels(raw, labelsOf(f)), f.user, f.other);
}

/** NL-REJECTED-UNCHANGED for the rejections not read back yet (with --rejection-batch above 1). */
const readBackRejections = (ctx: CheckContext, f: Fixture): Promise<Verdict[]> => flushRejections(ctx, f.user);

/** The step after a set's boundary cases that reads back the rejections not read back yet. */
export const READ_BACK_REJECTIONS: CheckDefinition = {
  phase: 'boundary',
  name: 'read-back',
  suite: 'validation',
  proves: CASE_STATE_REQUIREMENTS.rejected,
  needs: ['readBack'],
  run: readBackRejections,
};

/**
 * The random phase of one generator: `runs` cases from the run's seed. A failing case is shrunk by fast-check
 * (re-sending smaller cases), and the shrunk case is recorded with its seed and path for replay. Passing
 * verdicts are recorded as they come; failing ones only for the final, shrunk case.
 */
export async function randomPhase(ctx: CheckContext, f: Fixture, generator: string): Promise<Verdict[]> {
  const arbitrary = f.generators.arbitrary(generator);
  let ownError: unknown;
  // The verdicts of the last failing execution: fast-check's last failure is the shrunk counterexample, and the
  // target's state may have moved on since, so it is recorded as it was seen rather than sent again.
  let lastFailing: Verdict[] = [];
  // Once a case failed, later executions (its shrinking) read back without polling: bounded failure cost.
  let current = ctx;
  const property = fc.asyncProperty(arbitrary, async (raw) => {
    if (!wanted(ctx, raw)) return true;
    try {
      const verdicts = await runCase(current, f.generators.withLabels(raw, labelsOf(f)), f.user, f.other);
      const failures = failed(verdicts, ctx);
      if (failures.length === 0) ctx.record(...verdicts);
      else {
        lastFailing = verdicts;
        current = withoutWaiting(ctx);
      }
      return failures.length === 0;
    } catch (e) {
      ownError ??= e;
      throw e;
    }
  });
  const path = ctx.settings.replayPath;
  // A replay sends the one case its path names, once (fast-check, given a path, would go on shrinking from it on a
  // failure, and on to the next shrink candidates on a pass: requests the recorded run never sent).
  const result =
    path === undefined
      ? await fc.check(property, { seed: ctx.settings.seed, numRuns: ctx.settings.runs })
      : await replayOnce(property, arbitrary, ctx.settings.seed, path);
  const flushed = await flushRejections(ctx, f.user);
  // A property that threw is the suite's own failure (a case that is not what its label says, a bug): fail closed.
  if (ownError) throw ownError;
  if (!result.failed) return flushed;
  return [
    ...flushed,
    ...lastFailing.map((v) =>
      v.evidence ? { ...v, evidence: { ...v.evidence, seed: result.seed, path: result.counterexamplePath ?? undefined, generator } } : v,
    ),
  ];
}

/** What randomPhase reads of a fast-check run. */
interface Outcome {
  failed: boolean;
  seed: number;
  counterexamplePath?: string | null;
}

/** Runs the property on the one value at `path` under `seed` (the value fc.check met there), and nothing else. */
async function replayOnce<T>(
  property: fc.IAsyncPropertyWithHooks<[T]>,
  arbitrary: fc.Arbitrary<T>,
  seed: number,
  path: string,
): Promise<Outcome> {
  // fc.sample of the arbitrary walks the generation and shrink tree fc.check walks for a property of it (replayCase in
  // generators/random.ts re-creates cases the same way). A property handed to fc.sample would be read as an arbitrary
  // and biased twice: other values.
  const [value] = fc.sample(arbitrary, { seed, path, numRuns: 1 });
  if (value === undefined) throw new Error(`no case at path ${path} under seed ${seed}`);
  const failure = await property.run([value]);
  return { failed: failure !== null, seed, counterexamplePath: path };
}
