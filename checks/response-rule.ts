// A rule every answer of one kind is judged by, whichever step sent the request: the other kind of check definition
// (checks/definition.ts has the steps'). The plan (engine/plan.ts) gathers them; it names no requirement of its own.
import type { RequirementId } from '../spec/index.ts';

/** How a response rule fares on an answer that is an SDK outcome alone (a target without the wire). */
export type SdkOutcome =
  /** Judged on HTTP details an SDK outcome does not have (named here): not applicable to such a target. */
  | { notApplicable: string }
  /** Judged only when the client reports what it needs: why it was never judged, when it was not. */
  | { skippedUnlessJudged: string };

/** A rule every answer of one kind is judged by, whichever step sent the request: it has no step of its own. */
export interface ResponseRule {
  proves: RequirementId;
  /** The answers it judges: of the operation; of a fixture operation (DescribeUser, ...); a throttled one (a 429, or
   * an update that was throttled before its answer). */
  judges: 'operation' | 'fixture-operation' | 'throttled';
  /** Unset: judged on an SDK outcome as on a response. */
  sdkOutcome?: SdkOutcome;
}
