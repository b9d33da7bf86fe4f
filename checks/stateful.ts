// The stateful model-based test (fc.commands with fc.asyncModelRun): sequences of valid updates, invalid updates,
// repeated updates and read-backs on the fixture users, checked against a model of their stored identity info
// and shrunk to the shortest failing sequence. The model never assumes merge or replace: a member an accepted
// update omits may be kept or cleared, and the next read-back settles which.
import fc from 'fast-check';
import type { Case } from '../generators/index.ts';
import type { RequirementId } from '../spec/index.ts';
import type { Observation } from '../targets/index.ts';
import { withoutWaiting, type CheckContext, type Fixture } from './context.ts';
import type { EffectState } from './context.ts';
import { memberValueKey, type MemberValue } from '../core/binding.ts';
import type { CheckDefinition } from './definition.ts';
import { fail, pass, type Verdict } from './verdict.ts';
import { outcomeProblem, sendCase } from './cases.ts';
import { pollIdentity } from './read-back.ts';
import { advance, sameInfo } from './consistency.ts';
import { answerOf, describeObservation } from './answer.ts';

const ABSENT = Symbol('absent');
/** The values a member may hold, each as its memberValueKey (values of any JSON type compare by value), or absent. */
type Possible = Set<string | typeof ABSENT>;

/** What happened to a user since its last read-back, to name the requirement a wrong read-back breaks. */
type Event = { kind: 'accepted'; members: string[] } | { kind: 'rejected' } | { kind: 'other-user' };

interface ModelUser {
  instanceId: string;
  userId: string;
  members: Map<string, Possible>;
  events: Event[];
  lastAccepted?: Case;
}

interface Model {
  users: ModelUser[];
}

interface Real {
  ctx: CheckContext;
  fixture: Fixture;
  /** What each user (by ID) was last read to hold, once settled: where the next sequence starts. */
  known: Map<string, EffectState>;
  /** The states each user settled on before, in order. */
  settledBefore: Map<string, EffectState[]>;
}

/** A check inside a sequence failed: the requirement it breaks and what was seen. */
class ModelViolation extends Error {
  constructor(
    readonly requirementId: RequirementId,
    readonly problem: string,
    readonly observation?: Observation,
  ) {
    super(`${requirementId}: ${problem}`);
  }
}

const exactly = (info: EffectState): Map<string, Possible> =>
  new Map(Object.entries(info).map(([k, v]) => [k, new Set([memberValueKey(v)])]));

function accepts(possible: Possible | undefined, value: MemberValue | undefined): boolean {
  if (!possible) return value === undefined;
  return possible.has(value === undefined ? ABSENT : memberValueKey(value));
}

function mismatches(user: ModelUser, info: EffectState): string[] {
  const names = new Set([...user.members.keys(), ...Object.keys(info)]);
  return [...names].filter((m) => !accepts(user.members.get(m), info[m]));
}

/** Which requirement a read-back that disagrees with the model breaks. */
function blame(user: ModelUser, members: string[]): RequirementId {
  const sentSinceRead = new Set(user.events.flatMap((e) => (e.kind === 'accepted' ? e.members : [])));
  if (members.some((m) => sentSinceRead.has(m))) return 'RB-READBACK';
  if (user.events.some((e) => e.kind === 'rejected')) return 'NL-REJECTED-UNCHANGED';
  if (user.events.some((e) => e.kind === 'other-user')) return 'NL-OTHER-USERS-UNCHANGED';
  return 'RB-READBACK';
}

function applyAccepted(model: Model, index: number, c: Case, member: string): void {
  const user = model.users[index]!;
  const sent = sentOf(member, c);
  for (const [member, possible] of user.members) if (!(member in sent)) possible.add(ABSENT);
  for (const [member, value] of Object.entries(sent)) user.members.set(member, new Set([memberValueKey(value)]));
  user.events.push({ kind: 'accepted', members: Object.keys(sent) });
  user.lastAccepted = c;
  for (const [i, u] of model.users.entries()) if (i !== index) u.events.push({ kind: 'other-user' });
}

function aimAt(real: Real, user: ModelUser, c: Case): Case {
  return real.fixture.generators.withLabels(c, { InstanceId: user.instanceId, UserId: user.userId });
}

/** The members a case sends in the operation's member. */
const sentOf = (member: string, c: Case): EffectState =>
  ((c.body as Record<string, EffectState> | undefined)?.[member] ?? {}) as EffectState;

