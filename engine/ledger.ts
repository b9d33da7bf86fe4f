// The ledger gathers verdicts per requirement: how many cases proved it, the first failures with their evidence,
// what OBSERVE requirements saw, which steps did not finish, and why a requirement was skipped or is not applicable.
// Ledgers of several runs (shards) merge into one.
import { showObservation, type ShownRequest, type ShownResponse } from '../core/redact.ts';
import type { Evidence, Status, Verdict } from '../checks/verdict.ts';

/** Failures kept per requirement: the first ones, which in the boundary phase are the simplest. */
export const MAX_FAILURES_KEPT = 5;
const MAX_OBSERVED_KEPT = 12;

/** Evidence as it is kept and reported: the exchange as text, with secrets redacted. */
export interface ShownEvidence extends Omit<Evidence, 'observation'> {
  request?: ShownRequest;
  response?: ShownResponse;
  transportError?: string;
}

export interface Entry {
  cases: number;
  failures: number;
  evidence: ShownEvidence[];
  observed: string[];
  skip?: string;
  notApplicable?: string;
  /** Steps that were to check it and did not finish. */
  errors?: StepError[];
}

/** The step ID of the errors of a run the target stopped (what the plan was still to check when it did). */
export const RUN_STOPPED = 'run';

export interface StepError {
  stepId: string;
  message: string;
}

export type LedgerData = Record<string, Entry>;

export class Ledger {
  readonly entries: LedgerData = {};

  /** `secrets`: values (a secret key, a session token) that must never be kept. */
  constructor(private readonly secrets: readonly string[] = []) {}

  private entry(id: string): Entry {
    return (this.entries[id] ??= { cases: 0, failures: 0, evidence: [], observed: [] });
  }

  add(...verdicts: Verdict[]): void {
    for (const v of verdicts) {
      const e = this.entry(v.requirementId);
      e.cases++;
      if (v.observed && !e.observed.includes(v.observed) && e.observed.length < MAX_OBSERVED_KEPT) e.observed.push(v.observed);
      if (v.pass) continue;
      e.failures++;
      if (v.evidence && e.evidence.length < MAX_FAILURES_KEPT) {
        const { observation, ...rest } = v.evidence;
        e.evidence.push({ ...rest, ...showObservation(observation, this.secrets) });
      }
    }
  }

  /** A step that was to check these requirements did not finish. */
  error(ids: readonly string[], stepId: string, message: string): void {
    for (const id of ids) {
      const errors = (this.entry(id).errors ??= []);
      if (errors.length < MAX_FAILURES_KEPT) errors.push({ stepId, message });
    }
  }

  skip(id: string, reason: string): void {
    this.entry(id).skip ??= reason;
  }

  notApplicable(id: string, reason: string): void {
    this.entry(id).notApplicable ??= reason;
  }

  failed(id: string): boolean {
    return (this.entries[id]?.failures ?? 0) > 0;
  }

  merge(data: LedgerData): void {
    for (const [id, other] of Object.entries(data)) {
      const e = this.entry(id);
      e.cases += other.cases;
      e.failures += other.failures;
      for (const ev of other.evidence) if (e.evidence.length < MAX_FAILURES_KEPT) e.evidence.push(ev);
      for (const o of other.observed) if (!e.observed.includes(o) && e.observed.length < MAX_OBSERVED_KEPT) e.observed.push(o);
      for (const err of other.errors ?? []) if ((e.errors ??= []).length < MAX_FAILURES_KEPT) e.errors.push(err);
      if (other.skip) e.skip ??= other.skip;
      if (other.notApplicable) e.notApplicable ??= other.notApplicable;
    }
  }

  /** A requirement's status: a failure wins; then an unfinished step; then a case that ran; then skip; then n/a. */
  status(id: string): { status: Status; reason?: string } {
    const e = this.entries[id];
    if (!e) return { status: 'skip', reason: 'no check ran for it' };
    if (e.failures > 0) return { status: 'fail' };
    if (e.errors?.length) {
      const first = e.errors[0]!;
      return {
        status: 'error',
        reason: first.stepId === RUN_STOPPED ? `not checked: ${first.message}` : `step ${first.stepId} did not finish: ${first.message}`,
      };
    }
    if (e.cases > 0) return { status: 'pass' };
    if (e.skip) return { status: 'skip', reason: e.skip };
    if (e.notApplicable) return { status: 'n/a', reason: e.notApplicable };
    return { status: 'skip', reason: 'no case reached it' };
  }
}
