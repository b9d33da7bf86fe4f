// Stage 2, preflight: the target is reachable and the fixtures are what the configuration says (engine/fixtures.ts
// preflight: the fixture sets, with their identity management types); then the fixtures' snapshot (or the users the
// run creates), once for the whole run. A target that breaks here leaves every requirement the run was to check
// `error`; a request stopped here (by the envelope, or a cassette without it) means the run cannot start at all.
import { TargetConfigError, TargetFault } from '../../core/errors.ts';
import { SendStopped } from '../../targets/index.ts';
import { FixtureLifecycle, preflight } from '../fixtures.ts';
import { record, stepError, type RunState } from './state.ts';

/** Whether the fixtures are ready for the steps (and so are to be restored). */
export async function preflightRun(run: RunState): Promise<boolean> {
  const { spec, binding, config, target, labels, poll } = run;
  const sink = (...verdicts: Parameters<typeof record>[1]) => record(run, verdicts);
  labels?.name('preflight');
  try {
    run.sets = await preflight(spec, config, target, sink, poll);
    run.types = [...new Set(run.sets.map((s) => s.identityManagementType))];
    labels?.name('fixtures');
    run.lifecycle = await FixtureLifecycle.open(spec, binding, config, target, run.sets, run.journal, poll, sink);
    return true;
  } catch (e) {
    if (e instanceof SendStopped) throw new TargetConfigError((name) => `${run.traits.cannotStart(name)}: ${e.message}`);
    if (!(e instanceof TargetFault)) throw e;
    // The target broke before any check could run: every requirement the run was to check is an error.
    if (!run.types.length) run.types = spec.identityManagementTypes;
    stepError(
      run,
      spec.requirements.filter((r) => r.appliesTo.some((t) => run.types.includes(t))).map((r) => r.id),
      'fixtures',
      e,
    );
    return false;
  }
}
