// What a check declares about itself: the requirements it proves, the phase of the plan it runs in, and what it needs
// of a run. The plan (engine/plan.ts) is built from these definitions and the catalogue, never from requirement IDs
// of its own; test/requirement-ids.test.ts fails when the catalogue and the definitions disagree.
//
// Two kinds: a check that is a step of the plan (CheckDefinition, here: run once per fixture set, or once for the whole
// run), and a rule every answer of one kind is judged by, whichever step sent the request (ResponseRule,
// checks/response-rule.ts: the error envelope, the fixture operations' answers, throttled answers). A requirement is covered by one of them, by the cases the
// generators make for it (the input requirements, named by the constraints they claim), or is n/a for the run.
import type { RequirementId } from '../spec/index.ts';
import type { CheckContext, Fixture } from './context.ts';
import type { Verdict } from './verdict.ts';

export const PHASES = ['boundary', 'random', 'existence', 'precedence', 'authentication', 'hold', 'stateful'] as const;
export type Phase = (typeof PHASES)[number];

/** The families of checks, as the reports and the power tests (variants/) name them. */
export const SUITES = ['validation', 'acceptance', 'existence', 'statefulModel', 'authentication'] as const;
export type Suite = (typeof SUITES)[number];

/**
 * What a check needs of a run.
 * - `raw`: the raw channel (bytes the SDK would not send, a signing of its own). Not in the plan of a target reached
 *   only through an SDK client's send; what only such checks prove is n/a there, with why.
 * - `secondUser`, `secondInstance`: a fixture the configuration may not give; without it the check skips what needs
 *   it, with why (the catalogue's `needs` names the requirements that need it).
 * - `expectAuth`: the configuration says the target enforces authentication; otherwise the check skips, with why.
 * - `readBack`: it reads the user back through the fixture operation (DescribeUser) after what it sent.
 */
type CheckNeed = 'raw' | 'secondUser' | 'secondInstance' | 'expectAuth' | 'readBack';

/** A step's work: `fixture` is the set the step belongs to; `fixtures` every set of the run (for whole-run checks). */
type CheckRun = (ctx: CheckContext, fixture: Fixture, fixtures: Fixture[]) => Promise<Verdict[] | void>;

/** A check that is one step of the plan. */
export interface CheckDefinition {
  phase: Phase;
  /** Its name within the phase: the last part of its step ID (`TYPE/phase/name`). */
  name: string;
  suite: Suite;
  /** The requirements its verdicts name. */
  proves: readonly RequirementId[];
  needs: readonly CheckNeed[];
  /** Among the fewest steps that reach every requirement, which the sandbox policy runs (default true). */
  covering?: boolean;
  run: CheckRun;
}
