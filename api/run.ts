// runConformance as the front ends (the library, the vitest adapter, the CLI) offer it: the engine's run of the
// operation the binding names, the default operation's (operations/index.ts) when none is given.
import { DEFAULT_BINDING } from '../operations/index.ts';
import type { RunOptions } from '../engine/options.ts';
import type { Results } from '../engine/results.ts';
import { runConformance as runEngine, type EngineOverrides } from '../engine/run.ts';

/** Runs the suite in this process and returns its results (options: engine/options.ts). */
export function runConformance(options: RunOptions = {}, overrides?: EngineOverrides): Promise<Results> {
  return runEngine({ ...options, binding: options.binding ?? DEFAULT_BINDING }, overrides);
}
