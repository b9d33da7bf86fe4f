// A variant of the reference implementation: a deliberately broken one (one realistic bug, which the suite must
// catch by the requirement meant to catch it) or a correct-but-different one (a difference the contract allows,
// which the suite must pass). A variant wraps the reference's wire handler; it may rewrite requests and
// responses, or answer some requests itself using the reference's in-memory store.
import type { ReferenceService } from '../targets/reference/index.ts';
import type { WireHandler } from '../core/wire.ts';
import type { RequirementId } from '../spec/index.ts';

type VariantKind = 'broken' | 'correct';

export interface Variant {
  /** Unique, kebab-case, named for the bug or the difference. */
  name: string;
  /** The operation whose handler it changes, and which its runs test (default: the default operation's). */
  operation?: string;
  kind: VariantKind;
  /** The realistic bug, or the allowed difference, in one or two sentences. */
  description: string;
  /** Broken: requirement IDs at least one of which must fail. */
  caughtBy?: RequirementId[];
  /** Broken: the suite of suites/plan.ts (a key of SUITES) whose checks are meant to catch it. */
  suite?: string;
  /** Correct: SHOULD requirements it may fail (e.g. ERR-HEADER-FORM when the type is only in the body). */
  allowedShouldFailures?: RequirementId[];
  /**
   * A variant whose sibling operations (DescribeUser, DescribeInstance...) deviate from the model (docs/contract.md
   * B19): the FX- findings the suite must report for it. The operation itself is judged as for any variant of its kind:
   * a correct one passes its MUSTs, a broken one is caught by its caughtBy.
   */
  findings?: RequirementId[];
  /**
   * The identity management type whose rules the bug or the difference is about: runs that use one type use this
   * one. A correct variant that sets it is always run on this type only (its difference does not depend on the
   * type and its run grows slow with the number of cases).
   */
  identityManagementType?: string;
  /**
   * DescribeUser may return an older identity info for a while after an update (eventual consistency): a run
   * against it must keep the configured read-back window.
   */
  lagsReadBack?: boolean;
  wrap(handler: WireHandler, service: ReferenceService): WireHandler;
}

export type Wrap = Variant['wrap'];

/** A broken variant: the fields the strength test needs are required here. */
export const broken = (v: {
  name: string;
  description: string;
  caughtBy: RequirementId[];
  suite: string;
  identityManagementType?: string;
  findings?: RequirementId[];
  wrap: Wrap;
}): Variant => ({ kind: 'broken', ...v });

/** A correct variant whose sibling operations deviate: it must get its findings and pass its MUSTs. */
export const correctExceptSiblings = (v: {
  name: string;
  description: string;
  findings: RequirementId[];
  identityManagementType?: string;
  wrap: Wrap;
}): Variant => ({ kind: 'correct', ...v });

/** A correct variant. */
export const correct = (v: {
  name: string;
  description: string;
  allowedShouldFailures?: RequirementId[];
  identityManagementType?: string;
  lagsReadBack?: boolean;
  wrap: Wrap;
}): Variant => ({ kind: 'correct', ...v });
