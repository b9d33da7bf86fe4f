// `connect-conformance cleanup --report-dir DIR`: finishes what a run against a real account left undone (killed,
// crashed, out of budget during restore): restores every fixture snapshot and deletes every user its journal
// (DIR/journal.json) records as not yet restored or deleted. It sends only inside a safety envelope whose allowlist
// is the journal's instances and whose users are the journal's users; the target (region, endpoint, profile) is the
// journal's unless flags say otherwise. Exit 0 when nothing is left to undo, 1 when something could not be undone,
// 2 for bad flags or an unreadable journal.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { specOf } from '../spec/index.ts';
import { Budget, isFinished, Journal, journalOperation, pendingOf, readJournal, TokenBucket, undoJournal } from '../targets/aws/index.ts';
import { operationFlag } from './operation.ts';
import { createTarget } from '../targets/index.ts';
import { journalEnvelope } from '../engine/sandbox.ts';
import { printUndo } from './sandbox.ts';
import { SANDBOX_DEFAULTS } from '../engine/options.ts';
import { againstAws, checkRateCeiling, rateOf, wholeNumber } from '../engine/policy.ts';
import { asFlags, flagsOf, type Values } from './run-config.ts';
import { parseFlags, UsageError } from './usage.ts';

export const CLEANUP_HELP = `Usage: connect-conformance cleanup --report-dir DIR [--profile NAME] [--region REGION] [--endpoint-url URL]
                                   [--max-requests N] [--rate R] [--burst B]

Undoes what a run with --target aws left in DIR/journal.json: restores each fixture user it snapshotted and deletes
each user it created (Username conformance-*, tag conformance=true), verifying each, and records it in the journal.
A run does the same by itself before it starts when it finds an unfinished journal in its --report-dir. Only the
journal's instances and users are written to. Exit 0 when nothing is left to undo, 1 when something could not be
undone (it says what), 2 for bad flags or a journal that cannot be read.`;

export async function cleanup(args: string[]): Promise<number> {
  const values: Values = parseFlags('cleanup', args, {
    'report-dir': { type: 'string' },
    ...flagsOf(['profile', 'region', 'endpointUrl', 'maxRequests', 'rate', 'burst']),
    help: { type: 'boolean', short: 'h' },
  }).values;
  if (values.help) {
    console.log(CLEANUP_HELP);
    return 0;
  }
  const dir = values['report-dir'] as string | undefined;
  if (!dir) throw new UsageError('connect-conformance cleanup needs --report-dir DIR (the directory of the run to clean up after)');
  let isDir = false;
  try {
    isDir = statSync(resolve(dir)).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new UsageError(
      `connect-conformance cleanup: --report-dir ${dir} is not a folder (give the --report-dir of the run to clean up after)`,
    );
  const data = readJournal(resolve(dir));
  if (!data) {
    console.log(`connect-conformance cleanup: no journal in ${dir}: nothing to clean up`);
    return 0;
  }
  const pending = pendingOf(data);
  if (isFinished(pending) && pending.unknown.length === 0) {
    console.log(`connect-conformance cleanup: the run recorded in ${dir} left nothing to undo`);
    return 0;
  }
  const flag = (name: string) => values[name] as string | undefined;
  const where = {
    region: flag('region') ?? data.target.region,
    endpointUrl: flag('endpoint-url') ?? data.target.endpointUrl,
    profile: flag('profile') ?? data.target.profile,
  };
  // The engine's policy (engine/policy.ts), as for a run: the ranges, and the rate ceiling against AWS itself.
  const rate = flag('rate') === undefined ? SANDBOX_DEFAULTS.rate : asFlags(() => rateOf(flag('rate')!));
  const burst = flag('burst') === undefined ? SANDBOX_DEFAULTS.burst : asFlags(() => wholeNumber('burst', flag('burst')!));
  asFlags(() => checkRateCeiling(rate, burst, againstAws('aws', where)));
  const budget = new Budget(
    flag('max-requests') === undefined ? SANDBOX_DEFAULTS.maxRequests : asFlags(() => wholeNumber('maxRequests', flag('max-requests')!)),
  );
  const bucket = new TokenBucket(rate, burst);
  const journal = Journal.resume(resolve(dir), data);
  // The snapshots are of the operation the run tested: its binding restores them.
  const binding = operationFlag(journalOperation(data));
  const spec = await specOf(binding);
  const envelope = journalEnvelope(binding, data, journal, budget, bucket);
  envelope.beginRestore();
  const target = await createTarget(spec, { kind: 'aws', ...where, envelope });
  console.log(
    `connect-conformance cleanup: ${pending.snapshots.length} user(s) to restore, ${pending.created.length} to delete, at ${target.endpoint}`,
  );
  let report;
  try {
    report = await undoJournal(spec, binding, target, journal);
  } finally {
    await target.close();
  }
  printUndo(report);
  const done = isFinished(journal.pending);
  console.log(`${done ? 'done' : 'NOT done'}: ${budget.sent} request(s) sent; journal ${journal.file}`);
  return done && report.unknown.length === 0 ? 0 : 1;
}
