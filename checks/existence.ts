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
import type { RequirementId } from '../spec/index.ts';
import { LABEL_INJECTIONS, type Case, type LabelInjection } from '../generators/index.ts';
import type { Observation } from '../targets/index.ts';
import { sentStructure, withoutWaiting, type CheckContext, type EffectState, type Fixture } from './context.ts';
import { sameMemberValue, type MemberValue } from '../core/binding.ts';
import type { CheckDefinition } from './definition.ts';
import { judge, type Verdict } from './verdict.ts';
import { evidenceOf, outcomeProblem, sendCase } from './cases.ts';
import { learnChange, readState, unchangedVerdicts } from './read-back.ts';
import { answerOf, describeObservation } from './answer.ts';

/** A valid case that is valid for every identity management type (so that whichever instance answers, only existence is in question). */
export function universallyValidCase(ctx: CheckContext, f: Fixture): Case {
  const valid = f.generators.boundaryCases().filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk');
  const validEverywhere = (c: Case) =>
    ctx.spec.identityManagementTypes.every(
      (t) => ctx.validator.validate(ctx.spec.operation.name, { labels: c.labels, body: c.body }, t).violations.length === 0,
    );
  const best = valid
    .filter(validEverywhere)
    .sort((a, b) => Object.keys(sentStructure(ctx.binding, b)).length - Object.keys(sentStructure(ctx.binding, a)).length)[0];
  const chosen = best ?? valid[0];
  if (!chosen) throw new Error(`the generators gave no valid boundary case for ${f.set.identityManagementType}`);
  return chosen;
}

/** The valid case with the most members for an identity management type: what an instance of that type accepts. */
function fullestValidCase(ctx: CheckContext, type: string): Case | undefined {
  return ctx
    .generatorsFor(type)
    .boundaryCases()
    .filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk')
    .sort((a, b) => Object.keys(sentStructure(ctx.binding, b)).length - Object.keys(sentStructure(ctx.binding, a)).length)[0];
}

const notFoundTypes = (ctx: CheckContext) => ctx.spec.operation.errors.filter((e) => e.status === 404).map((e) => e.type);

/** A 404 with a declared not-found type, and the fixture user unchanged. */
async function expectNotFound(ctx: CheckContext, f: Fixture, requirementId: RequirementId, c: Case, what: string): Promise<Verdict[]> {
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
    return [
      judge(requirementId, false, {
        ...evidenceOf(
          c,
          obs,
          `${what}: expected 404 ${types.join(' or ')}, got ${describeObservation(ctx.spec, obs)}${changed ? `, and the fixture user changed: ${changed}` : ''}`,
        ),
        expected,
      }),
    ];
  }
  const verdicts = [
    judge(requirementId, ok, {
      ...evidenceOf(c, obs, `${what}: expected 404 ${types.join(' or ')}, got ${describeObservation(ctx.spec, obs)}`),
      expected,
    }),
  ];
  const read = await readState(ctx, f.user);
  verdicts.push(
    ...unchangedVerdicts(ctx, f.user, read, ['NL-REJECTED-UNCHANGED'], (problem) =>
      evidenceOf(c, read.observation, problem ? `after ${what}: ${problem}` : ''),
    ),
  );
  return verdicts;
}

const aimed = (c: Case, labels: Record<string, string>, id: string): Case => ({ ...c, id, labels, channel: 'sdk', replay: undefined });

async function unknownInstanceIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const c = aimed(
    universallyValidCase(ctx, f),
    { InstanceId: madeUpId(ctx.settings.seed, 'instance'), UserId: f.set.userId },
    'existence:unknown-instance',
  );
  return expectNotFound(ctx, f, 'EX-UNKNOWN-INSTANCE', c, 'an update naming an unknown instance');
}

async function unknownUserIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const c = aimed(
    universallyValidCase(ctx, f),
    { InstanceId: f.set.instanceId, UserId: madeUpId(ctx.settings.seed, 'user') },
    'existence:unknown-user',
  );
  return expectNotFound(ctx, f, 'EX-UNKNOWN-USER', c, 'an update naming an unknown user');
}

async function foreignUserIsNotFound(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const requirementId: RequirementId = 'EX-FOREIGN-USER';
  if (!f.set.secondInstanceId) {
    ctx.skip(requirementId, 'needs a second instance (--second-instance-id)');
    return [];
  }
  // The request is judged by the second instance: a body valid for its type leaves only existence in question.
  const body = (f.set.secondInstanceType && fullestValidCase(ctx, f.set.secondInstanceType)) || universallyValidCase(ctx, f);
  const c = aimed(body, { InstanceId: f.set.secondInstanceId, UserId: f.set.userId }, 'existence:user-of-another-instance');
  return expectNotFound(ctx, f, requirementId, c, 'an update naming a user under another instance');
}

/** PREC-VALIDATION-FIRST: the invalid cases of constraint requirements, aimed at an unknown user, get their 400. */
async function validationBeforeExistence(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
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
    // A case only of SHOULD constraints (a documented bound) that is not rejected proves nothing about precedence: the
    // target need not enforce those constraints at all (PC-IN-ACW-MAX, IN-SECONDARYEMAIL-PATTERN). A case that also
    // violates a MUST constraint is judged: that one has to be rejected, before the user's existence.
    if (problem && c.requirementIds.every((id) => ctx.catalogue.get(id).level !== 'MUST')) continue;
    verdicts.push(
      judge('PREC-VALIDATION-FIRST', !problem, evidenceOf(c, obs, `an invalid request naming an unknown user: ${problem ?? ''}`)),
    );
  }
  return verdicts;
}

