// Issue 13 item 2: the budget-aware plan (the sandbox policy of a run against a real account, --target aws) in
// requests per requirement, preflight, the snapshot's settling and the restore included. The count is the dry run's
// (engine/dry-run.ts planCount: the run's exact plan under its envelope, played on the embedded reference in memory);
// the requirements it reaches are read from the same run played once more the same way (planCount returns counts only),
// and both plays must send the same number of requests.
import { DEFAULT_BINDING } from '../operations/index.ts';
import { planCount } from '../engine/dry-run.ts';
import { MemoryJournal } from '../engine/fixtures.ts';
import type { RunConfig } from '../engine/options.ts';
import { pollScheduleOf, runConformance } from '../engine/run.ts';
import { reserveFor, type SandboxTarget } from '../engine/sandbox.ts';
import { runConfig } from '../bin/run-config.ts';
import type { Spec } from '../spec/index.ts';
import { Budget, SafetyEnvelope, instantClock, TokenBucket } from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { envelopedHandlerTarget } from '../targets/index.ts';
import { createReferenceService, defaultFixtures, EXAMPLE_CREDENTIALS, type Fixtures } from '../api/reference.ts';

export interface PlanBudget {
  type: string;
  /** planCount's total: every request of the run, preflight and restore included. */
  requests: number;
  /** Of which: steps that check no requirement (preflight, fixtures, restore). */
  overhead: number;
  /** Applicable requirements the run gave a status other than skip. */
  requirements: number;
  applicable: number;
  requestsPerRequirement: number;
  /** The second play's total (must equal requests). */
  replayedRequests: number;
  unreached: string[];
  failures: string[];
  byStep: { step: string; requests: number }[];
}

/** The flags of a sandbox run on the reference's CONNECT_MANAGED fixtures (the defaults of --target aws otherwise). */
function sandboxConfig(spec: Spec, seed: number): RunConfig {
  const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
  const [a, b] = managed;
  const args = [
    '--target',
    'aws',
    '--endpoint-url',
    'http://127.0.0.1:9',
    '--allow-instance',
    a!.id,
    '--allow-instance',
    b!.id,
    '--instance-id',
    a!.id,
    '--second-instance-id',
    b!.id,
    '--user-id',
    a!.users[0]!.id,
    '--second-user-id',
    a!.users[1]!.id,
    '--seed',
    String(seed),
  ];
  return runConfig(spec, args).config;
}

/** As engine/dry-run.ts plays it: the configured fixture users with safe values, the envelope with an instant clock. */
async function playedResults(spec: Spec, config: RunConfig, type: string) {
  const f = config.fixtures;
  const info = { FirstName: 'Dry', LastName: 'Run', Email: 'dry-run@example.com', Mobile: '+12025550100' };
  const forbidden = new Set(spec.typeRules[type]?.forbidden ?? []);
  const identityInfo = Object.fromEntries(Object.entries(info).filter(([k]) => !forbidden.has(k)));
  const fixtures: Fixtures = {
    region: config.region,
    accountId: '111122223333',
    credentials: { ...EXAMPLE_CREDENTIALS },
    instances: [
      {
        id: f.instanceId!,
        identityManagementType: type,
        users: [f.userId, f.secondUserId]
          .filter((u): u is string => !!u)
          .map((id, i) => ({ id, username: `fixture-${i + 1}`, identityInfo })),
      },
      ...(f.secondInstanceId ? [{ id: f.secondInstanceId, identityManagementType: 'CONNECT_MANAGED', users: [] }] : []),
    ],
  };
  const service = createReferenceService(spec, { fixtures });
  const journal = new MemoryJournal();
  const guard = new Guard({
    allowInstances: config.allowInstances ?? [],
    fixtureUsers: [f.userId, f.secondUserId].filter((u): u is string => !!u),
    journal,
    binding: DEFAULT_BINDING,
  });
  const reserve = reserveFor(config, pollScheduleOf(config, 'sandbox'));
  const envelope = new SafetyEnvelope({
    guard,
    budget: new Budget(config.maxRequests ?? 300, reserve),
    bucket: new TokenBucket(Number.POSITIVE_INFINITY, 1),
    clock: instantClock,
  });
  const target = envelopedHandlerTarget(config.region, envelope, service.handle, 'the embedded reference (bench)');
  const sandbox: SandboxTarget = { target, envelope, journal, finish: () => {} };
  const results = await runConformance(
    {
      ...config,
      identityManagementType: type,
      expectAuth: true,
      journalDir: undefined,
      record: undefined,
      spec,
      binding: DEFAULT_BINDING,
      target: 'aws',
    },
    { target: { target, sandbox, journal } },
  );
  return { results, sent: envelope.budget.sent };
}

export async function measurePlanBudget(spec: Spec, options: { seed: number; type?: string }): Promise<PlanBudget> {
  const type = options.type ?? 'CONNECT_MANAGED';
  const config = sandboxConfig(spec, options.seed);
  const plan = await planCount(spec, DEFAULT_BINDING, config, type);
  const { results, sent } = await playedResults(spec, config, type);
  const applicable = results.requirements.filter((r) => r.status !== 'n/a');
  const reached = applicable.filter((r) => r.status !== 'skip');
  const overhead = [...plan.steps.values()].filter((s) => s.requirementIds.length === 0).reduce((n, s) => n + s.requests, 0);
  return {
    type,
    requests: plan.total,
    overhead,
    requirements: reached.length,
    applicable: applicable.length,
    requestsPerRequirement: reached.length ? plan.total / reached.length : 0,
    replayedRequests: sent,
    unreached: applicable.filter((r) => r.status === 'skip').map((r) => r.id),
    failures: plan.failures,
    byStep: [...plan.steps.entries()].map(([step, s]) => ({ step, requests: s.requests })),
  };
}
