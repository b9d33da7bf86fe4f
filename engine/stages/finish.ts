// Stage 6, finish: the throttling requirements no throttled answer reached are skipped with why; what the run sent
// (and, behind the envelope, what the envelope counted) is added; the results are built from what was planned and
// what the ledger holds (results.ts), the verdict with them (summary.ts), and name the binding's operation.
import type { RequestLabels } from '../request-labels.ts';
import { performance } from 'node:perf_hooks';
import { THROTTLING_RULES } from '../../checks/throttling.ts';
import type { SafetyEnvelope } from '../../targets/aws/index.ts';
import { THROTTLING_STATUSES } from '../flow-control.ts';
import { replayCommand } from '../replay-command.ts';
import { buildResults, type Execution, type Results } from '../results.ts';
import { toolInfo } from '../tool-info.ts';
import { skip, type RunState } from './state.ts';

export function finishRun(run: RunState): Results {
  const { config, execution, flow, envelope, target } = run;
  execution.requests = run.bounds.sent;
  execution.flow = flow.stats;
  for (const { proves: id } of THROTTLING_RULES) {
    skip(
      run,
      id,
      flow.stats.throttled
        ? 'no throttled answer reached it (a throttled update is judged when it is then rejected, or when throttling stops the run)'
        : `the target never throttled: no answer was ${THROTTLING_STATUSES.map((s) => `a ${s}`).join(' or ')} (the suite never provokes throttling)`,
    );
  }
  if (envelope) execution.envelope = envelopeStats(envelope, run.labels!, run.traits.paced);
  execution.ms = Math.round(performance.now() - run.startedMs);
  return buildResults({
    operation: run.binding.name,
    spec: run.spec,
    ledger: run.ledger,
    restore: run.restore,
    tool: toolInfo(),
    target: { kind: target.kind, endpoint: target.endpoint, region: config.region, identityManagementTypes: run.types },
    seed: config.seed,
    seedGiven: config.seedGiven,
    runs: config.runs,
    only: config.only,
    shard: config.shard,
    startedAt: run.startedAt,
    finishedAt: new Date(),
    execution,
    replay: (id, evidence) => replayCommand({ ...config, expectAuth: run.settings.expectAuth }, id, evidence),
  });
}

/** What the safety envelope counted; its rate and burst when its bucket paced the requests. */
function envelopeStats(envelope: SafetyEnvelope, labels: RequestLabels, paced: boolean): Execution['envelope'] {
  return {
    sent: envelope.budget.sent,
    maxRequests: envelope.budget.max,
    reserve: envelope.budget.reserve,
    rate: paced ? envelope.bucket.rate : null,
    burst: paced ? envelope.bucket.burst : null,
    throttled: envelope.throttled.length,
    transportRetries: envelope.transportRetries,
    refusals: [...envelope.guard.refusals],
    steps: Object.fromEntries(labels.counts()),
    ...(envelope.recorder ? { recorded: envelope.recorder.definitions.length } : {}),
  };
}
