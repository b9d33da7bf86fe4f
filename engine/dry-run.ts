// The dry run of a run against a real account (--dry-run): the same plan, under the same policy and envelope (guard,
// budget with its reserve), played on the embedded reference in memory. Every request is counted per step; nothing
// is sent anywhere. The total is what the real run would send to a target that answers as the reference does.
import type { OperationBinding } from '../core/binding.ts';
import { Budget, SafetyEnvelope, instantClock, TokenBucket } from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { envelopedHandlerTarget } from '../targets/index.ts';
import { createReferenceService, EXAMPLE_CREDENTIALS, type Fixtures } from '../targets/reference/index.ts';
import type { Spec } from '../spec/index.ts';
import { MemoryJournal } from './fixtures.ts';
import { SANDBOX_DEFAULTS, type RunConfig } from './options.ts';
import type { StepCount } from './results-types.ts';
import { pollScheduleOf, runConformance } from './run.ts';
import { reserveFor, type SandboxTarget } from './sandbox.ts';

export interface PlanCount {
  type: string;
  total: number;
  reserve: number;
  steps: Map<string, StepCount>;
  stopped?: string;
  ended: { stepId: string; kind: string; requirementIds: string[]; message: string }[];
  /** Failures on the embedded reference (none expected: a failure there is the suite's own problem). */
  failures: string[];
}

/** The configured fixtures, as the reference's: the fixture users hold safe values a real run could restore. */
function dryRunFixtures(spec: Spec, config: RunConfig, type: string): Fixtures {
  const f = config.fixtures;
  const forbidden = new Set(spec.typeRules[type]?.forbidden ?? []);
  const info = { FirstName: 'Dry', LastName: 'Run', Email: 'dry-run@example.com', Mobile: '+12025550100' };
  const identityInfo = Object.fromEntries(Object.entries(info).filter(([k]) => !forbidden.has(k)));
  const users = config.provision
    ? []
    : [f.userId, f.secondUserId].filter((u): u is string => !!u).map((id, i) => ({ id, username: `fixture-${i + 1}`, identityInfo }));
  return {
    region: config.region,
    accountId: '111122223333',
    credentials: { ...EXAMPLE_CREDENTIALS },
    instances: [
      { id: f.instanceId!, identityManagementType: type, users },
      ...(f.secondInstanceId ? [{ id: f.secondInstanceId, identityManagementType: 'CONNECT_MANAGED', users: [] }] : []),
    ],
  };
}

/** The plan of one run for one identity management type, played on the embedded reference and counted. */
export async function planCount(spec: Spec, binding: OperationBinding, config: RunConfig, type: string): Promise<PlanCount> {
  const service = createReferenceService(spec, { fixtures: dryRunFixtures(spec, config, type), binding });
  const journal = new MemoryJournal();
  const guard = new Guard({
    allowInstances: config.allowInstances ?? [],
    fixtureUsers: [config.fixtures.userId, config.fixtures.secondUserId].filter((u): u is string => !!u),
    journal,
    binding,
  });
  // The same read-back window as the run: the snapshot's settling and the hold read along it (a few seconds here).
  const dryConfig: RunConfig = { ...config, identityManagementType: type, expectAuth: true, journalDir: undefined, record: undefined };
  const reserve = reserveFor(config, pollScheduleOf(config, 'sandbox'));
  const envelope = new SafetyEnvelope({
    guard,
    budget: new Budget(config.maxRequests ?? SANDBOX_DEFAULTS.maxRequests, reserve),
    bucket: new TokenBucket(Number.POSITIVE_INFINITY, 1),
    clock: instantClock,
  });
  const target = envelopedHandlerTarget(config.region, envelope, service.handle, 'the embedded reference (dry run)');
  const sandbox: SandboxTarget = { target, envelope, journal, finish: () => {} };
  const results = await runConformance({ ...dryConfig, spec, binding, target: 'aws' }, { target: { target, sandbox, journal } });
  const failures = results.requirements
    .filter((r) => r.status === 'fail' || r.status === 'error')
    .flatMap((r) => [
      ...r.failures.map((f) => `${r.id} ${f.caseId}: ${f.problem}`),
      ...(r.errors ?? []).map((e) => `${r.id} ${e.stepId}: ${e.message}`),
    ]);
  // The requests per step, with the requirements each checks, as the engine counted them behind the envelope.
  const steps = new Map(Object.entries(results.execution?.envelope?.steps ?? {}));
  return {
    type,
    total: envelope.budget.sent,
    reserve,
    steps,
    stopped: results.execution?.stopped,
    ended: results.execution?.ended ?? [],
    failures,
  };
}
