// Existence and precedence: an unknown instance (EX-UNKNOWN-INSTANCE), an unknown user (EX-UNKNOWN-USER), a user of
// another instance (EX-FOREIGN-USER), and an invalid request naming an unknown user (PREC-VALIDATION-FIRST). IDs that
// cannot exist are made up from the run's seed (`conformance-missing-<hex>`): not UUID-shaped, so they can never name a
// real instance or user, and the same for the same seed, so that a recorded run replays.
//
// Label injections (generators/labels.ts LABEL_INJECTIONS) are unknown IDs too: `<made-up>%2F..%2F<fixture>` and kin
// name nothing, but a server that percent-decodes a label before routing and resolves dot segments reads them as the
// path of a fixture (the fixture user itself, its instance, or the second fixture user). Each is answered 404 and
// changes nothing: every fixture user is read afterwards (docs/contract.md B9, B12).
import { madeUpId } from '../targets/guard/ids.ts';
import { LABEL_INJECTIONS, type Case, type LabelInjection } from '../generators/index.ts';
import type { Observation } from '../targets/index.ts';
import { withoutWaiting, type CheckContext, type Fixture } from './context.ts';
import { judge, type Verdict } from './verdict.ts';
import { evidenceOf, outcomeProblem, sendCase } from './cases.ts';
import { learnChange, readState, unchangedVerdicts } from './read-back.ts';
import { answerOf, describeObservation } from './answer.ts';

/** A valid case that is valid for every identity management type (so that whichever instance answers, only existence is in question). */
export function universallyValidCase(ctx: CheckContext, f: Fixture): Case {
  const valid = f.generators.boundaryCases().filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk');
  const validEverywhere = (c: Case) =>
    ctx.spec.identityManagementTypes.every((t) => ctx.validator.validate(ctx.spec.operation.name, { labels: c.labels, body: c.body }, t).violations.length === 0);
  const best = valid.filter(validEverywhere).sort((a, b) => Object.keys(bodyInfo(b)).length - Object.keys(bodyInfo(a)).length)[0];
  const chosen = best ?? valid[0];
  if (!chosen) throw new Error(`the generators gave no valid boundary case for ${f.set.identityManagementType}`);
  return chosen;
}

/** The valid case with the most members for an identity management type: what an instance of that type accepts. */
function fullestValidCase(ctx: CheckContext, type: string): Case | undefined {
  return ctx.generatorsFor(type)
    .boundaryCases()
    .filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk')
    .sort((a, b) => Object.keys(bodyInfo(b)).length - Object.keys(bodyInfo(a)).length)[0];
}

const bodyInfo = (c: Case) => ((c.body as { IdentityInfo?: object }).IdentityInfo ?? {}) as Record<string, unknown>;

const notFoundTypes = (ctx: CheckContext) => ctx.spec.operation.errors.filter((e) => e.status === 404).map((e) => e.type);

/** A 404 with a declared not-found type, and the fixture user unchanged. */
async function expectNotFound(ctx: CheckContext, f: Fixture, requirementId: string, c: Case, what: string): Promise<Verdict[]> {
  const obs: Observation = await sendCase(ctx, c);
  ctx.observe(obs, { caseId: c.id, input: c.body, sensitiveValues: [], protocolLevel: false });
  const types = notFoundTypes(ctx);
  const a = answerOf(ctx.spec, obs);
  // An SDK outcome without a status (answer.ts) is judged on its error type.
  const ok = !!a && a.error && (a.status === undefined || a.status === 404) && !!a.type && types.includes(a.type);
  const expected = { summary: `404 with ${types.join(' or ')}`, status: [404], types };
  // No response proves nothing about existence: SRV-AVAILABLE judges it.
  if (!a) return [];
  if (a.succeeded) {
    // Accepted where it must be refused: what it changed of the fixture user is its own doing, named here.
    const changed = await learnChange(ctx.failed(requirementId) ? withoutWaiting(ctx) : ctx, f.user);
    return [judge(requirementId, false, { ...evidenceOf(c, obs, `${what}: expected 404 ${types.join(' or ')}, got ${describeObservation(ctx.spec, obs)}${changed ? `, and the fixture user changed: ${changed}` : ''}`), expected })];
  }
  const verdicts = [judge(requirementId, ok, { ...evidenceOf(c, obs, `${what}: expected 404 ${types.join(' or ')}, got ${describeObservation(ctx.spec, obs)}`), expected })];
  const read = await readState(ctx, f.user);
  verdicts.push(...unchangedVerdicts(ctx, f.user, read, ['NL-REJECTED-UNCHANGED'], (problem) => evidenceOf(c, read.observation, problem ? `after ${what}: ${problem}` : '')));
  return verdicts;
}

