// The safety envelope of a run against a real account (--target aws), or a recording of one (--target replay), and
// the sandbox policy's aiming of cases. Every request of such a run passes one envelope (targets/aws/safety-envelope.ts):
//
//   1. nothing is sent unless the instances are allowlisted (engine/policy.ts, at the start of every run, before
//      anything exists; the guard refuses any request to another instance);
//   2. a journal left unfinished in the journal directory by an earlier run is undone first (its snapshots restored,
//      its users deleted); then a new journal records every snapshot and every created user before the first write;
//   3. the guard refuses locally any request outside the five operations, the allowlisted instances and the run's own
//      users; generated values are safe by construction (reserved mail domains, fictional numbers);
//   4. one token bucket and one request budget, with a reserve kept for restoring the fixtures.
import type { OperationBinding } from '../core/binding.ts';
import { join } from 'node:path';
import type { Generators } from '../generators/index.ts';
import { CaseMismatchError, createGenerators, type Case } from '../generators/index.ts';
import { encodeLabel } from '../core/label-encoding.ts';
import { TargetConfigError } from '../core/errors.ts';
import type { Spec } from '../spec/index.ts';
import {
  Budget,
  SafetyEnvelope,
  instantClock,
  isFinished,
  Journal,
  journalOperation,
  pendingOf,
  readJournal,
  Recorder,
  TokenBucket,
  undoJournal,
  type JournalData,
} from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { uuidsIn, uuidsInLabel } from '../targets/guard/ids.ts';
import { createTarget, SendStopped, type Target } from '../targets/index.ts';
import type { RestoreNote } from '../targets/aws/restore.ts';
import { pollWaits, type PollSchedule } from '../core/poll.ts';
import { MemoryJournal, RESTORE_ATTEMPTS, type FixtureJournal } from './fixtures.ts';
import { checkCassetteSettings, recordedSettings, SANDBOX_DEFAULTS, type RunConfig } from './options.ts';
import { toolInfo } from './tool-info.ts';
import type { RunEvent } from './events.ts';
import type { RequestLabels } from './request-labels.ts';

/** Options the sandbox generates with: values that can reach no one. */
export const SANDBOX_GENERATOR_OPTIONS = { fictionalMobiles: true, strictMail: true } as const;

/** Requests kept back for restore: per snapshot, its update (and one retry) and the reads of one poll window; per
 * created user its deletion and one retry. */
export function reserveFor(config: RunConfig, poll: PollSchedule): number {
  const snapshots = config.provision ? 0 : [config.fixtures.userId, config.fixtures.secondUserId].filter(Boolean).length;
  const created = config.provision ? 2 : 0;
  const readsPerWindow = 1 + [...pollWaits(poll)].length;
  return snapshots * (RESTORE_ATTEMPTS + readsPerWindow) + created * 2 + 2;
}

const PATH_LABEL = /\{([^}]+)\}/g;
const MASK = (run: string) => run.replace(/[0-9a-f]/gi, 'z');

/**
 * A case whose labels hold a UUID that is neither an allowlisted instance nor a user the run owns (the generators'
 * own example IDs, in a label the case tests) is aimed at the run's own: a label that is only such a UUID becomes the
 * fixture's label; a UUID inside a longer label is masked (same length, no longer hex), so the label still tests what
 * it tests. The case is re-checked; one that would change meaning is refused.
 */
export function aimSafely(g: Generators, c: Case, fixtureLabels: Record<string, string>, known: (uuid: string) => boolean): Case {
  const labels = { ...c.labels };
  const encoded = { ...c.wire.encodedLabels };
  let changed = false;
  for (const name of Object.keys(encoded)) {
    const foreign = uuidsInLabel(encoded[name]!).filter((u) => !known(u));
    if (!foreign.length) continue;
    changed = true;
    const value = labels[name] ?? '';
    if (uuidsIn(value).length === 1 && value.replace(/[0-9a-f-]/gi, '') === '' && fixtureLabels[name] !== undefined) {
      labels[name] = fixtureLabels[name]!;
      encoded[name] = encodeLabel(labels[name]!);
    } else {
      const mask = (s: string) =>
        s.replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, (run) =>
          known(run.toLowerCase().replaceAll('-', '')) ? run : MASK(run),
        );
      labels[name] = mask(value);
      encoded[name] = mask(encoded[name]!);
    }
  }
  if (!changed) return c;
  const path = g.spec.operation.pathTemplate.replace(PATH_LABEL, (_, n: string) => encoded[n] ?? '');
  try {
    return g.recheck({ ...c, labels, wire: { ...c.wire, encodedLabels: encoded, path } });
  } catch (e) {
    if (e instanceof CaseMismatchError)
      throw new SendStopped(
        'refused',
        `case ${c.id} names an ID the run does not own, and cannot be aimed at the run's own without changing what it tests`,
      );
    throw e;
  }
}

/** Safe generators whose relabelled cases name only what the run owns; each random case names its envelope context. */
export function sandboxGenerators(
  spec: Spec,
  type: string,
  requestLabels: RequestLabels,
  fixtureLabels: () => Record<string, string>,
): Generators {
  const g = createGenerators(spec, type, SANDBOX_GENERATOR_OPTIONS);
  return {
    ...g,
    withLabels(c, labels) {
      const aimed = aimSafely(g, g.withLabels(c, labels), fixtureLabels(), (u) => requestLabels.envelope.guard.knows(u));
      if (aimed.replay) requestLabels.name(aimed.id, aimed.requirementIds);
      return aimed;
    },
  };
}

