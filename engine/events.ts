// What a run tells its front ends as it goes (RunOptions.onEvent): the CLI prints progress from these, the vitest
// adapter and the library's users may do what they like with them. Events are information, never control.
import type { Status } from '../checks/verdict.ts';

export type RunEvent =
  /** The plan is known: how many steps will run. */
  | { type: 'plan'; steps: number; identityManagementTypes: string[] }
  | { type: 'step-started'; stepId: string; suite: string; index: number; steps: number }
  | {
      type: 'step-finished';
      stepId: string;
      index: number;
      steps: number;
      outcome: 'done' | 'error' | 'ended';
      message?: string;
      requests: number;
      failures: number;
      elapsedMs: number;
    }
  /** A failing verdict (`first`: the requirement's first failure in the run). */
  | { type: 'verdict'; requirementId: string; status: Extract<Status, 'fail'>; first: boolean; stepId?: string; problem: string }
  | { type: 'request'; requests: number }
  /** The run stopped before its plan was done (budget, time, interruption). */
  | { type: 'stopped'; reason: string }
  | { type: 'restored'; userId: string; restored: boolean; note?: string }
  /** An earlier run against the same account left work in its journal: it was undone before this run started. */
  | {
      type: 'journal-undone';
      journalDir: string;
      notes: { userId: string; restored: boolean; note?: string }[];
      unknown: { instanceId: string; username: string }[];
    };
