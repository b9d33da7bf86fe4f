// Limits for every fast-check run (fc.check) the suites make in this process, for runs that are expected to fail:
// once a run has executed its property `executions` times (examples and shrink steps together), or once `ms` have
// passed since it started, the runner is told to stop (an "interrupt") before the next execution. A property that
// already failed stays failed with the counterexample shrunk so far. The count is the deterministic one (the
// outcome does not depend on how fast the machine is); the time bounds the wall clock.
// Unlike fast-check's interruptAfterTimeLimit no predicate is abandoned half-way (its requests would go on in the
// background, against the target the next check reads), and unlike skipAllAfterTimeLimit the shrink tree is not
// walked to its end (which can take longer than the shrinking itself).
import fc from 'fast-check';

export interface CheckLimits {
  executions?: number;
  ms?: number;
}

let active: CheckLimits = {};
let installed = false;

/** A plugin instance per fc.check: inert unless limits are set when the check starts. */
const plugin: fc.UniversalPlugin = () => {
  const { executions, ms } = active;
  if (executions === undefined && ms === undefined) return {};
  let left = executions ?? Number.POSITIVE_INFINITY;
  const deadline = ms === undefined ? Number.POSITIVE_INFINITY : performance.now() + ms;
  // The suites' properties are asynchronous; a synchronous one would be answered synchronously once it has run.
  let asynchronous = true;
  return {
    decorateRun: (run) => (value) => {
      if (left-- <= 0 || performance.now() >= deadline) {
        const stop = new fc.PreconditionFailure(true);
        return asynchronous ? Promise.resolve(stop) : stop;
      }
      const out = run(value);
      asynchronous = out instanceof Promise;
      return out;
    },
  };
};

/** Runs `body` with every fc.check it makes limited as given. Not re-entrant: runs are sequential. */
export async function withCheckLimits<T>(limits: CheckLimits, body: () => Promise<T>): Promise<T> {
  if (!installed) {
    fc.installGlobalPlugin(plugin);
    installed = true;
  }
  const previous = active;
  const tighter = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  active = { executions: tighter(previous.executions, limits.executions), ms: tighter(previous.ms, limits.ms) };
  try {
    return await body();
  } finally {
    active = previous;
  }
}