const basePathOf = (endpointUrl: string | undefined) => (endpointUrl ? new URL(endpointUrl).pathname.replace(/\/$/, '') : '');

function journalTarget(config: RunConfig): JournalData['target'] {
  return {
    kind: config.target,
    region: config.region,
    ...(config.endpointUrl ? { endpointUrl: config.endpointUrl } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
  };
}

/** Guard and envelope for finishing a journal: its own instances and users, the run's budget and bucket. */
export function journalEnvelope(
  binding: OperationBinding,
  data: JournalData,
  journal: Journal,
  budget: Budget,
  bucket: TokenBucket,
): SafetyEnvelope {
  const pending = pendingOf(data);
  const guard = new Guard({
    allowInstances: data.allowInstances,
    fixtureUsers: pending.snapshots.map((s) => s.userId),
    basePath: basePathOf(data.target.endpointUrl),
    journal,
    binding,
  });
  for (const c of pending.created) guard.addCreated(c.userId);
  return new SafetyEnvelope({ guard, budget, bucket });
}

interface UndoneEarlier {
  notes: RestoreNote[];
  unknown: { instanceId: string; username: string }[];
}

/** A target behind the safety envelope, with its journal; `finish` writes the recording and closes the journal. */
export interface SandboxTarget {
  target: Target;
  envelope: SafetyEnvelope;
  journal: FixtureJournal;
  /** What an earlier run's unfinished journal left, undone before this run started. */
  undone?: UndoneEarlier;
  finish(restore: RestoreNote[]): void;
}

/** Opens the envelope of an aws or replay run; on aws, finishes an earlier run's journal first. */
export async function openSandbox(
  spec: Spec,
  binding: OperationBinding,
  config: RunConfig,
  poll: PollSchedule,
  secrets: string[],
  emit: (e: RunEvent) => void = () => {},
): Promise<SandboxTarget> {
  const isAws = config.target === 'aws';
  // (Every instance the run names is allowlisted: engine/policy.ts, at the start of the run; the guard holds each request to it.)
  const allow = isAws
    ? (config.allowInstances ?? [])
    : [config.fixtures.instanceId, config.fixtures.secondInstanceId].filter((x): x is string => !!x);
  const budget = new Budget(config.maxRequests ?? SANDBOX_DEFAULTS.maxRequests, reserveFor(config, poll));
  const bucket = isAws
    ? new TokenBucket(config.rate ?? SANDBOX_DEFAULTS.rate, config.burst ?? SANDBOX_DEFAULTS.burst)
    : new TokenBucket(Number.POSITIVE_INFINITY, 1);
  const dir = config.journalDir;
  let undone: UndoneEarlier | undefined;
  const previous = isAws && dir ? readJournal(dir) : undefined;
  if (previous && !isFinished(pendingOf(previous))) {
    const outside = previous.allowInstances.filter((i) => !allow.includes(i));
    if (outside.length)
      throw new TargetConfigError(
        `${join(dir!, 'journal.json')} holds unfinished work of an earlier run on instance ${outside.join(', ')}, which this run does not allowlist; run connect-conformance cleanup --report-dir ${dir}`,
      );
    // A snapshot is put back by the restore of the operation it is of: another operation's is cleanup's to undo.
    if (journalOperation(previous) !== binding.name)
      throw new TargetConfigError(
        `${join(dir!, 'journal.json')} holds unfinished work of an earlier run of ${journalOperation(previous)}, not ${binding.name}; run connect-conformance cleanup --report-dir ${dir}`,
      );
    const resumed = Journal.resume(dir!, previous);
    const cleanupTarget = await createTarget(spec, {
      kind: 'aws',
      region: config.region,
      endpointUrl: config.endpointUrl,
      profile: config.profile,
      envelope: journalEnvelope(binding, previous, resumed, budget, bucket),
      requestTimeoutMs: config.requestTimeoutMs,
    });
    try {
      undone = await undoJournal(spec, binding, cleanupTarget, resumed);
      emit({ type: 'journal-undone', journalDir: dir!, notes: undone.notes, unknown: undone.unknown });
      if (!isFinished(resumed.pending))
        throw new TargetConfigError(
          `could not undo the earlier run recorded in ${resumed.file}; run connect-conformance cleanup --report-dir ${dir} and check its users`,
        );
    } finally {
      await cleanupTarget.close();
    }
  }
  const journal = isAws && dir ? Journal.start(dir, journalTarget(config), allow, binding.name) : undefined;
  const memory = journal ? undefined : new MemoryJournal();
  const guard = new Guard({
    allowInstances: allow,
    fixtureUsers: config.provision ? [] : [config.fixtures.userId, config.fixtures.secondUserId].filter((u): u is string => !!u),
    basePath: basePathOf(config.endpointUrl),
    journal: journal ?? memory,
    binding,
  });
  if (config.target === 'replay') checkCassetteSettings(config);
  const recorder = config.record ? new Recorder(secrets, recordedSettings(config), `${toolInfo().name}/${toolInfo().version}`) : undefined;
  const envelope = new SafetyEnvelope({ guard, budget, bucket, recorder, ...(isAws ? {} : { clock: instantClock }) });
  const target = await createTarget(spec, {
    kind: config.target,
    region: config.region,
    endpointUrl: config.endpointUrl,
    profile: config.profile,
    cassette: config.cassette,
    envelope,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  return {
    target,
    envelope,
    journal: journal ?? memory!,
    undone,
    finish(restore) {
      if (recorder && config.record) recorder.write(config.record);
      if (journal && restore.every((n) => n.restored) && isFinished(journal.pending)) journal.finish();
    },
  };
}
