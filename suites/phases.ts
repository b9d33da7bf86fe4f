// The two phases of a suite, as the best tools run them: a deterministic boundary phase that reaches every input
// requirement once, then a random phase with shrinking, reproducible from the run's seed. Both aim every case at
// the fixture user (labels a case is about are kept) and record every verdict in the session's ledger.
import fc from 'fast-check';
import { createGenerators, type Case, type Generators } from '../generators/index.ts';
import { failed, flushRejections, runCase, type UserState } from './checks/cases.ts';
import type { FixtureSet, Session } from './session.ts';
import type { Verdict } from './verdict.ts';

export interface Fixture {
  set: FixtureSet;
  generators: Generators;
  /** The fixture user, and the second user when there is one. */
  user: UserState;
  other?: UserState;
}

const generatorCache = new WeakMap<object, Map<string, Generators>>();

/** The generators of a spec for one identity management type, built once per process (they are pure). */
export function generatorsFor(session: Session, type: string): Generators {
  let byType = generatorCache.get(session.spec);
  if (!byType) generatorCache.set(session.spec, (byType = new Map()));
  let g = byType.get(type);
  if (!g) byType.set(type, (g = createGenerators(session.spec, type)));
  return g;
}

/** Generators and the known state of the fixture users, for one fixture set. */
export async function prepareFixture(session: Session, set: FixtureSet): Promise<Fixture> {
  const generators = generatorsFor(session, set.identityManagementType);
  const read = async (userId: string): Promise<UserState> => {
    const { info } = await session.readIdentity(set.instanceId, userId);
    if (!info) throw new Error(`cannot read fixture user ${userId} of instance ${set.instanceId}`);
    return { instanceId: set.instanceId, userId, info };
  };
  return { set, generators, user: await read(set.userId), other: set.secondUserId ? await read(set.secondUserId) : undefined };
}

const labelsOf = (f: Fixture) => ({ InstanceId: f.set.instanceId, UserId: f.set.userId });
const wanted = (session: Session, c: Case) => session.config.only.length === 0 || c.requirementIds.some((id) => session.wants(id));

/** The boundary phase: every case once, in order; `filter` picks the kinds a suite file is about. */
export async function boundaryPhase(session: Session, f: Fixture, filter: (c: Case) => boolean): Promise<number> {
  let sent = 0;
  for (const raw of f.generators.boundaryCases().filter(filter)) {
    if (!wanted(session, raw)) continue;
    session.record(...(await runCase(session, f.generators.withLabels(raw, labelsOf(f)), f.user, f.other)));
    sent++;
  }
  session.record(...(await flushRejections(session, f.user)));
  return sent;
}

/**
 * The random phase of one generator: `runs` cases from the run's seed. A failing case is shrunk by fast-check
 * (re-sending smaller cases), and the shrunk case is recorded with its seed and path for replay. Passing
 * verdicts are recorded as they come; failing ones only for the final, shrunk case.
 */
export async function randomPhase(session: Session, f: Fixture, generator: string): Promise<void> {
  const arbitrary = f.generators.arbitrary(generator);
  let ownError: unknown;
  // The verdicts of the last failing execution: fast-check's last failure is the shrunk counterexample, and the
  // target's state may have moved on since, so it is recorded as it was seen rather than sent again.
  let lastFailing: Verdict[] = [];
  const property = fc.asyncProperty(arbitrary, async (raw) => {
    if (!wanted(session, raw)) return true;
    try {
      const verdicts = await runCase(session, f.generators.withLabels(raw, labelsOf(f)), f.user, f.other);
      const failures = failed(verdicts, session);
      if (failures.length === 0) session.record(...verdicts);
      else lastFailing = verdicts;
      return failures.length === 0;
    } catch (e) {
      ownError ??= e;
      throw e;
    }
  });
  const result = await fc.check(property, { seed: session.config.seed, numRuns: session.config.runs, path: session.config.replayPath });
  session.record(...(await flushRejections(session, f.user)));
  // A property that threw is the suite's own failure (a case that is not what its label says, a bug): fail closed.
  if (ownError) throw ownError;
  if (!result.failed) return;
  session.record(
    ...lastFailing.map((v) =>
      v.evidence ? { ...v, evidence: { ...v.evidence, seed: result.seed, path: result.counterexamplePath ?? undefined, generator } } : v,
    ),
  );
}
