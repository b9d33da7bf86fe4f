// How a suite file runs: it opens a session, runs its checks on every fixture set (at load time, so that its
// tests can be one per requirement it reached), restores the fixtures, writes its ledger for the command, and
// declares one vitest test per requirement: a MUST or SHOULD that failed fails its test, with its evidence.
import { describe, expect, it } from 'vitest';
import { prepareFixture, type Fixture } from './phases.ts';
import { openSession, writeLedger, type Session } from './session.ts';

export async function conformanceSuite(name: string, run: (session: Session, fixture: Fixture) => Promise<void>): Promise<void> {
  const session = await openSession();
  try {
    for (const set of session.sets) await run(session, await prepareFixture(session, set));
  } finally {
    const restore = await session.close();
    writeLedger(session.config, name, { ledger: session.ledger.entries, restore });
  }
  describe(name, () => {
    for (const requirement of session.catalogue.all) {
      const entry = session.ledger.entries[requirement.id];
      if (!entry) continue;
      const { status, reason } = session.ledger.status(requirement.id);
      const title = `${requirement.id} ${requirement.title} [${requirement.level}; ${entry.cases} case(s)${reason ? `; ${reason}` : ''}]`;
      if (status === 'skip' || status === 'n/a') {
        it.skip(title, () => {});
        continue;
      }
      it(title, () => {
        const problems = entry.evidence.map((e) => `${e.caseId}: ${e.problem}`).join('\n');
        if (requirement.level !== 'OBSERVE') expect(entry.failures, problems).toBe(0);
      });
    }
  });
}
