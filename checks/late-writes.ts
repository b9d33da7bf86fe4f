// No write lands late, and the reads settle (NL-REJECTED-UNCHANGED, NL-OTHER-USERS-UNCHANGED, RB-READBACK): the
// "unchanged" checks after each request read at once, which a target that applies a rejected request (or another
// user's update) a few hundred ms late would pass. So, once every step that ends in a rejection has run, every fixture
// user is read at the start of a whole read-back window and twice at its end. At the start a read may still show an
// earlier version (a stale replica: checks/consistency.ts), never a state no accepted update produced; at the end, with
// no write for a whole window, both reads must show the newest version: the settled state.
import { sleep } from '../core/poll.ts';
import type { RequirementId } from '../spec/index.ts';
import { staleWindowMs } from './consistency.ts';
import type { CheckContext, Fixture, UserState } from './context.ts';
import { readState, unchangedVerdicts, type StateRead } from './read-back.ts';
import type { CheckDefinition } from './definition.ts';
import { fail, pass, type Verdict } from './verdict.ts';

interface Watched {
  f: Fixture;
  state: UserState;
  requirementId: RequirementId;
  what: string;
}

const CASE_ID = 'hold:late-writes';

/** Holds every fixture user of `fixtures` for one read-back window; a user whose reads leave the model fails. */
async function noLateWrites(ctx: CheckContext, fixtures: Fixture[]): Promise<Verdict[]> {
  const watched: Watched[] = fixtures.flatMap((f) => [
    { f, state: f.user, requirementId: 'NL-REJECTED-UNCHANGED' as const, what: 'the rejected requests' },
    ...(f.other ? [{ f, state: f.other, requirementId: 'NL-OTHER-USERS-UNCHANGED' as const, what: 'the updates of another user' }] : []),
  ]);
  const started = Date.now();
  const windowMs = staleWindowMs(ctx);
  const verdicts: Verdict[] = [];
  const failed = new Set<UserState>();
  const evidence = (w: Watched, read: StateRead, problem: string, expected: string) => ({
    caseId: CASE_ID,
    input: undefined,
    observation: read.observation,
    expected: { summary: expected },
    problem: `${Date.now() - started} ms into the hold after the last request: ${problem}${problem.includes('no accepted update produced') ? `: a write landed late, after ${w.what}` : ''}`,
    identityManagementType: w.f.set.identityManagementType,
  });
  // The start of the window: a stale replica may still show an earlier version; nothing else.
  for (const w of watched) {
    const read = await readState(ctx, w.state);
    const found = unchangedVerdicts(ctx, w.state, read, [w.requirementId], (problem, expected) => evidence(w, read, problem, expected));
    if (found.some((v) => !v.pass)) failed.add(w.state);
    verdicts.push(...found.filter((v) => !v.pass));
  }
  if (windowMs > 0) await sleep(windowMs);
  // The end: no write for a whole window, so the newest version only, and twice the same (settled).
  for (const w of watched) {
    if (failed.has(w.state)) continue;
    const reads: StateRead[] = [];
    for (let i = 0; i < (windowMs > 0 ? 2 : 1); i++) reads.push(await readState(ctx, w.state));
    const seen = reads.filter((r) => r.state);
    // Reads that got no identity info prove nothing (SRV-AVAILABLE and FX- judge their answers).
    if (!seen.length) continue;
    const wrong = seen.find((r) => r.state !== 'newest');
    if (!wrong) {
      verdicts.push(pass(w.requirementId, CASE_ID));
      continue;
    }
    if (wrong.state === 'foreign') {
      verdicts.push(
        ...unchangedVerdicts(ctx, w.state, wrong, [w.requirementId], (problem, expected) => evidence(w, wrong, problem, expected)).filter(
          (v) => !v.pass,
        ),
      );
      continue;
    }
    // A version an earlier accepted update produced, a whole window after the last update: the update that replaced it
    // was lost (or the reads never settle). Read-back holds only when the state settles on what was sent.
    const settled = seen.length > 1 && seen.every((r) => r.state === wrong.state && JSON.stringify(r.info) === JSON.stringify(wrong.info));
    verdicts.push(
      fail(
        'RB-READBACK',
        evidence(
          w,
          wrong,
          `user ${w.state.userId} ${settled ? 'settled on' : 'still read'} ${JSON.stringify(wrong.info)}, the version from before an accepted update, a whole read-back window (${windowMs} ms) after the last update: the update was lost${settled ? '' : ', or the reads do not settle'}`,
          `DescribeUser returns ${JSON.stringify(w.state.info)}`,
        ),
      ),
    );
  }
  return verdicts;
}

/** The hold: one step for the whole run, after every set's steps that end in rejections, before the stateful tests. */
export const LATE_WRITES: CheckDefinition = {
  phase: 'hold',
  name: 'late-writes',
  suite: 'statefulModel',
  proves: ['NL-REJECTED-UNCHANGED', 'NL-OTHER-USERS-UNCHANGED', 'RB-READBACK'],
  needs: ['readBack'],
  run: (ctx, _fixture, fixtures) => noLateWrites(ctx, fixtures),
};