/** The existence requirement an unknown value of each label violates. */
const NOT_FOUND_BY_LABEL: Partial<Record<string, RequirementId>> = { InstanceId: 'EX-UNKNOWN-INSTANCE', UserId: 'EX-UNKNOWN-USER' };

/**
 * The label injections of a fixture set (existence steps): every kind for every label, each reaching the fixture's own
 * path (its instance, its user); with a second user, `<user>%2F..%2F<second user>` too, which reaches the other user.
 * They are bytes on the wire (an encoded separator the SDK would encode again), and reach requirements other steps
 * reach already: not covering (a real account's budget).
 */
export function labelInjectionChecks(set: { secondUserId?: string }, labels: readonly string[]): CheckDefinition[] {
  const state: RequirementId[] = ['NL-REJECTED-UNCHANGED', ...(set.secondUserId ? (['NL-OTHER-USERS-UNCHANGED'] as const) : [])];
  const injection = { phase: 'existence', suite: 'existence', needs: ['raw', 'readBack'], covering: false } as const;
  const checks: CheckDefinition[] = [];
  for (const label of labels) {
    const notFound = NOT_FOUND_BY_LABEL[label];
    if (!notFound) continue;
    for (const kind of LABEL_INJECTIONS) {
      checks.push({
        ...injection,
        name: `label-injection:${label}:${kind}`,
        proves: [notFound, ...state],
        run: (ctx, f) => injectedLabelIsNotFound(ctx, f, label, kind, 'own'),
      });
    }
    if (label === 'UserId' && set.secondUserId) {
      checks.push({
        ...injection,
        name: `label-injection:${label}:other-user`,
        proves: [notFound, ...state],
        needs: [...injection.needs, 'secondUser'],
        run: (ctx, f) => injectedLabelIsNotFound(ctx, f, label, 'dot-segments', 'other'),
      });
    }
  }
  return checks;
}

/**
 * A valid case of the fixture's type (a server that routes the injection to a fixture applies it there; the type's
 * rules only tighten the model's, so a server that finds no such instance or user has nothing to refuse either) whose
 * members would change both fixture users if it were applied to either: so that a write is seen.
 */
function changingCase(ctx: CheckContext, f: Fixture): Case {
  const differs = (c: Case, info: EffectState | undefined) =>
    !info || Object.entries(sentStructure(ctx.binding, c)).some(([k, v]) => !sameMemberValue(info[k], v as MemberValue));
  const candidates = f.generators
    .boundaryCases()
    .filter((c) => c.expected.outcome === 'accepted' && c.channel === 'sdk' && Object.keys(sentStructure(ctx.binding, c)).length > 0);
  return candidates.find((c) => differs(c, f.user.info) && differs(c, f.other?.info)) ?? universallyValidCase(ctx, f);
}

/**
 * One label injection: a valid update through a label that names nothing is answered 404 (EX-UNKNOWN-INSTANCE for the
 * instance label, EX-UNKNOWN-USER for the user label), and no fixture user changes (the one its decoded path reaches
 * included). `reach`: `own` aims the decoded path at the fixture's own instance or user, `other` at the second user.
 */
async function injectedLabelIsNotFound(
  ctx: CheckContext,
  f: Fixture,
  label: string,
  kind: LabelInjection,
  reach: 'own' | 'other',
): Promise<Verdict[]> {
  const requirementId = NOT_FOUND_BY_LABEL[label]!;
  const fixtureLabels = { InstanceId: f.set.instanceId, UserId: f.set.userId };
  const target = reach === 'other' ? f.set.secondUserId! : fixtureLabels[label as keyof typeof fixtureLabels];
  // Aimed at the second user, the label starts with the fixture user (`<user>%2F..%2F<other>`); otherwise with an ID
  // that cannot exist.
  const unknown = reach === 'other' ? f.set.userId : madeUpId(ctx.settings.seed, `injection:${label}`);
  const raw = f.generators.withInjectedLabel(changingCase(ctx, f), fixtureLabels, label, kind, unknown, target);
  const c = reach === 'other' ? { ...raw, id: `existence:label-injection:${label}:other-user` } : raw;
  const verdicts = await expectNotFound(
    ctx,
    f,
    requirementId,
    c,
    `an update through the ${label} ${JSON.stringify(c.wire.encodedLabels[label])} (${kind}), which names nothing`,
  );
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

const EXISTENCE = { phase: 'existence', suite: 'existence' } as const;

/** The existence steps, in the order they run (the label injections go between them and precedence). */
export const EXISTENCE_CHECKS: readonly CheckDefinition[] = [
  {
    ...EXISTENCE,
    name: 'unknown-instance',
    proves: ['EX-UNKNOWN-INSTANCE', 'NL-REJECTED-UNCHANGED'],
    needs: ['readBack'],
    run: unknownInstanceIsNotFound,
  },
  {
    ...EXISTENCE,
    name: 'unknown-user',
    proves: ['EX-UNKNOWN-USER', 'NL-REJECTED-UNCHANGED'],
    needs: ['readBack'],
    run: unknownUserIsNotFound,
  },
  {
    ...EXISTENCE,
    name: 'user-of-another-instance',
    proves: ['EX-FOREIGN-USER', 'NL-REJECTED-UNCHANGED'],
    needs: ['secondInstance', 'readBack'],
    run: foreignUserIsNotFound,
  },
];

/** Precedence: validation before existence. */
export const PRECEDENCE_CHECK: CheckDefinition = {
  phase: 'precedence',
  name: 'validation-first',
  suite: 'existence',
  proves: ['PREC-VALIDATION-FIRST'],
  needs: [],
  run: validationBeforeExistence,
};
