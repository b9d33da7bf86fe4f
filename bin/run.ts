// `connect-conformance run`: flags into a configuration, one call of the engine (engine/run.ts) in this process,
// the reports, and the exit code: 0 when the verdict (with the baseline, when given) passes, 1 when it does not
// (not conformant, incomplete, nothing checked, a fixture not restored), 2 for a usage or configuration error.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_RUNS, isSandbox, SANDBOX_DEFAULTS, seedShown } from '../engine/options.ts';
import { runConformance } from '../api/run.ts';
import type { Results } from '../engine/results.ts';
import { readBaseline } from '../reports/baseline.ts';
import { specOf } from '../spec/index.ts';
import { progress, progressMode } from './progress.ts';
import { concludeRun } from './run-output.ts';
import { writableDir } from './usage.ts';
import { bindingOfFlags, RUN_FLAGS, runConfig, TARGET_HELP } from './run-config.ts';
import { dryRun, printSandboxSummary, printUndo, SANDBOX_HELP } from './sandbox.ts';

export const RUN_HELP = `Usage: connect-conformance run [flags]        (npm run conformance -- [flags])

Runs the conformance suite against a target and writes DIR/results.json, index.html and junit.xml. Exit 0 when
the verdict is CONFORMANT (every MUST requirement that was planned passed, and the fixtures were restored), 1 when
it is not (NOT CONFORMANT, INCOMPLETE, NOTHING CHECKED, FIXTURES NOT RESTORED), 2 for a usage or configuration
error or an unreachable target.

${TARGET_HELP}
Run:
  --runs N                    random-phase examples per property (default ${DEFAULT_RUNS}; ${SANDBOX_DEFAULTS.runs} with --target aws)
  --seed SEED                 the seed of the random phase: any whole number (a CI run id) or word, kept as given;
                              fast-check gets a 32-bit seed derived from it (default: random, printed)
  --only ID,...               check only these requirements (the others are reported skip)
  --report-dir DIR            where results.json, index.html and junit.xml go (default reports/out)
  --quiet                     no progress output (on a terminal a live line; otherwise a line per phase and
                              one every 30 s), and no AWS SDK Node-version warning
CI:
  --baseline FILE             expected failures of this target (id, reason, link, expires); a listed failure does
                              not fail the run, a listed requirement that passes (stale) or an expired entry does;
                              it lists failures only: errors, INCOMPLETE, NOTHING CHECKED, FIXTURES NOT RESTORED
                              still fail the run
  --update-baseline           write the current failures to the --baseline file (its folders are created)
  --shard i/n                 check only the i-th of n slices of the catalogue (join with compare --merge)
${SANDBOX_HELP}`;

export async function run(args: string[]): Promise<number> {
  const binding = bindingOfFlags('run', args, RUN_FLAGS);
  const spec = await specOf(binding);
  const request = runConfig(spec, args);
  const { config, reportDir, help } = request;
  if (help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (request.dryRun) return dryRun(spec, binding, config);
  // Read the baseline before anything is sent: a malformed file is a usage error.
  const baselineData =
    request.baseline && !request.updateBaseline
      ? readBaseline(
          request.baseline,
          spec.requirements.map((r) => r.id),
        )
      : undefined;
  // The folder --update-baseline writes into is created now: one that cannot be is a usage error before the run.
  if (request.baseline && request.updateBaseline) writableDir('--baseline', dirname(resolve(request.baseline)));

  const shown = progress(progressMode(request.quiet));
  const abort = new AbortController();
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) process.exit(130);
    console.error(
      `\n${signal}: stopping after the current request; restoring the fixtures (again to quit at once${isSandbox(config.target) ? '; the journal keeps what to undo' : ''})`,
    );
    abort.abort(signal);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // The first line says which operation is tested on which target (and, when the environment names an endpoint, why
  // it is not used).
  console.log(
    `connect-conformance: ${spec.operation.name} against the ${config.target} target${request.note ? ` (${request.note})` : ''}; seed ${seedShown(config)}; ${config.runs} random cases per property${config.only.length ? `; only ${config.only.join(', ')}` : ''}`,
  );
  let results: Results;
  try {
    results = await runConformance({
      ...config,
      binding,
      spec,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'journal-undone') {
          console.log(`connect-conformance: an earlier run in ${e.journalDir} did not finish; undoing what its journal records first`);
          printUndo(e);
        }
        shown.onEvent(e);
      },
    });
  } finally {
    shown.done();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }

  const { code } = concludeRun(spec, results, reportDir, { file: request.baseline, update: request.updateBaseline, data: baselineData });
  if (results.execution?.envelope) writeFileSync(join(reportDir, 'sandbox.json'), `${JSON.stringify(sandboxStats(results), null, 1)}\n`);
  if (results.execution?.envelope) printSandboxSummary(results, config);
  const unrestored = results.fixtures.filter((n) => !n.restored);
  for (const n of unrestored)
    console.error(
      `fixture user ${n.userId} was NOT restored: ${n.note ?? ''}${config.target === 'aws' ? ` (connect-conformance cleanup --report-dir ${reportDir} tries again)` : ''}`,
    );
  return code;
}

/** DIR/sandbox.json: what the safety envelope counted. */
function sandboxStats(results: Results) {
  const e = results.execution!;
  const envelope = e.envelope!;
  const misses = e.ended.filter((x) => x.kind === 'cassette');
  return {
    target: { kind: results.target.kind, endpoint: results.target.endpoint, region: results.target.region },
    requests: envelope.sent,
    maxRequests: envelope.maxRequests,
    reserve: envelope.reserve,
    rate: envelope.rate,
    burst: envelope.burst,
    throttled: envelope.throttled,
    transportRetries: envelope.transportRetries,
    refusals: envelope.refusals,
    stopped: e.stopped ?? null,
    ended: e.ended,
    // The requirements the cassette's misses left unchecked.
    cassetteMisses: [...new Set(misses.flatMap((m) => m.requirementIds))].filter(
      (id) => results.requirements.find((r) => r.id === id)?.status === 'skip',
    ),
    steps: envelope.steps,
    ...(envelope.recorded !== undefined ? { recorded: envelope.recorded } : {}),
  };
}
