// `connect-conformance run`: checks the configuration against the target (one line and exit 2 when it cannot
// work), runs the suites (vitest, one file after another, showing progress), gathers their ledgers into
// DIR/results.json and exits 0 when every MUST requirement that ran passed, 1 when one failed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startVitest } from 'vitest/node';
import { applyBaseline, plainGate, readBaseline, updateBaselineFile, type BaselineView, type Gate } from '../reports/baseline.ts';
import { buildResults } from '../reports/results.ts';
import { writeReports } from '../reports/write.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { CONFIG_ENV, type RunConfig } from '../suites/config.ts';
import type { LedgerData, ShownEvidence } from '../suites/ledger.ts';
import { preflight } from '../suites/session.ts';
import type { RestoreNote } from '../suites/session.ts';
import { createTarget } from '../targets/index.ts';
import { replayCommand } from './replay-command.ts';
import { printSummary, ROOT, toolInfo } from './run-output.ts';
import { runConfig, TARGET_HELP } from './run-config.ts';
import { sandboxRun, SANDBOX_HELP } from './sandbox.ts';

export { ROOT };

export const RUN_HELP = `Usage: connect-conformance run [flags]        (npm run conformance -- [flags])

Runs every conformance suite against a target and writes DIR/results.json. Exit 0 when every MUST requirement
that ran passed, 1 when one failed, 2 for a usage or configuration error or an unreachable target.

${TARGET_HELP}
Run:
  --runs N                    random-phase examples per property (default 25; 3 with --target aws)
  --seed N                    the seed of the random phase (default: random, printed)
  --only ID,...               check only these requirements (the others are reported skip)
  --report-dir DIR            where results.json, index.html and junit.xml go (default reports/out)
CI:
  --baseline FILE             expected failures of this target (id, reason, link, expires); a listed failure does
                              not fail the run, a listed requirement that passes (stale) or an expired entry does
  --update-baseline           write the current failures to the --baseline file
  --shard i/n                 check only the i-th of n slices of the catalogue (join with compare --merge)
${SANDBOX_HELP}`;

interface SuiteLedger {
  ledger: LedgerData;
  restore: RestoreNote[];
}

function readLedgers(dir: string): { name: string; data: SuiteLedger }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f.replace(/\.json$/, ''), data: JSON.parse(readFileSync(join(dir, f), 'utf8')) as SuiteLedger }));
}

const SUITE_FILES = () => readdirSync(join(ROOT, 'suites')).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace(/\.test\.ts$/, ''));

export async function run(args: string[]): Promise<number> {
  const spec: Spec = await defaultSpec();
  const { config, reportDir, help, baseline, updateBaseline, shard } = runConfig(spec, args);
  if (help) {
    console.log(RUN_HELP);
    return 0;
  }
  // A real account (and a cassette of one) runs in this process, inside one safety envelope: see sandbox.ts.
  if (config.target === 'aws' || config.target === 'replay') return sandboxRun(spec, { config, reportDir, baseline, updateBaseline, shard });
  const knownIds = spec.requirements.map((r) => r.id);
  // Read the baseline before anything is sent: a malformed file is a usage error.
  const baselineData = baseline && !updateBaseline ? readBaseline(baseline, knownIds) : undefined;
  const startedAt = new Date();
  const target = await createTarget(spec, { kind: config.target, region: config.region, endpointUrl: config.endpointUrl, modulePath: config.modulePath });
  let sets;
  try {
    sets = await preflight(spec, config, target);
  } finally {
    await target.close();
  }
  const resolved: RunConfig = { ...config, expectAuth: config.expectAuth || target.enforcesAuth === true };
  const types = [...new Set(sets.map((s) => s.identityManagementType))];

  const outDir = resolve(reportDir);
  const runDir = join(outDir, '.run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const configFile = join(runDir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...resolved, ledgerDir: join(runDir, 'ledgers') }));
  process.env[CONFIG_ENV] = configFile;
  console.log(`connect-conformance: ${target.kind} target at ${target.endpoint}; ${types.join(', ')}; seed ${resolved.seed}; ${resolved.runs} runs per property`);

  // One worker for all suite files, one after another (isolate: false): the spec, the SDK and the generators load
  // once, not once per file; each file still opens its own session (its own target and fixtures).
  const vitest = await startVitest('test', ['suites/'], { root: ROOT, run: true, watch: false, fileParallelism: false, isolate: false, passWithNoTests: false, reporters: ['default'] });
  await vitest.close();
  process.exitCode = undefined;

  const ledgers = readLedgers(join(runDir, 'ledgers'));
  const missing = SUITE_FILES().filter((name) => !ledgers.some((l) => l.name === name));
  const results = buildResults({
    spec,
    ledgers: ledgers.map((l) => l.data.ledger),
    restore: ledgers.flatMap((l) => l.data.restore),
    tool: toolInfo(),
    target: { kind: target.kind, endpoint: target.endpoint, region: resolved.region, identityManagementTypes: types },
    seed: resolved.seed,
    runs: resolved.runs,
    only: resolved.only,
    shard,
    startedAt,
    finishedAt: new Date(),
    replay: (id: string, evidence: ShownEvidence) => replayCommand(resolved, id, evidence),
  });
  let view: BaselineView | undefined;
  if (baseline) {
    const base = updateBaseline ? updateBaselineFile(baseline, results, knownIds) : baselineData!;
    if (updateBaseline) console.log(`baseline written: ${baseline}`);
    view = applyBaseline(results, base, new Date());
  }
  const gate: Gate = view?.gate ?? plainGate(results);
  const written = writeReports(outDir, results, { baseline: view });
  printSummary(results, written.html);
  for (const reason of view?.gate.reasons ?? []) console.log(`baseline: ${reason}`);
  const unrestored = results.fixtures.filter((n) => !n.restored);
  for (const n of unrestored) console.error(`fixture user ${n.userId} was NOT restored: ${n.note ?? ''}`);
  if (missing.length) {
    console.error(`suite file(s) ${missing.join(', ')} did not complete (see the errors above); their requirements are reported skip`);
    return 1;
  }
  return gate.passed && unrestored.length === 0 ? 0 : 1;
}