class UpdateValid implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly valid: Case,
    /** The binding's member: what the update sends. */
    readonly member: string,
  ) {}
  check = (m: Readonly<Model>) => this.index < m.users.length;
  async run(model: Model, real: Real) {
    const c = aimAt(real, model.users[this.index]!, this.valid);
    const obs = await sendCase(real.ctx, c);
    const problem = outcomeProblem(real.ctx, c, obs);
    if (problem) throw new ModelViolation('OK-ACCEPT-VALID', problem, obs);
    // A case the contract only observes (names omitted) may be refused: then it is a rejection, not an update.
    if (c.expected.outcome === 'observed' && !answerOf(real.ctx.spec, obs)?.succeeded)
      model.users[this.index]!.events.push({ kind: 'rejected' });
    else applyAccepted(model, this.index, c, this.member);
  }
  toString = () => `UpdateValid(user ${this.index}, ${JSON.stringify(sentOf(this.member, this.valid))})`;
}

class UpdateInvalid implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly invalid: Case,
  ) {}
  check = (m: Readonly<Model>) => this.index < m.users.length;
  async run(model: Model, real: Real) {
    const user = model.users[this.index]!;
    const c = aimAt(real, user, this.invalid);
    const obs = await sendCase(real.ctx, c);
    const problem = outcomeProblem(real.ctx, c, obs);
    // The case's requirements come from the loaded catalogue (the constraints they claim), not from code.
    if (problem) throw new ModelViolation(c.requirementIds[0]! as RequirementId, problem, obs);
    user.events.push({ kind: 'rejected' });
  }
  toString = () =>
    `UpdateInvalid(user ${this.index}, ${this.invalid.id}: ${JSON.stringify(this.invalid.body ?? this.invalid.wire.body).slice(0, 120)})`;
}

class RepeatLast implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => this.index < m.users.length && !!m.users[this.index]!.lastAccepted;
  async run(model: Model, real: Real) {
    const user = model.users[this.index]!;
    const before = await settle(real, user);
    const obs = await sendCase(real.ctx, user.lastAccepted!);
    const problem = outcomeProblem(real.ctx, user.lastAccepted!, obs);
    if (problem) throw new ModelViolation('NL-REPEAT-IDEMPOTENT', `the repeated update was not accepted: ${problem}`, obs);
    const after = await pollIdentity(
      real.ctx,
      user.instanceId,
      user.userId,
      (info) => JSON.stringify(sorted(info)) === JSON.stringify(sorted(before)),
    );
    if (!after.ok)
      throw new ModelViolation(
        'NL-REPEAT-IDEMPOTENT',
        `the repeated update changed ${JSON.stringify(before)} into ${JSON.stringify(after.info)}`,
        after.observation,
      );
    user.events = [];
  }
  toString = () => `RepeatLast(user ${this.index})`;
}

class ReadBack implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => this.index < m.users.length;
  async run(model: Model, real: Real) {
    await settle(real, model.users[this.index]!);
  }
  toString = () => `ReadBack(user ${this.index})`;
}

const sorted = (info: EffectState) => Object.fromEntries(Object.entries(info).sort(([a], [b]) => a.localeCompare(b)));

/** Reads a user back (polling), checks it against the model, and settles the model on what was read. */
async function settle(real: Real, user: ModelUser): Promise<EffectState> {
  const { ctx } = real;
  const read = await pollIdentity(ctx, user.instanceId, user.userId, (info) => mismatches(user, info).length === 0);
  if (!read.info)
    throw new ModelViolation('RB-READBACK', `DescribeUser failed (${describeObservation(ctx.spec, read.observation)})`, read.observation);
  const wrong = mismatches(user, read.info);
  if (wrong.length) {
    const expected = wrong
      .map((m) => `${m} ∈ {${[...(user.members.get(m) ?? new Set([ABSENT]))].map((v) => (v === ABSENT ? 'absent' : v)).join(', ')}}`)
      .join('; ');
    throw new ModelViolation(blame(user, wrong), `read back ${JSON.stringify(read.info)}; the model allows ${expected}`, read.observation);
  }
  user.members = exactly(read.info);
  user.events = [];
  const last = real.known.get(user.userId);
  if (last && !sameInfo(last, read.info)) real.settledBefore.get(user.userId)?.push(last);
  real.known.set(user.userId, read.info);
  return read.info;
}

const STATEFUL_REQUIREMENTS: readonly RequirementId[] = [
  'RB-READBACK',
  'NL-REJECTED-UNCHANGED',
  'NL-OTHER-USERS-UNCHANGED',
  'NL-REPEAT-IDEMPOTENT',
];

