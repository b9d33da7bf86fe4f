// Verdicts: what a check concludes about one requirement from one case, with the evidence a person needs to
// see a failure again. Checks return verdicts; the ledger (ledger.ts) gathers them per requirement.
import type { RequirementId } from '../spec/index.ts';
import type { Observation } from '../targets/index.ts';

/** `error`: a step that was to check the requirement did not finish (it threw, or the target's answer could not be
 * read): the requirement is not proven either way, and the run is not conformant. */
export type Status = (typeof STATUSES)[number];
/** Every status a requirement can have (results.json's schema admits exactly these). */
export const STATUSES = ['pass', 'fail', 'error', 'skip', 'n/a'] as const;

export interface Expected {
  /** In words, for the report: "400 with InvalidParameterException or InvalidRequestException". */
  summary: string;
  status?: number[] | '4xx' | '2xx';
  types?: string[] | 'any';
}

export interface Evidence {
  caseId: string;
  /** The case's input, as generated (after shrinking, for random cases). */
  input: unknown;
  observation?: Observation;
  expected: Expected;
  /** What was wrong, in one sentence. */
  problem: string;
  seed?: number;
  path?: string;
  /** The generator a random case came from (replay needs it with seed and path). */
  generator?: string;
  identityManagementType?: string;
  /** The plan step that produced it (engine/plan.ts): `replay --step` re-runs it. */
  stepId?: string;
}

export interface Verdict {
  requirementId: string;
  pass: boolean;
  caseId: string;
  /** Set on failures, and on OBSERVE verdicts (what was seen). */
  evidence?: Evidence;
  /** For OBSERVE requirements: what the target did, in a few words. */
  observed?: string;
}

export const pass = (requirementId: RequirementId, caseId: string, observed?: string): Verdict => ({
  requirementId,
  pass: true,
  caseId,
  observed,
});
export const fail = (requirementId: RequirementId, evidence: Evidence): Verdict => ({
  requirementId,
  pass: false,
  caseId: evidence.caseId,
  evidence,
});
export const judge = (requirementId: RequirementId, ok: boolean, evidence: Evidence): Verdict =>
  ok ? pass(requirementId, evidence.caseId) : fail(requirementId, evidence);
