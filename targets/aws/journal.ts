// The journal of a run against a real account: DIR/journal.json, written (atomically, before the write it covers)
// with every snapshot the run took and every user it is about to create and did create, then with each restore and
// deletion as it is done. A run killed in the middle leaves it unfinished: `connect-conformance cleanup --report-dir
// DIR`, or the next run in that directory before it starts, restores the snapshots and deletes the users it names.
import { UserError } from '../../core/errors.ts';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectState, OperationBinding } from '../../core/binding.ts';
import type { Spec } from '../../spec/index.ts';
import type { JournalCoverage } from '../guard/guard.ts';
import type { Observation } from '../../core/observation.ts';
import { deleteCreated, restoreSnapshot, type RestoreNote } from './restore.ts';

const JOURNAL_FILE = 'journal.json';

export type JournalEntry =
  // `identityInfo` is the snapshot's state of the operation's member (the key is the journal format's, kept for the
  // journals earlier versions wrote).
  | { kind: 'snapshot'; instanceId: string; userId: string; identityManagementType: string; identityInfo: EffectState; at: string }
  | { kind: 'creating'; instanceId: string; username: string; at: string }
  | { kind: 'created'; instanceId: string; userId: string; username: string; at: string }
  | { kind: 'restored'; userId: string; at: string }
  | { kind: 'deleted'; userId: string; at: string }
  | { kind: 'finished'; at: string };

export interface JournalTarget {
  kind: string;
  region: string;
  endpointUrl?: string;
  profile?: string;
}

export interface JournalData {
  version: 1;
  runId: string;
  pid: number;
  startedAt: string;
  target: JournalTarget;
  allowInstances: string[];
  /** The operation the run tested, whose restore puts its snapshots back (absent in the journals of earlier versions,
   * which tested UpdateUserIdentityInfo only). */
  operation?: string;
  entries: JournalEntry[];
}

/** The operation a journal's snapshots are of: the one it names, else the only one earlier versions tested. */
export const journalOperation = (data: JournalData): string => data.operation ?? 'UpdateUserIdentityInfo';

type Snapshot = Extract<JournalEntry, { kind: 'snapshot' }>;
type Created = Extract<JournalEntry, { kind: 'created' }>;

export interface Pending {
  snapshots: Snapshot[];
  created: Created[];
  /** Users about to be created with no ID recorded: the run may have died between CreateUser and its answer. */
  unknown: { instanceId: string; username: string }[];
}

export function pendingOf(data: JournalData): Pending {
  const restored = new Set(data.entries.flatMap((e) => (e.kind === 'restored' ? [e.userId] : [])));
  const deleted = new Set(data.entries.flatMap((e) => (e.kind === 'deleted' ? [e.userId] : [])));
  const created = data.entries.filter((e): e is Created => e.kind === 'created');
  const createdNames = new Set(created.map((e) => e.username));
  // The last snapshot of a user is the one to restore (there is one per user per run).
  const snapshots = new Map<string, Snapshot>();
  for (const e of data.entries) if (e.kind === 'snapshot' && !restored.has(e.userId)) snapshots.set(e.userId, e);
  return {
    snapshots: [...snapshots.values()],
    created: created.filter((e) => !deleted.has(e.userId)),
    unknown: data.entries.flatMap((e) =>
      e.kind === 'creating' && !createdNames.has(e.username) ? [{ instanceId: e.instanceId, username: e.username }] : [],
    ),
  };
}

export const isFinished = (p: Pending) => p.snapshots.length === 0 && p.created.length === 0;

class JournalError extends UserError {
  override name = 'JournalError';
}

/** Reads DIR/journal.json; undefined when there is none. */
export function readJournal(dir: string): JournalData | undefined {
  const file = join(dir, JOURNAL_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as JournalData;
    if (data.version !== 1 || !Array.isArray(data.entries) || !Array.isArray(data.allowInstances))
      throw new Error('not a journal of this version');
    return data;
  } catch (e) {
    throw new JournalError(`${file}: cannot be read (${(e as Error).message}); fix or remove it by hand after checking its users`);
  }
}

const now = () => new Date().toISOString();

export class Journal implements JournalCoverage {
  readonly file: string;

  private constructor(
    dir: string,
    readonly data: JournalData,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, JOURNAL_FILE);
  }

  /** A new journal in DIR (replacing a finished one). */
  static start(dir: string, target: JournalTarget, allowInstances: string[], operation: string): Journal {
    const j = new Journal(dir, {
      version: 1,
      runId: randomUUID(),
      pid: process.pid,
      startedAt: now(),
      target,
      allowInstances,
      operation,
      entries: [],
    });
    j.write();
    return j;
  }

  /** The journal a previous run left in DIR, to finish. */
  static resume(dir: string, data: JournalData): Journal {
    return new Journal(dir, data);
  }

  /** Written to a temporary file, flushed, then renamed over the journal: a crash leaves the old or the new one. */
  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify(this.data, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  append(entry: JournalEntry): void {
    this.data.entries.push(entry);
    this.write();
  }

  covers(userId: string): boolean {
    return this.data.entries.some((e) => (e.kind === 'snapshot' || e.kind === 'created') && e.userId === userId);
  }

  coversCreate(username: string): boolean {
    return this.data.entries.some((e) => e.kind === 'creating' && e.username === username);
  }

  snapshot(instanceId: string, userId: string, identityManagementType: string, identityInfo: EffectState): void {
    this.append({ kind: 'snapshot', instanceId, userId, identityManagementType, identityInfo, at: now() });
  }

  creating(instanceId: string, username: string): void {
    this.append({ kind: 'creating', instanceId, username, at: now() });
  }

  created(instanceId: string, userId: string, username: string): void {
    this.append({ kind: 'created', instanceId, userId, username, at: now() });
  }

  restored(userId: string): void {
    this.append({ kind: 'restored', userId, at: now() });
  }

  deleted(userId: string): void {
    this.append({ kind: 'deleted', userId, at: now() });
  }

  finish(): void {
    this.append({ kind: 'finished', at: now() });
  }

  get pending(): Pending {
    return pendingOf(this.data);
  }
}

export interface UndoReport {
  notes: RestoreNote[];
  unknown: Pending['unknown'];
}

/**
 * Restores every pending snapshot (with the binding's restore: a snapshot holds the state of its member) and deletes
 * every pending created user of a journal, recording each as done.
 */
export async function undoJournal(
  spec: Spec,
  binding: OperationBinding,
  target: { send(command: object): Promise<Observation> },
  journal: Journal,
): Promise<UndoReport> {
  const pending = journal.pending;
  const notes: RestoreNote[] = [];
  for (const s of pending.snapshots) {
    const note = await restoreSnapshot(spec, binding, target, {
      instanceId: s.instanceId,
      userId: s.userId,
      identityManagementType: s.identityManagementType,
      state: s.identityInfo,
    });
    if (note.restored) journal.restored(s.userId);
    notes.push(note);
  }
  for (const c of pending.created) {
    const note = await deleteCreated(target, c.instanceId, c.userId);
    if (note.restored) journal.deleted(c.userId);
    notes.push(note);
  }
  if (isFinished(journal.pending)) journal.finish();
  return { notes, unknown: pending.unknown };
}