/** Runs the model-based test on the fixture users; returns its verdicts (the shrunk sequence as evidence). */
async function modelBasedSequences(ctx: CheckContext, fixture: Fixture): Promise<Verdict[]> {
  const users = [fixture.user, fixture.other].filter((u) => !!u);
  const g = fixture.generators;
  const index = fc.nat({ max: users.length - 1 });
  const validCase = g.validCase;
  const commands = fc.commands(
    [
      fc.tuple(index, validCase).map(([i, c]) => new UpdateValid(i, c, ctx.binding.member)),
      fc.tuple(index, g.invalidCase).map(([i, c]) => new UpdateInvalid(i, c)),
      index.map((i) => new RepeatLast(i)),
      index.map((i) => new ReadBack(i)),
    ],
    { maxCommands: 10 },
  );
  // Once a sequence violated the model, shrinking reads back without polling: bounded failure cost.
  let current = ctx;
  // Each sequence starts from what the last one settled on. A read may come from a replica that has not seen the last
  // sequence's updates yet (checks/consistency.ts): the start is read until it shows the known state (a violation if the window
  // closes: then the user changed between two sequences, which no request explains).
  const known = new Map(users.map((u) => [u.userId, u.info]));
  const settledBefore = new Map(users.map((u) => [u.userId, [...(u.earlier ?? []).map((v) => v.info)]]));
  const setup = async () => {
    const model: Model = { users: [] };
    for (const u of users) {
      const expected = known.get(u.userId)!;
      const read = await pollIdentity(current, u.instanceId, u.userId, (info) => sameInfo(info, expected));
      if (!read.info) throw new Error(`cannot read fixture user ${u.userId}`);
      // Once a sequence failed (shrinking), the known state means nothing: a failed sequence stops half-way.
      if (!read.ok && !violation) {
        const back = settledBefore.get(u.userId)!.some((info) => sameInfo(info, read.info!));
        known.set(u.userId, read.info);
        throw new ModelViolation(
          back ? 'RB-READBACK' : 'NL-REJECTED-UNCHANGED',
          `user ${u.userId} read ${JSON.stringify(read.info)} at the start of a sequence, where the one before had settled on ${JSON.stringify(expected)}${back ? ': it went back to an earlier state (an accepted update was lost)' : ': a write landed between the sequences'}`,
          read.observation,
        );
      }
      model.users.push({ instanceId: u.instanceId, userId: u.userId, members: exactly(read.info), events: [] });
    }
    return { model, real: { ctx: current, fixture, known, settledBefore } };
  };
  let violation: ModelViolation | undefined;
  let ownError: unknown;
  let sequences = 0;
  const property = fc.asyncProperty(commands, async (cmds) => {
    try {
      // Every sequence ends with a read-back of every user, so that no change goes unchecked.
      await fc.asyncModelRun(setup, [...cmds, ...users.map((_, i) => new ReadBack(i))]);
      sequences++;
      return true;
    } catch (e) {
      if (!(e instanceof ModelViolation)) ownError ??= e;
      else {
        violation = e;
        current = withoutWaiting(ctx);
      }
      throw e;
    }
  });
  const runs = Math.max(3, Math.ceil(ctx.settings.runs / 5));
  const result = await fc.check(property, { seed: ctx.settings.seed, numRuns: runs, path: ctx.settings.replayPath });
  for (const u of users) advance(u, known.get(u.userId)!);
  if (ownError) throw ownError;
  const verdicts = STATEFUL_REQUIREMENTS.filter((id) => id !== 'NL-OTHER-USERS-UNCHANGED' || users.length > 1).map((id) =>
    pass(id, `stateful:${sequences} sequence(s)`),
  );
  if (!result.failed) return verdicts;
  // The violation of the last failing execution is the shrunk sequence's: the fixture users' state has moved on
  // since, so it is reported as it was seen rather than run again.
  const found = violation as ModelViolation | undefined;
  if (!found) throw new Error('the model-based test failed without a model violation');
  const shrunk = result.counterexample![0];
  return [
    ...verdicts.filter((v) => v.requirementId !== found.requirementId),
    fail(found.requirementId, {
      caseId: 'stateful:shrunk-sequence',
      input: String(shrunk),
      observation: found.observation,
      expected: { summary: 'every read-back agrees with the model of the stored identity info' },
      problem: `${found.problem} — after the sequence ${String(shrunk)}`,
      seed: result.seed,
      path: result.counterexamplePath ?? undefined,
      generator: 'stateful',
      identityManagementType: fixture.set.identityManagementType,
    }),
  ];
}

/** The stateful step: last in a set's plan, since it leaves the users in states of its own. */
export const MODEL_BASED_SEQUENCES: CheckDefinition = {
  phase: 'stateful',
  name: 'sequences',
  suite: 'statefulModel',
  proves: STATEFUL_REQUIREMENTS,
  needs: ['readBack'],
  run: modelBasedSequences,
};