const aimed = (c: Case, labels: Record<string, string>, id: string): Case => ({ ...c, id, labels, channel: 'sdk', replay: undefined });

export async function unknownInstanceIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const c = aimed(universallyValidCase(ctx, f), { InstanceId: madeUpId(ctx.settings.seed, 'instance'), UserId: f.set.userId }, 'existence:unknown-instance');
  return expectNotFound(ctx, f, 'EX-UNKNOWN-INSTANCE', c, 'an update naming an unknown instance');
}

export async function unknownUserIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const c = aimed(universallyValidCase(ctx, f), { InstanceId: f.set.instanceId, UserId: madeUpId(ctx.settings.seed, 'user') }, 'existence:unknown-user');
  return expectNotFound(ctx, f, 'EX-UNKNOWN-USER', c, 'an update naming an unknown user');
}

export async function foreignUserIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  if (!f.set.secondInstanceId) {
    ctx.skip('EX-FOREIGN-USER', 'needs a second instance (--second-instance-id)');
    return [];
  }
  // The request is judged by the second instance: a body valid for its type leaves only existence in question.
  const body = (f.set.secondInstanceType && fullestValidCase(ctx, f.set.secondInstanceType)) || universallyValidCase(ctx, f);
  const c = aimed(body, { InstanceId: f.set.secondInstanceId, UserId: f.set.userId }, 'existence:user-of-another-instance');
  return expectNotFound(ctx, f, 'EX-FOREIGN-USER', c, 'an update naming a user under another instance');
}

/** PREC-VALIDATION-FIRST: the invalid cases of constraint requirements, aimed at an unknown user, get their 400. */
export async function validationBeforeExistence(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const constraintCases = f.generators
    .boundaryCases()
    .filter((c) => c.expected.outcome === 'rejected' && c.expected.types !== 'any' && c.channel === 'sdk')
    .filter((c, i, all) => all.findIndex((x) => x.requirementIds.join() === c.requirementIds.join()) === i);
  const verdicts: Verdict[] = [];
  for (const raw of constraintCases) {
    const c = f.generators.withLabels(raw, { InstanceId: f.set.instanceId, UserId: madeUpId(ctx.settings.seed, `precedence:${raw.id}`) });
    if (c.labels.UserId === f.set.userId) continue;
    const obs = await sendCase(ctx, c);
    ctx.observe(obs, { caseId: c.id, input: c.body, sensitiveValues: [], protocolLevel: false });
    if (!answerOf(ctx.spec, obs)) continue;
    const problem = outcomeProblem(ctx, c, obs);
    verdicts.push(judge('PREC-VALIDATION-FIRST', !problem, evidenceOf(c, obs, `an invalid request naming an unknown user: ${problem ?? ''}`)));
  }
  return verdicts;
}

/** The existence requirement an unknown value of each label violates. */
const NOT_FOUND_BY_LABEL: Record<string, string> = { InstanceId: 'EX-UNKNOWN-INSTANCE', UserId: 'EX-UNKNOWN-USER' };

/** One label injection of the plan: the label, the kind, and whose path it reaches under a decoding router. */
export interface InjectionStep {
  /** `label-injection:UserId:dot-segments`, `label-injection:UserId:other-user`. */
  name: string;
  requirementIds: string[];
  run(ctx: CheckContext, f: Fixture): Promise<Verdict[]>;
}

