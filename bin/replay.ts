// `connect-conformance replay`: re-runs one case of a report (boundary case by id, random case or command sequence
// by generator, seed and path, or the existence and authentication checks) against any target, and prints what
// the requirement concluded. Exit 0 when it passes, 1 when it still fails.
import { replayCase } from '../generators/index.ts';
import { defaultSpec } from '../spec/index.ts';
import { unsignedRequestRefused, wrongSignatureRefused } from '../suites/checks/authentication.ts';
import { runCase } from '../suites/checks/cases.ts';
import { foreignUserIsNotFound, unknownInstanceIsNotFound, unknownUserIsNotFound, validationBeforeExistence } from '../suites/checks/existence.ts';
import { modelBasedSequences } from '../suites/checks/stateful.ts';
import { prepareFixture, type Fixture } from '../suites/phases.ts';
import { openSession, preflight, type Session } from '../suites/session.ts';
import type { Verdict } from '../suites/verdict.ts';
import { createTarget } from '../targets/index.ts';
import { TARGET_FLAGS, TARGET_HELP, targetConfig } from './run-config.ts';
import { integerFlag, parseFlags, UsageError } from './usage.ts';

export const REPLAY_HELP = `Usage: connect-conformance replay --requirement ID --case CASE-ID [--identity-management TYPE]
                                  [--generator NAME --seed N --path P] [target flags]

Re-runs one failing case from results.json (its "replay" field is this command, filled in) and prints the verdict.
Exit 0 when the requirement now passes, 1 when it still fails, 2 for bad flags.

${TARGET_HELP}`;

type Check = (session: Session, fixture: Fixture) => Promise<Verdict[]>;

/** The checks that are not one generated case: existence, precedence, authentication. */
const CHECKS: Record<string, Check> = {
  'EX-UNKNOWN-INSTANCE': unknownInstanceIsNotFound,
  'EX-UNKNOWN-USER': unknownUserIsNotFound,
  'EX-FOREIGN-USER': foreignUserIsNotFound,
  'PREC-VALIDATION-FIRST': validationBeforeExistence,
  'AUTH-UNSIGNED': unsignedRequestRefused,
  'AUTH-BAD-SIGNATURE': wrongSignatureRefused,
};

async function verdictsOf(session: Session, fixture: Fixture, requirement: string, caseId: string, generator: string | undefined): Promise<Verdict[]> {
  if (generator === 'stateful' || caseId.startsWith('stateful:')) return modelBasedSequences(session, fixture);
  if (CHECKS[requirement] && !caseId.startsWith('boundary:') && !caseId.startsWith('random:')) return CHECKS[requirement]!(session, fixture);
  if (generator && session.config.replayPath) {
    const c = replayCase(session.spec, fixture.set.identityManagementType, { generator, seed: session.config.seed, path: session.config.replayPath });
    return runCase(session, fixture.generators.withLabels(c, { InstanceId: fixture.set.instanceId, UserId: fixture.set.userId }), fixture.user, fixture.other);
  }
  const c = fixture.generators.boundaryCases().find((x) => x.id === caseId);
  if (!c) throw new UsageError(`--case ${caseId} is no boundary case of ${fixture.set.identityManagementType}; a random case needs --generator, --seed and --path`);
  return runCase(session, fixture.generators.withLabels(c, { InstanceId: fixture.set.instanceId, UserId: fixture.set.userId }), fixture.user, fixture.other);
}

export async function replay(args: string[]): Promise<number> {
  const { values } = parseFlags('replay', args, {
    ...TARGET_FLAGS,
    requirement: { type: 'string' },
    case: { type: 'string' },
    generator: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
  });
  if (values.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  const spec = await defaultSpec();
  const requirement = values.requirement as string | undefined;
  const caseId = values.case as string | undefined;
  if (!requirement || !caseId) throw new UsageError('connect-conformance replay needs --requirement ID and --case CASE-ID (copy them from results.json)');
  if (!spec.requirements.some((r) => r.id === requirement)) throw new UsageError(`--requirement ${requirement} is not in spec/requirements.yaml`);
  const config = {
    ...targetConfig(spec, values),
    seed: integerFlag('seed', values.seed as string | undefined, -(2 ** 31), 2 ** 31 - 1) ?? 0,
    runs: 1,
    only: [] as string[],
    replayPath: values.path as string | undefined,
  };
  const probe = await createTarget(spec, { kind: config.target, region: config.region, endpointUrl: config.endpointUrl, modulePath: config.modulePath });
  try {
    await preflight(spec, config, probe);
  } finally {
    await probe.close();
  }
  config.expectAuth ||= probe.enforcesAuth === true;
  const session = await openSession(config);
  let verdicts: Verdict[];
  try {
    const type = config.identityManagementType ?? session.sets[0]!.identityManagementType;
    const set = session.sets.find((s) => s.identityManagementType === type)!;
    verdicts = await verdictsOf(session, await prepareFixture(session, set), requirement, caseId, values.generator as string | undefined);
    session.record(...verdicts);
  } finally {
    await session.close();
  }
  const entry = session.ledger.entries[requirement];
  if (!entry || entry.cases === 0) {
    console.log(`${requirement}: the case did not reach this requirement (nothing to judge)`);
    return 1;
  }
  if (entry.failures === 0) {
    console.log(`PASS ${requirement}: ${entry.cases} verdict(s), none failing`);
    return 0;
  }
  for (const e of entry.evidence) {
    console.log(`FAIL ${requirement} (${e.caseId}): ${e.problem}\n  expected: ${e.expected.summary}`);
    if (e.request) console.log(`  request:  ${e.request.method} ${e.request.path}\n            ${e.request.body.slice(0, 400)}`);
    if (e.response) console.log(`  response: ${e.response.status} ${JSON.stringify(e.response.headers)}\n            ${e.response.body.slice(0, 400)}`);
  }
  return 1;
}
