// What each suite file runs on one fixture set. The vitest files (suites/*.test.ts) and the in-process runner
// (runAllSuites, for the suite's own power tests and the strength score) run exactly these.
import { unsignedRequestRefused, wrongSignatureRefused } from './checks/authentication.ts';
import { modelBasedSequences } from './checks/stateful.ts';
import { foreignUserIsNotFound, unknownInstanceIsNotFound, unknownUserIsNotFound, validationBeforeExistence } from './checks/existence.ts';
import { boundaryPhase, prepareFixture, randomPhase, type Fixture } from './phases.ts';
import type { RestoreNote, Session } from './session.ts';
import type { Verdict } from './verdict.ts';

export type SuiteRun = (session: Session, fixture: Fixture) => Promise<void>;

type Check = (session: Session, fixture: Fixture) => Promise<Verdict[]>;

const recordEach = async (session: Session, fixture: Fixture, checks: Check[]) => {
  for (const check of checks) session.record(...(await check(session, fixture)));
};

export const SUITES: Record<string, SuiteRun> = {
  /** Validation (rules 2-7, 17): invalid and wire cases, boundary then random. */
  async validation(session, fixture) {
    await boundaryPhase(session, fixture, (c) => c.expected.outcome !== 'accepted');
    await randomPhase(session, fixture, 'invalid');
    await randomPhase(session, fixture, 'wire');
  },
  /** Positive acceptance (rules 2, 3, 5, 6, 10, 11): valid cases, the success envelope, read-back. */
  async acceptance(session, fixture) {
    await boundaryPhase(session, fixture, (c) => c.expected.outcome === 'accepted');
    await randomPhase(session, fixture, 'valid');
  },
  /** Existence and precedence (rules 8, 9). */
  existence: (session, fixture) => recordEach(session, fixture, [unknownInstanceIsNotFound, unknownUserIsNotFound, foreignUserIsNotFound, validationBeforeExistence]),
  /** Nothing lost (rules 11, 12): model-based sequences of updates and read-backs on the fixture users. */
  statefulModel: (session, fixture) => recordEach(session, fixture, [modelBasedSequences]),
  /** Authentication (rule 15), when the configuration says the target enforces it. */
  authentication: (session, fixture) => recordEach(session, fixture, [unsignedRequestRefused, wrongSignatureRefused]),
};

/** Runs every suite (or those named) in this process on every fixture set of the session; restores the fixtures. */
export async function runAllSuites(session: Session, names: string[] = Object.keys(SUITES)): Promise<RestoreNote[]> {
  try {
    for (const set of session.sets) {
      for (const name of names) await SUITES[name]!(session, await prepareFixture(session, set));
    }
  } catch (e) {
    await session.close();
    throw e;
  }
  return session.close();
}
