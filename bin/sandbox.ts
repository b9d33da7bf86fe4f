// What the CLI prints for a run against a real account (--target aws) or a recording of one (--target replay): the
// dry run's plan (played by the engine on the embedded reference, counted, nothing sent), the envelope's counts after
// a run, and what `cleanup` undid. The safety envelope itself is the engine's (engine/sandbox.ts).
import type { OperationBinding } from '../core/binding.ts';
import { planCount, type PlanCount } from '../engine/dry-run.ts';
import { SANDBOX_DEFAULTS, seedShown, type RunConfig } from '../engine/options.ts';
import type { Results } from '../engine/results.ts';
import { pollScheduleOf } from '../engine/run.ts';
import { reserveFor } from '../engine/sandbox.ts';
import type { Spec } from '../spec/index.ts';
import { TokenBucket } from '../targets/aws/index.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';
import { cassetteRun } from '../engine/replay-command.ts';

export const SANDBOX_HELP = `Budget, rate and record (--target aws):
  --max-requests N            every request of the run counts, restore included (default ${SANDBOX_DEFAULTS.maxRequests}); the checks stop when
                              only the reserve kept for restoring is left, and what did not run is reported skip
  --rate R, --burst B         one token bucket for every request of the run (default ${SANDBOX_DEFAULTS.rate} per second, burst ${SANDBOX_DEFAULTS.burst}; against
                              AWS itself, without --endpoint-url, they may only be lowered)
  --dry-run                   print the plan (requirements, requests for each, total, time at the rate); send nothing
  --record FILE               store the run's exchanges, redacted, as nock definitions with the settings they were
                              recorded with; replay them offline with the command the run prints (--target replay
                              --cassette FILE and the recorded settings: another is refused, exit 2)`;

const duration = (ms: number) => {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

/** --dry-run: the plan of the run, per requirement and in all, for each identity management type it may meet. */
export async function dryRun(spec: Spec, binding: OperationBinding, config: RunConfig): Promise<number> {
  const types = config.identityManagementType ? [config.identityManagementType] : spec.identityManagementTypes;
  const plans: PlanCount[] = [];
  for (const type of types) plans.push(await planCount(spec, binding, config, type));
  const perRequirement = (p: PlanCount) => {
    const out = new Map<string, number>();
    for (const step of p.steps.values()) for (const id of step.requirementIds) out.set(id, (out.get(id) ?? 0) + step.requests);
    return out;
  };
  const overhead = (p: PlanCount) =>
    [...p.steps.entries()].filter(([, s]) => s.requirementIds.length === 0).reduce((n, [, s]) => n + s.requests, 0);
  console.log(
    `connect-conformance run --dry-run: nothing is sent. The plan of this run (seed ${seedShown(config)}, ${config.runs} random cases per generator,`,
  );
  console.log(`read back once per ${config.rejectionBatch} rejections), played on the embedded reference in memory and counted:`);
  if (!config.identityManagementType)
    console.log("(the run reads the instance's identity management type with DescribeInstance: one column per type)");
  console.log('');
  const width = Math.max(...spec.requirements.map((r) => r.id.length)) + 2;
  console.log(`${'requirement'.padEnd(width)}${types.map((t) => t.padStart(20)).join('')}    requests that reach it`);
  const counts = plans.map(perRequirement);
  for (const r of spec.requirements) {
    const cells = counts.map((c, i) => (r.appliesTo.includes(plans[i]!.type) ? String(c.get(r.id) ?? 0) : 'n/a'));
    if (cells.every((c) => c === '0' || c === 'n/a') && !counts.some((c) => c.has(r.id))) {
      console.log(`${r.id.padEnd(width)}${cells.map((c) => c.padStart(20)).join('')}    (judged on every response, or needs a flag)`);
    } else console.log(`${r.id.padEnd(width)}${cells.map((c) => c.padStart(20)).join('')}`);
  }
  console.log(`${'(preflight, fixtures, restore)'.padEnd(width)}${plans.map((p) => String(overhead(p)).padStart(20)).join('')}`);
  console.log(`${'TOTAL requests'.padEnd(width)}${plans.map((p) => String(p.total).padStart(20)).join('')}`);
  console.log('');
  for (const p of plans) {
    const time = TokenBucket.timeFor(p.total, config.rate!, config.burst!);
    console.log(
      `${p.type}: ${p.total} requests of the budget of ${config.maxRequests} (${reserveFor(config, pollScheduleOf(config, 'sandbox'))} kept for restore); about ${duration(time)} at ${config.rate} requests/s (burst ${config.burst}), plus the target's own time`,
    );
    if (p.stopped) console.log(`  the budget runs out first: ${p.stopped}; what did not run is reported skip`);
    for (const e of p.ended) console.log(`  ${e.stepId} would end early: ${e.message}`);
    for (const f of p.failures) console.log(`  on the reference (the suite's own problem): ${f}`);
  }
  console.log(
    "\nEach requirement's count is the requests of the steps that check it (a step may check several); the envelope judges every response too.",
  );
  return 0;
}

/** After a run behind the envelope: requests, retries, refusals, early ends, the recording. */
export function printSandboxSummary(results: Results, config: RunConfig): void {
  const e = results.execution!;
  const env = e.envelope!;
  console.log(
    `requests: ${env.sent} sent of ${env.maxRequests} (reserve ${env.reserve}); 429s: ${env.throttled} (retried with backoff); unanswered and retried: ${env.transportRetries}; refused by the guard: ${env.refusals.length}`,
  );
  if (e.stopped) console.log(`stopped early: ${e.stopped}`);
  const misses = e.ended.filter((x) => x.kind === 'cassette');
  for (const x of e.ended.filter((y) => y.kind !== 'cassette')) console.log(`step ${x.stepId} ended early (${x.kind}): ${x.message}`);
  if (misses.length)
    console.log(
      `the cassette could not answer ${misses.length} step(s): ${[...new Set(misses.flatMap((m) => m.requirementIds))].join(', ')} reported skip`,
    );
  if (config.record && env.recorded !== undefined) {
    console.log(`recorded ${env.recorded} exchanges to ${config.record}; replay them offline with:`);
    console.log(`  ${cassetteRun({ ...config, target: 'replay', endpointUrl: undefined, cassette: config.record, record: undefined })}`);
  }
}

export function printUndo(report: { notes: RestoreNote[]; unknown: { instanceId: string; username: string }[] }): void {
  for (const n of report.notes)
    console.log(`  ${n.restored ? 'done' : 'FAILED'}: user ${n.userId}${n.note ? ` (${n.note})` : ' restored'}`);
  for (const u of report.unknown)
    console.log(
      `  unknown: user ${u.username} of instance ${u.instanceId} may exist (the run died before CreateUser answered); find it by its tag conformance=true and delete it`,
    );
}
