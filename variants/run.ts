// Running the suites in process against a variant, and judging the outcome: a broken variant must fail at least one
// of the requirements meant to catch it (in the suite meant to catch it); a correct one must fail no MUST and no
// SHOULD but those it declares. Every suite runs in a session of its own (a fresh reference store), as each suite
// file does under the command, so that a failure can be told apart by suite.
import { catalogue as catalogueOf, defaultSpec, type Requirement } from '../spec/index.ts';
import { defaultConfig } from '../suites/config.ts';
import { Ledger } from '../suites/ledger.ts';
import { runAllSuites, SUITES } from '../suites/plan.ts';
import { openSession } from '../suites/session.ts';
import { withCheckLimits } from './check-budget.ts';
import type { Variant } from './variant.ts';

export interface RunOptions {
  seed: number;
  /** Random-phase examples per property. */
  runs: number;
  /** How long read-back is polled (default: the configuration's default). */
  readBackWindowMs?: number;
  /** Suites to run (default: every suite of SUITES). */
  suites?: string[];
  /** Runs on the reference's instance of this identity management type only (default: the variant's, else every type). */
  identityManagementType?: string;
  /**
   * Stops each fast-check run (fc.check) of the suites after this many executions of its property, examples and
   * shrink steps together (see check-budget.ts); deterministic. A property that already failed stays failed, with
   * the counterexample shrunk so far; examples never run count as passed, so this can only hide a failure: use it
   * where a failure is expected (broken variants, known gaps), never to clear a correct variant.
   */
  checkBudget?: number;
  /** The same, after this many milliseconds of each fast-check run (bounds the wall clock; not deterministic). */
  checkTimeLimitMs?: number;
}

export interface VariantRun {
  /** Every suite's ledger, merged. */
  ledger: Ledger;
  /** Requirement IDs that failed, by suite. */
  failedBySuite: Record<string, string[]>;
  /** Wall-clock time of each suite. */
  msBySuite: Record<string, number>;
  ms: number;
}

export interface Failure {
  requirement: Requirement;
  /** The suites that failed it. */
  suites: string[];
  /** The first evidence's problem, for messages. */
  problem: string;
}

/** Runs the suites against a variant of the reference (the unmodified reference when undefined). */
export async function runVariant(variant: Pick<Variant, 'wrap' | 'identityManagementType'> | undefined, options: RunOptions): Promise<VariantRun> {
  return withCheckLimits({ executions: options.checkBudget, ms: options.checkTimeLimitMs }, () => runSuites(variant, options));
}

async function runSuites(variant: Pick<Variant, 'wrap' | 'identityManagementType'> | undefined, options: RunOptions): Promise<VariantRun> {
  const started = Date.now();
  const ledger = new Ledger();
  const failedBySuite: Record<string, string[]> = {};
  const msBySuite: Record<string, number> = {};
  const base = defaultConfig();
  const config = {
    ...base,
    seed: options.seed,
    runs: options.runs,
    readBackWindowMs: options.readBackWindowMs ?? base.readBackWindowMs,
    identityManagementType: options.identityManagementType ?? variant?.identityManagementType,
    only: [],
  };
  for (const suite of options.suites ?? Object.keys(SUITES)) {
    const suiteStarted = Date.now();
    const session = await openSession(config, { wrapHandler: variant?.wrap });
    await runAllSuites(session, [suite]);
    ledger.merge(session.ledger.entries);
    failedBySuite[suite] = Object.keys(session.ledger.entries).filter((id) => session.ledger.failed(id));
    msBySuite[suite] = Date.now() - suiteStarted;
  }
  return { ledger, failedBySuite, msBySuite, ms: Date.now() - started };
}

/** The requirements of the given levels that failed in a run, with the suites that failed them and a first problem. */
export async function failingRequirements(run: VariantRun, levels: Requirement['level'][] = ['MUST', 'SHOULD', 'OBSERVE']): Promise<Failure[]> {
  const cat = catalogueOf(await defaultSpec());
  return cat.all
    .filter((r) => levels.includes(r.level) && run.ledger.status(r.id).status === 'fail')
    .map((requirement) => ({
      requirement,
      suites: Object.keys(run.failedBySuite).filter((s) => run.failedBySuite[s]!.includes(requirement.id)),
      problem: run.ledger.entries[requirement.id]?.evidence[0]?.problem ?? '(no evidence kept)',
    }));
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

/** Whether the suite did what it must with this variant. */
export async function judgeVariant(variant: Variant, run: VariantRun): Promise<Judgement> {
  const failures = await failingRequirements(run);
  const lines = failures.map(line);
  if (variant.kind === 'broken') {
    const caughtBy = variant.caughtBy ?? [];
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
  const allowed = new Set(variant.allowedShouldFailures ?? []);
  const unexpected = failures.filter((f) => f.requirement.level === 'MUST' || (f.requirement.level === 'SHOULD' && !allowed.has(f.requirement.id)));
  return {
    ok: unexpected.length === 0,
    summary: unexpected.length ? `a correct variant fails ${unexpected.map((f) => f.requirement.id).join(', ')}` : 'passes (no MUST or undeclared SHOULD fails)',
    failures: unexpected.map(line),
    failureIds: unexpected.map((f) => f.requirement.id),
  };
}
