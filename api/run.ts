// runConformance as the front ends (the library, the vitest adapter, the CLI) offer it: the engine's run of the
// operation the options name (`operation`, or `binding`), the default operation's (operations/index.ts) when none is
// given. An unknown operation is one line naming the known ones.
import { bindingOf, DEFAULT_BINDING } from '../operations/index.ts';
import type { RunOptions } from '../engine/options.ts';
import type { Results } from '../engine/results.ts';
import { runConformance as runEngine, type EngineOverrides } from '../engine/run.ts';

/** Runs the suite in this process and returns its results (options: engine/options.ts). */
export async function runConformance(options: RunOptions = {}, overrides?: EngineOverrides): Promise<Results> {
  const binding = bindingOf(options);
  // The run names its operation (results.json, replay commands) only when it is not the default one.
  const operation = binding === DEFAULT_BINDING ? undefined : binding.name;
  const { operation: _named, ...rest } = options;
  return runEngine({ ...rest, binding, ...(operation ? { operation } : {}) }, overrides);
}
