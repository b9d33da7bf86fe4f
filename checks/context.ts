// What a check is handed: the spec, the target, the run's settings, the fixture it writes to, and where its verdicts
// go. The engine (engine/) implements it; checks never see how a run is organised, only this.
import type { Case, Generators } from '../generators/index.ts';
import type { Observation } from '../core/observation.ts';
import type { Catalogue, RequestValidator, RequirementId, Spec } from '../spec/index.ts';
import type { Target } from '../targets/index.ts';
import type { PollSchedule } from '../core/poll.ts';
import type { EffectState, OperationBinding } from '../core/binding.ts';

export type { PollSchedule };
import type { ErrorEnvelopeContext } from './error-envelope.ts';
import type { Verdict } from './verdict.ts';

/** What the suite knows of the structure the operation changes (its binding's member), member by member: values of
 * every JSON type the model uses, compared by value (sameMemberValue). One name for it everywhere: core/binding.ts's. */
export type { EffectState };

/** The fixtures one identity management type is checked on. */
export interface FixtureSet {
  identityManagementType: string;
  instanceId: string;
  userId: string;
  secondUserId?: string;
  /** Another instance, for the cross-instance check. */
  secondInstanceId?: string;
  /** Its identity management type, when known without a request (the built-in fixtures). */
  secondInstanceType?: string;
  /** Users this run created (deleted at the end). */
  provisioned: string[];
}

/** What the suite knows of a fixture user's identity info; refreshed from read-back after each accepted change. */
export interface UserState {
  instanceId: string;
  userId: string;
  info: EffectState;
  /** Versions earlier accepted updates produced, each with the time it stopped being the newest (Date.now() ms):
   * within the read-back window a read may still show them (checks/consistency.ts). */
  earlier?: { info: EffectState; until: number }[];
  /** Rejected cases not yet followed by a read-back (settings.rejectionBatch of them are read back at once). */
  pending?: Case[];
  /** Whether a pending case was throttled before its rejection (its read-back also judges THR-WRITE-UNCHANGED). */
  pendingThrottled?: boolean;
}

/** A fixture set with its generators and the known state of its users. */
export interface Fixture {
  set: FixtureSet;
  generators: Generators;
  /** The fixture user, and the second user when there is one. */
  user: UserState;
  other?: UserState;
}

/** The settings checks read. */
export interface CheckSettings {
  seed: number;
  /** Random-phase examples per property. */
  runs: number;
  poll: PollSchedule;
  /** How many rejected requests are followed by one read-back (NL-REJECTED-UNCHANGED). */
  rejectionBatch: number;
  /** The target enforces SigV4: the authentication checks run. */
  expectAuth: boolean;
  /** Replays one random case (or command sequence): fast-check's path under `seed`. */
  replayPath?: string;
}

export interface CheckContext {
  spec: Spec;
  /** The operation under test: its SDK command, the member it changes, how its effect reads back. */
  binding: OperationBinding;
  catalogue: Catalogue;
  validator: RequestValidator;
  target: Target;
  settings: CheckSettings;
  /** Whether this run checks the requirement (--only). */
  wants(requirementId: string): boolean;
  /** Whether the requirement has already failed with evidence in this run (later cases need not pay for it again). */
  failed(requirementId: RequirementId): boolean;
  /** Records verdicts. */
  record(...verdicts: Verdict[]): void;
  /** Records the verdicts every response is judged by (the error envelope). */
  observe(observation: Observation, context: ErrorEnvelopeContext): void;
  /** A requirement this check cannot judge in this configuration, and why. */
  skip(requirementId: string, reason: string): void;
  /** Reads a user's state of the binding's member (its read-back operation); `info` is undefined when the read fails. */
  readIdentity(instanceId: string, userId: string): Promise<{ info?: EffectState; observation: Observation }>;
  /** The generators of an identity management type. */
  generatorsFor(identityManagementType: string): Generators;
}

/**
 * The context with no read-back window: once a check has seen a failure, the rest of its work (shrinking, later
 * cases of the same property) reads once instead of polling, so that a broken target costs no more than a correct
 * one (bounded failure cost). A correct target never gets here: it has no failure to shrink.
 */
export const withoutWaiting = (ctx: CheckContext): CheckContext => ({
  ...ctx,
  settings: { ...ctx.settings, poll: { ...ctx.settings.poll, windowMs: 0 } },
});

/** The structure a case sends in the binding's member (`{}` when it sends none), as sent. */
export const sentStructure = (binding: OperationBinding, c: Case): Record<string, unknown> =>
  ((c.body as Record<string, unknown> | undefined)?.[binding.member] ?? {}) as Record<string, unknown>;
