// The state of one run, in one object: what `openRun` resolved once (the spec, the configuration, the target behind
// flow control, the policy) and what the later stages find and write (the fixture sets, the plan, the verdicts, where
// the run stopped, what the restore did). Every stage is a function of it (engine/run.ts names them in order); the
// few operations on it that several stages share are here. What checks are handed (CheckContext) is made from it
// (open.ts checkContextOf): checks never see the state itself.
import type { OperationBinding } from '../../core/binding.ts';
import type { RequestLabels } from '../request-labels.ts';
import type { CheckSettings, Fixture, FixtureSet } from '../../checks/context.ts';
import type { Verdict } from '../../checks/verdict.ts';
import type { PollSchedule } from '../../core/poll.ts';
import type { Catalogue, RequestValidator, Spec } from '../../spec/index.ts';
import type { SafetyEnvelope } from '../../targets/aws/index.ts';
import type { Generators } from '../../generators/index.ts';
import type { SendStopped, Target } from '../../targets/index.ts';
import type { RunEvent } from '../events.ts';
import type { FixtureJournal, FixtureLifecycle, RestoreNote } from '../fixtures.ts';
import type { FlowControl } from '../flow-control.ts';
import type { Ledger } from '../ledger.ts';
import type { RunConfig, RunOptions } from '../options.ts';
import type { Step } from '../plan.ts';
import type { Execution } from '../results.ts';
import type { SandboxTarget } from '../sandbox.ts';
import type { RunBounds } from './bounds.ts';
import type { TargetTraits } from './traits.ts';

export type Policy = Execution['policy'];

/** One step of the plan, on the fixture it runs on. */
export interface PlannedStep {
  fixture: Fixture;
  step: Step;
}

/** Where the run stopped before its plan was done, and what the steps it did not finish were to check. */
interface RunStop {
  error: SendStopped;
  /** The step at which it stopped (undefined: between steps, on an interruption). */
  at?: string;
  /** The requirements of the steps that did not finish because of it. */
  unfinished: Set<string>;
}

export interface RunState {
  // Resolved once, by openRun.
  readonly spec: Spec;
  /** The operation under test. */
  readonly binding: OperationBinding;
  readonly config: RunConfig;
  readonly options: RunOptions;
  readonly policy: Policy;
  readonly poll: PollSchedule;
  /** What the run does differently for the kind of its target (the only place that asks which kind it is). */
  readonly traits: TargetTraits;
  readonly startedMs: number;
  readonly startedAt: Date;
  readonly emit: (event: RunEvent) => void;
  /** Values never kept in results (options, environment, the target's credentials). */
  readonly secrets: string[];
  readonly bounds: RunBounds;
  /** The target every request of the run goes through: counted, then behind flow control. */
  readonly target: Target;
  /** Whether the target was handed in (EngineOverrides): its owner closes it. */
  readonly targetHandedIn: boolean;
  readonly sandbox?: SandboxTarget;
  /** The safety envelope of a run against a real account or its recording. */
  readonly envelope?: SafetyEnvelope;
  /** The envelope's request labels, named with the requirements of the step that sends them. */
  readonly labels?: RequestLabels;
  readonly journal: FixtureJournal;
  readonly flow: FlowControl;
  readonly onAbort: () => void;
  readonly catalogue: Catalogue;
  readonly validator: RequestValidator;
  readonly ledger: Ledger;
  readonly settings: CheckSettings;
  /** The requirements this run checks (--only); empty: all. */
  readonly only: ReadonlySet<string>;
  readonly generators: Map<string, Generators>;
  /** The labels of the fixture the current step runs on (the sandbox aims stray IDs at them). */
  readonly fixtureLabels: Record<string, string>;
  readonly execution: Execution;

  // Found and written by the stages.
  /** The identity management types the run checks. */
  types: string[];
  sets: FixtureSet[];
  lifecycle?: FixtureLifecycle;
  /** The fixtures the plan runs on, and the plan in the order it runs. */
  fixtures: Fixture[];
  plan: PlannedStep[];
  /** The step under way: verdicts recorded without a step are stamped with it. */
  currentStep?: string;
  stop?: RunStop;
  restore: RestoreNote[];
}

/** Whether this run checks the requirement (--only). */
export const wants = (run: RunState, id: string): boolean => run.only.size === 0 || run.only.has(id);

/** Records verdicts in the ledger, stamped with the step under way; a failure is reported as it happens. */
export function record(run: RunState, verdicts: readonly Verdict[]): void {
  const step = run.currentStep;
  for (const v of verdicts) {
    if (!wants(run, v.requirementId)) continue;
    const stamped = v.evidence && !v.evidence.stepId && step ? { ...v, evidence: { ...v.evidence, stepId: step } } : v;
    const failing = !stamped.pass && run.catalogue.get(stamped.requirementId).level !== 'OBSERVE';
    const first = failing && !run.ledger.failed(stamped.requirementId);
    run.ledger.add(stamped);
    if (failing)
      run.emit({
        type: 'verdict',
        requirementId: stamped.requirementId,
        status: 'fail',
        first,
        stepId: step,
        problem: stamped.evidence?.problem ?? '',
      });
  }
}

/** A requirement this run cannot judge, and why (a requirement it does not check is left alone). */
export function skip(run: RunState, id: string, reason: string): void {
  if (wants(run, id)) run.ledger.skip(id, reason);
}

/** A step (or the fixtures' set-up) did not finish: its requirements are `error`. */
export function stepError(run: RunState, ids: readonly string[], stepId: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  run.execution.stepErrors.push({ stepId, message });
  run.ledger.error(
    ids.filter((id) => wants(run, id)),
    stepId,
    message,
  );
}

/** Why the run was interrupted (AbortSignal's reason). */
export const abortReason = (run: RunState): string => String(run.options.signal?.reason ?? 'aborted');
