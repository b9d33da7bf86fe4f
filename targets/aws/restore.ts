// Putting a user back as it was: the snapshot's members written back (those the type lets a request carry), then read
// back until they hold (read-back may be eventually consistent); a failed attempt is tried again. Deleting a user the
// run created. Shared by a session's close and by `connect-conformance cleanup`.
import { DeleteUserCommand, DescribeUserCommand, UpdateUserIdentityInfoCommand } from '@aws-sdk/client-connect';
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

async function read(target: Sender, instanceId: string, userId: string): Promise<Record<string, string> | undefined> {
  const obs = await target.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: userId }));
  const user = obs.sdk?.ok ? (obs.sdk.output.User as { IdentityInfo?: Record<string, string> } | undefined) : undefined;
  return user ? { ...(user.IdentityInfo ?? {}) } : undefined;
}

export interface RestoreOptions {
  /** Attempts of write-then-verify (default 2). */
  attempts?: number;
  /** How each attempt polls until the snapshot reads back (read-back may lag). */
  poll?: PollSchedule;
  /** How the user is read back (default: DescribeUser through the SDK); the engine reads through what the SDK refuses. */
  read?: (instanceId: string, userId: string) => Promise<Record<string, string> | undefined>;
}

/** Writes a snapshot back and verifies it. A stop of the envelope (budget, refusal) is a failed restore, with why. */
export async function restoreSnapshot(spec: Spec, target: Sender, s: { instanceId: string; userId: string; identityManagementType: string; identityInfo: Record<string, string> }, options: RestoreOptions = {}): Promise<RestoreNote> {
  const forbidden = new Set(spec.typeRules[s.identityManagementType]?.forbidden ?? []);
  const writable = Object.fromEntries(Object.entries(s.identityInfo).filter(([k]) => !forbidden.has(k)));
  let now: Record<string, string> | undefined;
  let why = '';
  try {
    for (let attempt = 0; attempt < (options.attempts ?? 2); attempt++) {
      try {
        const obs = await target.send(new UpdateUserIdentityInfoCommand({ InstanceId: s.instanceId, UserId: s.userId, IdentityInfo: writable }));
        if (!obs.sdk?.ok) why = `UpdateUserIdentityInfo failed (${describe(obs)})`;
      } catch (e) {
        // A handler that answers with something that is not a response, or a write the target throttled or stopped
        // answering, may still have stored the update (or the user may never have changed): read back.
        if (e instanceof TargetFault) why = e.message;
        else if (e instanceof SendStopped && (e.kind === 'throttled' || e.kind === 'unanswered')) why = e.message;
        else throw e;
      }
      const holds = (info: Record<string, string> | undefined) => !!info && Object.keys(writable).every((k) => info[k] === writable[k]);
      const polled = await pollUntil(options.poll ?? DEFAULT_POLL, () => (options.read ? options.read(s.instanceId, s.userId) : read(target, s.instanceId, s.userId)), holds);
      now = polled.value;
      if (polled.ok) break;
    }
  } catch (e) {
    if (!(e instanceof SendStopped)) throw e;
    why = e.message;
  }
  const wrong = Object.keys(writable).filter((k) => now?.[k] !== writable[k]);
  const added = Object.keys(now ?? {}).filter((k) => !(k in s.identityInfo));
  const restored = !!now && wrong.length === 0;
  const note = [!restored ? `not restored: ${wrong.join(', ') || 'the user could not be read'}${why ? ` (${why})` : ''}` : '', added.length ? `set by the run and not clearable through this API: ${added.join(', ')}` : '']
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
