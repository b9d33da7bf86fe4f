// Putting a user back as it was: the snapshot's members written back (those the type lets a request carry), then read
// back until they hold (read-back may be eventually consistent); a failed attempt is tried again. Deleting a user the
// run created. Shared by a session's close and by `connect-conformance cleanup`.
import { DeleteUserCommand } from '@aws-sdk/client-connect';
import type { EffectState, OperationBinding } from '../../core/binding.ts';
import type { Spec } from '../../spec/index.ts';
import type { Observation } from '../../core/observation.ts';
import { SendStopped } from '../stop.ts';
import { TargetFault } from '../../core/errors.ts';
import { DEFAULT_POLL, pollUntil, type PollSchedule } from '../../core/poll.ts';

type Sender = { send(command: object): Promise<Observation> };

export interface RestoreNote {
  userId: string;
  restored: boolean;
  note?: string;
}

function describe(obs: Observation): string {
  if (obs.transportError) return obs.transportError;
  const sdk = obs.sdk;
  return sdk && !sdk.ok ? `${sdk.status ?? ''} ${sdk.name}`.trim() : String(obs.response?.statusCode ?? 'no response');
}

/** The member's state as the binding's read-back shows it through the SDK; undefined when the read fails. */
async function read(binding: OperationBinding, target: Sender, instanceId: string, userId: string): Promise<EffectState | undefined> {
  const obs = await target.send(binding.readBack.command({ InstanceId: instanceId, UserId: userId }));
  if (!obs.sdk?.ok) return undefined;
  const path = binding.readBack.path;
  const holder = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obs.sdk.output) as
    | Record<string, unknown>
    | undefined;
  return holder ? { ...((holder[path.at(-1)!] as EffectState | undefined) ?? {}) } : undefined;
}

export interface RestoreOptions {
  /** Attempts of write-then-verify (default 2). */
  attempts?: number;
  /** How each attempt polls until the snapshot reads back (read-back may lag). */
  poll?: PollSchedule;
  /** How the user is read back (default: the binding's read-back through the SDK); the engine reads through what the SDK refuses. */
  read?: (instanceId: string, userId: string) => Promise<EffectState | undefined>;
}

/** A user's snapshot: the state of the binding's member before the run wrote anything. */
export interface UserSnapshot {
  instanceId: string;
  userId: string;
  identityManagementType: string;
  state: EffectState;
}

/**
 * Writes a snapshot back with the binding's restore command and verifies it. A stop of the envelope (budget, refusal)
 * is a failed restore, with why.
 */
export async function restoreSnapshot(
  spec: Spec,
  binding: OperationBinding,
  target: Sender,
  s: UserSnapshot,
  options: RestoreOptions = {},
): Promise<RestoreNote> {
  const forbidden = new Set(spec.typeRules[s.identityManagementType]?.forbidden ?? []);
  const writable = Object.fromEntries(Object.entries(s.state).filter(([k]) => !forbidden.has(k)));
  let now: EffectState | undefined;
  let why = '';
  try {
    for (let attempt = 0; attempt < (options.attempts ?? 2); attempt++) {
      try {
        const obs = await target.send(binding.restore({ InstanceId: s.instanceId, UserId: s.userId }, writable));
        if (!obs.sdk?.ok) why = `${binding.name} failed (${describe(obs)})`;
      } catch (e) {
        // A handler that answers with something that is not a response, or a write the target throttled or stopped
        // answering, may still have stored the update (or the user may never have changed): read back.
        if (e instanceof TargetFault) why = e.message;
        else if (e instanceof SendStopped && (e.kind === 'throttled' || e.kind === 'unanswered')) why = e.message;
        else throw e;
      }
      const holds = (info: EffectState | undefined) => !!info && Object.keys(writable).every((k) => info[k] === writable[k]);
      const polled = await pollUntil(
        options.poll ?? DEFAULT_POLL,
        () => (options.read ? options.read(s.instanceId, s.userId) : read(binding, target, s.instanceId, s.userId)),
        holds,
      );
      now = polled.value;
      if (polled.ok) break;
    }
  } catch (e) {
    if (!(e instanceof SendStopped)) throw e;
    why = e.message;
  }
  const wrong = Object.keys(writable).filter((k) => now?.[k] !== writable[k]);
  const added = Object.keys(now ?? {}).filter((k) => !(k in s.state));
  const restored = !!now && wrong.length === 0;
  const note = [
    !restored ? `not restored: ${wrong.join(', ') || 'the user could not be read'}${why ? ` (${why})` : ''}` : '',
    added.length ? `set by the run and not clearable through this API: ${added.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { userId: s.userId, restored, note: note || undefined };
}

/** Deletes a user the run created; a user already gone counts as deleted. */
export async function deleteCreated(target: Sender, instanceId: string, userId: string): Promise<RestoreNote> {
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const obs = await target.send(new DeleteUserCommand({ InstanceId: instanceId, UserId: userId }));
      if (obs.sdk?.ok) return { userId, restored: true, note: 'created by the run and deleted' };
      if (obs.response?.statusCode === 404) return { userId, restored: true, note: 'created by the run; already gone' };
      if (attempt === 1) return { userId, restored: false, note: `created by the run; DeleteUser failed (${describe(obs)})` };
    }
  } catch (e) {
    if (!(e instanceof SendStopped)) throw e;
    return { userId, restored: false, note: `created by the run; not deleted (${e.message})` };
  }
  return { userId, restored: false, note: 'created by the run; not deleted' };
}
