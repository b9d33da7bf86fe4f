// `connect-conformance replay`: re-runs the plan step of one failure (boundary case, random case or command sequence
// by seed and path, existence, precedence, authentication) against any target — a real account inside the same safety
// envelope as a run — and prints what the requirement concluded. Exit 0 when it passes, 1 when it still fails (or was
// not checked), 2 for bad flags. Its command line is in results.json, beside each failure.
import { runConformance } from '../api/run.ts';
import { parseStepId } from '../engine/plan.ts';
import { specOf } from '../spec/index.ts';
import { SANDBOX_DEFAULTS } from '../engine/options.ts';
import { wholeNumber } from '../engine/policy.ts';
import { asFlags, bindingOfFlags, flagsOf, seedFlag, TARGET_FLAGS, TARGET_HELP, targetConfig, type Values } from './run-config.ts';
import { parseFlags, UsageError } from './usage.ts';

export const REPLAY_HELP = `Usage: connect-conformance replay --requirement ID --step STEP [--seed SEED] [--path P] [target flags]

Re-runs one plan step from results.json (each failure's "replay" field is this command, filled in) and prints the
verdict of the requirement. Exit 0 when the requirement now passes, 1 when it still fails, 2 for bad flags.

  --requirement ID            the requirement to judge
  --step STEP                 the plan step (TYPE/phase/name, the failure's stepId)
  --seed SEED                 the run's seed, as the run was given it (random cases, made-up IDs)
  --path P                    fast-check's path of a random case or command sequence (only the shrunk one is sent)
  --max-requests N            --target aws: the replay's budget (default ${SANDBOX_DEFAULTS.maxRequests})

${TARGET_HELP}`;

export async function replay(args: string[]): Promise<number> {
  const flags = {
    ...TARGET_FLAGS,
    requirement: { type: 'string' },
    ...flagsOf(['step', 'seed', 'replayPath', 'maxRequests']),
  } as const;
  const values: Values = parseFlags('replay', args, flags).values;
  if (values.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  const binding = bindingOfFlags('replay', args, flags);
  const spec = await specOf(binding);
  const requirement = values.requirement as string | undefined;
  const step = values.step as string | undefined;
  if (!requirement || !step)
    throw new UsageError('connect-conformance replay needs --requirement ID and --step STEP (copy them from results.json)');
  if (!spec.requirements.some((r) => r.id === requirement))
    throw new UsageError(
      `--requirement ${requirement} is not a requirement of ${binding.name} (connect-conformance list --operation ${binding.name} shows them)`,
    );
  const { identityManagementType } = parseStepId(step);
  const base = targetConfig(spec, values);
  if (base.identityManagementType && base.identityManagementType !== identityManagementType)
    throw new UsageError(
      `--step ${step} is a step of ${identityManagementType}, not of --identity-management ${base.identityManagementType}`,
    );
  const maxRequests =
    values['max-requests'] === undefined ? undefined : asFlags(() => wholeNumber('maxRequests', values['max-requests'] as string));
  const results = await runConformance({
    ...base,
    binding,
    spec,
    identityManagementType,
    ...(values.seed === undefined ? { seed: 0 } : seedFlag(values.seed as string)),
    only: [requirement],
    step,
    replayPath: values.path as string | undefined,
    ...(maxRequests !== undefined ? { maxRequests } : {}),
  });
  const r = results.requirements.find((x) => x.id === requirement)!;
  const unrestored = results.fixtures.filter((f) => !f.restored);
  for (const f of unrestored) console.error(`fixture user ${f.userId} was NOT restored: ${f.note ?? ''}`);
  if (r.status === 'pass') {
    console.log(`PASS ${requirement}: ${r.cases} verdict(s) in step ${step}, none failing`);
    return unrestored.length ? 1 : 0;
  }
  if (r.status === 'error') {
    console.log(`ERROR ${requirement}: ${r.reason ?? 'the step did not finish'}`);
    return 1;
  }
  if (r.status !== 'fail') {
    console.log(`${requirement}: step ${step} did not reach this requirement (${r.status}${r.reason ? `: ${r.reason}` : ''})`);
    return 1;
  }
  for (const e of r.failures) {
    console.log(`FAIL ${requirement} (${e.caseId}): ${e.problem}\n  expected: ${e.expected.summary}`);
    if (e.request) console.log(`  request:  ${e.request.method} ${e.request.path}\n            ${e.request.body.slice(0, 400)}`);
    if (e.response)
      console.log(`  response: ${e.response.status} ${JSON.stringify(e.response.headers)}\n            ${e.response.body.slice(0, 400)}`);
  }
  return 1;
}
