// Existence and precedence: an unknown instance (EX-UNKNOWN-INSTANCE), an unknown user (EX-UNKNOWN-USER), a user of
// another instance (EX-FOREIGN-USER), and an invalid request naming an unknown user (PREC-VALIDATION-FIRST). IDs that
// cannot exist are made up from the run's seed (`conformance-missing-<hex>`): not UUID-shaped, so they can never name a
// real instance or user, and the same for the same seed, so that a recorded run replays.
import { madeUpId } from '../targets/guard/ids.ts';
import type { Case } from '../generators/index.ts';
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
