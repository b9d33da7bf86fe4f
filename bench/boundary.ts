// How many requests a run needs to reach every requirement, for one identity management type (CONNECT_MANAGED),
// against the embedded reference, counted in a wrapper around the reference's handler (the engine's wrapHandler),
// per phase of the plan (engine/plan.ts; `open` and `close` are preflight, snapshot and restore) and per operation.
// The random phase runs one case per generator; the stateful test its minimum (3 sequences).
//
// Scenarios: the local policy (every boundary case), with a read-back after every rejection and with rejections
// read back in batches; and the sandbox policy (only the covering boundary steps) as a run against a real account
// plans it, here on the reference.
import { runConformance } from '../api/run.ts';
import { PHASES as PLAN_PHASES, parseStepId } from '../engine/plan.ts';
import type { Spec } from '../spec/index.ts';
import type { WireHandler, WireRequest } from '../core/wire.ts';
import { BENCH_TYPE } from './cases.ts';

const PHASES = ['open', ...PLAN_PHASES, 'close'] as const;
export type Phase = (typeof PHASES)[number];

/** Counts requests by phase and by operation (routed as the reference routes them: method and path template). */
export class RequestCounter {
  phase: Phase = 'open';
  readonly byPhase: Record<string, Record<string, number>> = {};
  private readonly routes: { name: string; method: string; pattern: RegExp }[];

  constructor(spec: Spec) {
    this.routes = Object.values(spec.operations).map((op) => ({
      name: op.name,
      method: op.method.toUpperCase(),
      pattern: new RegExp(`^${op.pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]*')}$`),
    }));
  }

  /** The operation a request addresses, or `other` (a path no operation matches). */
  operationOf(request: Pick<WireRequest, 'method' | 'path'>): string {
    const path = request.path.split('?', 1)[0]!;
    return this.routes.find((r) => r.method === request.method.toUpperCase() && r.pattern.test(path))?.name ?? 'other';
  }

  count(request: Pick<WireRequest, 'method' | 'path'>): void {
    const ops = (this.byPhase[this.phase] ??= {});
    const op = this.operationOf(request);
    ops[op] = (ops[op] ?? 0) + 1;
  }

  wrap =
    (handler: WireHandler): WireHandler =>
    async (request) => {
      this.count(request);
      return handler(request);
    };

  total(phase?: Phase): number {
    const phases = phase ? [phase] : Object.keys(this.byPhase);
    return phases.reduce((sum, p) => sum + Object.values(this.byPhase[p] ?? {}).reduce((a, b) => a + b, 0), 0);
  }
}

/** Which boundary steps run: all of them (the local policy) or the covering ones (the sandbox policy). */
type Selection = 'all' | 'cover';

export interface Scenario {
  name: string;
  rejectionBatch: number;
  selection: Selection;
}

const SCENARIOS: Scenario[] = [
  { name: 'local policy (every boundary case), rejectionBatch 1', rejectionBatch: 1, selection: 'all' },
  { name: 'local policy, rejectionBatch 1000', rejectionBatch: 1000, selection: 'all' },
  { name: 'sandbox policy (covering steps), rejectionBatch 25', rejectionBatch: 25, selection: 'cover' },
];

export interface ScenarioResult {
  name: string;
  rejectionBatch: number;
  selection: Selection;
  /** Every request the run sent, set-up and restore included. */
  requests: number;
  /** Requirements with a status other than skip or n/a. */
  requirements: number;
  /** Requirements that apply to the identity management type. */
  applicable: number;
  requestsPerRequirement: number;
  /** Boundary steps run. */
  boundaryCases: number;
  byPhase: Record<string, Record<string, number>>;
  /** Applicable requirements the run did not reach, with the reason. */
  unreached: { id: string; reason?: string }[];
  /** Requirements that failed or were not checked (none expected on the reference). */
  failed: string[];
}

/** One scenario's run, in this process, against a fresh embedded reference. */
async function runScenario(spec: Spec, scenario: Scenario, options: { seed: number }): Promise<ScenarioResult> {
  const counter = new RequestCounter(spec);
  let boundaryCases = 0;
  const results = await runConformance({
    spec,
    identityManagementType: BENCH_TYPE,
    seed: options.seed,
    runs: 1,
    rejectionBatch: scenario.rejectionBatch,
    policy: scenario.selection === 'cover' ? 'sandbox' : 'local',
    wrapHandler: (handler) => counter.wrap(handler),
    onEvent: (e) => {
      if (e.type === 'step-started') {
        counter.phase = parseStepId(e.stepId).phase;
        if (counter.phase === 'boundary') boundaryCases++;
      } else if (e.type === 'restored') counter.phase = 'close';
    },
  });
  const reached = results.requirements.filter((r) => r.status !== 'skip' && r.status !== 'n/a');
  const applicable = results.requirements.filter((r) => r.status !== 'n/a');
  const requests = counter.total();
  return {
    name: scenario.name,
    rejectionBatch: scenario.rejectionBatch,
    selection: scenario.selection,
    requests,
    requirements: reached.length,
    applicable: applicable.length,
    requestsPerRequirement: reached.length ? requests / reached.length : 0,
    boundaryCases,
    byPhase: counter.byPhase,
    unreached: applicable.filter((r) => r.status === 'skip').map((r) => ({ id: r.id, reason: r.reason })),
    failed: results.requirements.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id),
  };
}

export async function measureBoundary(spec: Spec, options: { seed: number; scenarios?: Scenario[] }): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const scenario of options.scenarios ?? SCENARIOS) out.push(await runScenario(spec, scenario, options));
  return out;
}
