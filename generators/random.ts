// The random phase as data: the cases a seed gives, each carrying how to re-create it (seed and fast-check path).
// fc.sample under a seed yields the same values, in the same order, as fc.assert under that seed, and a path
// (`run:shrink:shrink...`, as fc.assert reports a counterexample) re-creates a shrunk case too.
import fc from 'fast-check';
import type { Spec } from '../spec/index.ts';
import type { Case, Replay } from './case.ts';
import type { GeneratorOptions } from './context.ts';
import type { Generators } from './generators.ts';
import { createGenerators } from './generators.ts';

const withReplay = (c: Case, replay: Replay): Case => ({ ...c, id: `${c.id}#${replay.seed}:${replay.path}`, replay });

/** The first `runs` cases of a generator under `seed`. */
export function randomCases(generators: Generators, request: { generator: string; seed: number; runs: number }): Case[] {
  const { generator, seed, runs } = request;
  return fc
    .sample(generators.arbitrary(generator), { seed, numRuns: runs })
    .map((c, i) => withReplay(c, { generator, seed, path: String(i) }));
}

/** Re-creates one random case from its replay (generator, seed and path). */
export function replayCase(spec: Spec, identityManagementType: string, replay: Replay, options?: GeneratorOptions): Case {
  const arb = createGenerators(spec, identityManagementType, options).arbitrary(replay.generator);
  const [c] = fc.sample(arb, { seed: replay.seed, path: replay.path, numRuns: 1 });
  if (!c) throw new Error(`no case at path ${replay.path} of ${replay.generator} under seed ${replay.seed}`);
  return withReplay(c, replay);
}