/**
 * The label injections of a fixture set: every kind for every label, each reaching the fixture's own path (its
 * instance, its user); with a second user, `<user>%2F..%2F<second user>` too, which reaches the other user.
 */
export function labelInjectionSteps(set: { secondUserId?: string }, labels: readonly string[]): InjectionStep[] {
  const state = ['NL-REJECTED-UNCHANGED', ...(set.secondUserId ? ['NL-OTHER-USERS-UNCHANGED'] : [])];
  const steps: InjectionStep[] = [];
  for (const label of labels) {
    const notFound = NOT_FOUND_BY_LABEL[label];
    if (!notFound) continue;
    for (const kind of LABEL_INJECTIONS) {
      steps.push({ name: `label-injection:${label}:${kind}`, requirementIds: [notFound, ...state], run: (ctx, f) => injectedLabelIsNotFound(ctx, f, label, kind, 'own') });
    }
    if (label === 'UserId' && set.secondUserId) {
      steps.push({ name: `label-injection:${label}:other-user`, requirementIds: [notFound, ...state], run: (ctx, f) => injectedLabelIsNotFound(ctx, f, label, 'dot-segments', 'other') });
    }
  }
  return steps;
}

/**
 * A valid case of the fixture's type (a server that routes the injection to a fixture applies it there; the type's
 * rules only tighten the model's, so a server that finds no such instance or user has nothing to refuse either) whose
 * members would change both fixture users if it were applied to either: so that a write is seen.
 */
function changingCase(ctx: CheckContext, f: Fixture): Case {
  const differs = (c: Case, info: Record<string, string> | undefined) => !info || Object.entries(bodyInfo(c)).some(([k, v]) => info[k] !== v);
  const candidates = f.generators.boundaryCases().filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk' && Object.keys(bodyInfo(c)).length > 0);
  return candidates.find((c) => differs(c, f.user.info) && differs(c, f.other?.info)) ?? universallyValidCase(ctx, f);
}

/**
 * One label injection: a valid update through a label that names nothing is answered 404 (EX-UNKNOWN-INSTANCE for the
 * instance label, EX-UNKNOWN-USER for the user label), and no fixture user changes (the one its decoded path reaches
 * included). `reach`: `own` aims the decoded path at the fixture's own instance or user, `other` at the second user.
 */
async function injectedLabelIsNotFound(ctx: CheckContext, f: Fixture, label: string, kind: LabelInjection, reach: 'own' | 'other'): Promise<Verdict[]> {
  const requirementId = NOT_FOUND_BY_LABEL[label]!;
  const fixtureLabels = { InstanceId: f.set.instanceId, UserId: f.set.userId };
  const target = reach === 'other' ? f.set.secondUserId! : fixtureLabels[label as keyof typeof fixtureLabels];
  // Aimed at the second user, the label starts with the fixture user (`<user>%2F..%2F<other>`); otherwise with an ID
  // that cannot exist.
  const unknown = reach === 'other' ? f.set.userId : madeUpId(ctx.settings.seed, `injection:${label}`);
  const raw = f.generators.withInjectedLabel(changingCase(ctx, f), fixtureLabels, label, kind, unknown, target);
  const c = reach === 'other' ? { ...raw, id: `existence:label-injection:${label}:other-user` } : raw;
  const verdicts = await expectNotFound(ctx, f, requirementId, c, `an update through the ${label} ${JSON.stringify(c.wire.encodedLabels[label])} (${kind}), which names nothing`);
  if (!f.other) return verdicts;
  const read = await readState(ctx, f.other);
  return [
    ...verdicts,
    ...unchangedVerdicts(ctx, f.other, read, ['NL-OTHER-USERS-UNCHANGED'], (problem, expected) => ({
      ...evidenceOf(c, read.observation, problem ? `after an update through a ${label} that names nothing: ${problem}` : ''),
      expected: { summary: `${expected} (the other user)` },
    })),
  ];
}
