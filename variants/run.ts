// Running the engine in process against a variant, and judging the outcome: a broken variant must fail at least one
// of the requirements meant to catch it (in the suite family meant to catch it); a correct one must fail no MUST and
// no SHOULD but those it declares. Which suite family failed a requirement is read from the engine's events (each
// failing verdict names its step, each step its family).
import type { Results } from '../engine/results.ts';
import { runConformance } from '../api/run.ts';
import { specOf, type Requirement } from '../spec/index.ts';
import { bindingNamed } from '../api/index.ts';
import { withCheckLimits } from '../engine/check-limits.ts';
import type { Variant } from './variant.ts';

export interface VariantRunOptions {
  seed: number;
  /** Random-phase examples per property. */
  runs: number;
  /** How long read-back is polled (default: the configuration's default). */
  readBackWindowMs?: number;
  /** Suite families to run (default: every family of engine/plan.ts SUITES). */
  suites?: string[];
  /** Runs on the reference's instance of this identity management type only (default: the variant's, else every type). */
  identityManagementType?: string;
  /**
   * Stops each fast-check run (fc.check) after this many executions of its property, examples and shrink steps
   * together (see check-budget.ts); deterministic. A property that already failed stays failed, with the
   * counterexample shrunk so far; examples never run count as passed, so this can only hide a failure: use it where a
   * failure is expected (broken variants, known gaps), never to clear a correct variant.
   */
  checkBudget?: number;
  /** The same, after this many milliseconds of each fast-check run (bounds the wall clock; not deterministic). */
  checkTimeLimitMs?: number;
  /** How long one request may take before it counts as unanswered (default VARIANT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/** In process, a variant answers in microseconds: one that has not answered in 2 s never will (a hung operation). */
const VARIANT_REQUEST_TIMEOUT_MS = 2_000;

export interface VariantRun {
  results: Results;
  /** Requirement IDs that failed, by suite family. */
  failedBySuite: Record<string, string[]>;
  /** Requests the run sent. */
  requests: number;
  ms: number;
}

export interface Failure {
  requirement: Requirement;
  /** The suite families that failed it. */
  suites: string[];
  /** The first evidence's problem, for messages. */
  problem: string;
}

/** A requirement's status in a variant's run. */
export const statusOf = (run: VariantRun, id: string) => run.results.requirements.find((r) => r.id === id)?.status;

/** Runs the engine against a variant of the reference (the unmodified reference when undefined). */
export async function runVariant(
  variant: Pick<Variant, 'wrap' | 'identityManagementType' | 'operation'> | undefined,
  options: VariantRunOptions,
): Promise<VariantRun> {
  return withCheckLimits({ executions: options.checkBudget, ms: options.checkTimeLimitMs }, async () => {
    const started = Date.now();
    const suiteOfStep = new Map<string, string>();
    const failedBySuite: Record<string, string[]> = {};
    let requests = 0;
    const results = await runConformance({
      ...(variant?.operation ? { operation: variant.operation } : {}),
      target: 'reference',
      seed: options.seed,
      runs: options.runs,
      readBackWindowMs: options.readBackWindowMs,
      requestTimeoutMs: options.requestTimeoutMs ?? VARIANT_REQUEST_TIMEOUT_MS,
      suites: options.suites,
      identityManagementType: options.identityManagementType ?? variant?.identityManagementType,
      wrapHandler: variant?.wrap,
      onEvent: (e) => {
        if (e.type === 'step-started') suiteOfStep.set(e.stepId, e.suite);
        else if (e.type === 'request') requests = e.requests;
        else if (e.type === 'verdict') {
          const suite = (e.stepId && suiteOfStep.get(e.stepId)) ?? 'run';
          const list = (failedBySuite[suite] ??= []);
          if (!list.includes(e.requirementId)) list.push(e.requirementId);
        }
      },
    });
    return { results, failedBySuite, requests, ms: Date.now() - started };
  });
}

/** The requirements of the given levels that failed in a run, with the suites that failed them and a first problem. */
export async function failingRequirements(
  run: VariantRun,
  levels: Requirement['level'][] = ['MUST', 'SHOULD', 'OBSERVE'],
): Promise<Failure[]> {
  // The catalogue of the operation the run tested.
  const spec = await specOf(bindingNamed(run.results.spec.operation));
  return spec.requirements
    .filter((r) => levels.includes(r.level))
    .flatMap((requirement) => {
      const r = run.results.requirements.find((x) => x.id === requirement.id);
      if (!r || (r.status !== 'fail' && r.status !== 'error')) return [];
      return [
        {
          requirement,
          suites: Object.keys(run.failedBySuite).filter((s) => run.failedBySuite[s]!.includes(requirement.id)),
          problem: r.status === 'error' ? `not checked: ${r.reason ?? ''}` : (r.failures[0]?.problem ?? '(no evidence kept)'),
        },
      ];
    });
}

export interface Judgement {
  ok: boolean;
  /** One line: what was expected and what happened. */
  summary: string;
  /** The failing requirements that matter (broken: every one; correct: every MUST and undeclared SHOULD), one per line. */
  failures: string[];
  /** Their IDs, in the same order. */
  failureIds: string[];
}

const line = (f: Failure) => `${f.requirement.id} [${f.requirement.level}] in ${f.suites.join(', ') || '?'}: ${f.problem}`;

/**
 * Whether the suite did what it must with this variant. A variant with sibling deviations (findings) must also get
 * each of its FX- findings; a broken one that gets them is judged by its caughtBy, as any broken one.
 */
export async function judgeVariant(variant: Variant, run: VariantRun): Promise<Judgement> {
  const failures = await failingRequirements(run);
  const lines = failures.map(line);
  if (variant.kind === 'broken') {
    const caughtBy: readonly string[] = variant.caughtBy ?? [];
    const caught = failures.filter((f) => caughtBy.includes(f.requirement.id));
    const bySuite = !variant.suite || caught.some((f) => f.suites.includes(variant.suite!));
    const ok = caught.length > 0 && bySuite;
    const summary = ok
      ? `caught by ${caught.map((f) => `${f.requirement.id} (${f.suites.join(', ')})`).join(', ')}`
      : caught.length
        ? `caught by ${caught.map((f) => `${f.requirement.id} (${f.suites.join(', ')})`).join(', ')}, but not in the ${variant.suite} suite it is meant for`
        : `NOT caught: none of ${caughtBy.join(', ')} failed${failures.length ? '' : ' (nothing failed at all)'}`;
    return { ok, summary, failures: lines, failureIds: failures.map((f) => f.requirement.id) };
  }
  const allowed = new Set<string>([...(variant.allowedShouldFailures ?? []), ...(variant.findings ?? [])]);
  const unexpected = failures.filter(
    (f) => f.requirement.level === 'MUST' || (f.requirement.level === 'SHOULD' && !allowed.has(f.requirement.id)),
  );
  const missed = missedFindings(variant, run);
  const summary = [
    unexpected.length ? `a correct variant fails ${unexpected.map((f) => f.requirement.id).join(', ')}` : '',
    missed.length
      ? `its sibling deviation${missed.length > 1 ? 's were' : ' was'} not reported: ${missed.map((id) => `${id} ${statusOf(run, id) ?? 'absent'}`).join(', ')}`
      : '',
  ].filter(Boolean);
  return {
    ok: unexpected.length === 0 && missed.length === 0,
    summary: summary.length
      ? summary.join('; ')
      : `passes (no MUST or undeclared SHOULD fails)${variant.findings?.length ? `; its findings ${variant.findings.join(', ')} reported` : ''}`,
    failures: [
      ...unexpected.map(line),
      ...missed.map((id) => `${id}: expected to fail (the variant's sibling deviation), ${statusOf(run, id) ?? 'absent'}`),
    ],
    failureIds: [...unexpected.map((f) => f.requirement.id), ...missed],
  };
}

/** The FX- findings a variant declares that its run did not report (status other than fail). */
export function missedFindings(variant: Variant, run: VariantRun): string[] {
  return (variant.findings ?? []).filter((id) => statusOf(run, id) !== 'fail');
}
