// `connect-conformance run --target aws` (and --target replay, and --dry-run): a run against a real account, in this
// process, inside one safety envelope (targets/aws/envelope.ts) shared by every request of the run:
//
//   1. nothing is sent unless the instances are allowlisted (checked by run-config.ts before anything exists);
//   2. a journal left unfinished in the report directory by an earlier run is undone first (its snapshots restored,
//      its users deleted); then a new journal records every snapshot and every created user before the first write;
//   3. preflight, the fixtures' snapshots (refused unless they hold only reserved addresses and fictional numbers),
//      --provision's users;
//   4. the budget-aware plan (below), each step guarded: a request the guard refuses, the cassette cannot answer or
//      the target keeps throttling ends its step, whose requirements are reported skip with the reason; when the
//      budget (less the reserve kept for restoring) is spent, or on SIGINT/SIGTERM, the plan stops;
//   5. the fixtures are restored (and verified) and the created users deleted, using the reserve; the journal
//      records each; results.json, index.html, junit.xml and sandbox.json (request counts) are written.
//
// The plan, for each fixture set: the deterministic boundary phase cut to the cases that reach something new (the
// first case of every group, and the first case of every requirement), with rejections read back in batches; the
// existence and precedence checks (with made-up IDs that cannot exist); authentication; a short stateful
// model-based test; then a few random cases per generator. Generated values are safe by construction
// (GeneratorOptions fictionalMobiles and strictMail), and labels a case does not test are the run's own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyBaseline, plainGate, readBaseline, updateBaselineFile, type BaselineView, type Gate } from '../reports/baseline.ts';
import { buildResults } from '../reports/results.ts';
import { envSecrets } from '../reports/sanitize.ts';
import { writeReports } from '../reports/write.ts';
import { CaseMismatchError, createGenerators, type Case, type Generators } from '../generators/index.ts';
import { encodeLabel } from '../generators/labels.ts';
import type { Spec } from '../spec/index.ts';
import { unsignedRequestRefused, wrongSignatureRefused } from '../suites/checks/authentication.ts';
import { flushRejections, runCase, type UserState } from '../suites/checks/cases.ts';
import { foreignUserIsNotFound, unknownInstanceIsNotFound, unknownUserIsNotFound, validationBeforeExistence } from '../suites/checks/existence.ts';
import { modelBasedSequences, STATEFUL_REQUIREMENTS } from '../suites/checks/stateful.ts';
import type { RunConfig } from '../suites/config.ts';
import type { ShownEvidence } from '../suites/ledger.ts';
import { randomPhase, type Fixture } from '../suites/phases.ts';
import { openSession, preflight, type FixtureSet, type RestoreNote, type Session, type SessionJournal } from '../suites/session.ts';
import type { Verdict } from '../suites/verdict.ts';
import { Budget, Envelope, instantClock, isFinished, Journal, pendingOf, readJournal, Recorder, TokenBucket, undoJournal, type JournalData } from '../targets/aws/index.ts';
import { Guard } from '../targets/guard/guard.ts';
import { uuidsIn, uuidsInLabel } from '../targets/guard/ids.ts';
import { createTarget, envelopedHandlerTarget, SendStopped, TargetConfigError, endsRun, type Target } from '../targets/index.ts';
import { createReferenceService, EXAMPLE_CREDENTIALS, type Fixtures } from '../targets/reference/index.ts';
import { replayCommand, targetFlags } from './replay-command.ts';
import type { RunRequest } from './run-config.ts';
import { printSummary, toolInfo } from './run-output.ts';

export const SANDBOX_HELP = `Budget, rate and record (--target aws):
  --max-requests N            every request of the run counts, restore included (default 300); the checks stop when
                              only the reserve kept for restoring is left, and what did not run is reported skip
  --rate R, --burst B         one token bucket for every request of the run (default 2 per second, burst 5; against
                              AWS itself, without --endpoint-url, they may only be lowered)
  --dry-run                   print the plan (requirements, requests for each, total, time at the rate); send nothing
  --record FILE               store the run's exchanges, redacted, in nock's recording format; replay them offline
                              with --target replay --cassette FILE and the same flags and seed`;

/** Options the sandbox plan generates with: values that can reach no one. */
export const SANDBOX_GENERATOR_OPTIONS = { fictionalMobiles: true, strictMail: true } as const;

export type SandboxRequest = Pick<RunRequest, 'config' | 'reportDir' | 'baseline' | 'updateBaseline' | 'shard'>;

/** Requests kept back for restore: per snapshot an update, reads and one retry; per created user its deletion. */
export function reserveFor(config: RunConfig): number {
  const snapshots = config.provision ? 0 : [config.fixtures.userId, config.fixtures.secondUserId].filter(Boolean).length;
  const created = config.provision ? 2 : 0;
  return snapshots * 4 + created * 2 + 2;
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

/** The boundary cases that reach something new: the first of every group, and the first that carries each requirement. */
export function sandboxBoundaryCases(cases: Case[]): Case[] {
  const groups = new Set<string>();
  const reached = new Set<string>();
  return cases.filter((c) => {
    const parts = c.id.split(':');
    const group = parts[1] === 'valid' ? parts.slice(1, 3).join(':') : (parts[1] ?? c.id);
    const fresh = !groups.has(group) || c.requirementIds.some((id) => !reached.has(id));
    groups.add(group);
    if (fresh) for (const id of c.requirementIds) reached.add(id);
    return fresh;
  });
}

const PATH_LABEL = /\{([^}]+)\}/g;
const MASK = (run: string) => run.replace(/[0-9a-f]/gi, 'z');

/**
 * A case whose labels hold a UUID that is neither an allowlisted instance nor a user the run owns (the generators'
 * own example IDs, in a label the case tests) is aimed at the run's own: a label that is only such a UUID becomes the
 * fixture's label; a UUID inside a longer label is masked (same length, no longer hex), so the label still tests what
 * it tests. The case is re-checked; one that would change meaning is refused.
 */
export function aimSafely(g: Generators, c: Case, fixtureLabels: Record<string, string>, known: (uuid: string) => boolean): Case {
  const labels = { ...c.labels };
  const encoded = { ...c.wire.encodedLabels };
  let changed = false;
  for (const name of Object.keys(encoded)) {
    const foreign = uuidsInLabel(encoded[name]!).filter((u) => !known(u));
    if (!foreign.length) continue;
    changed = true;
    const value = labels[name] ?? '';
    if (uuidsIn(value).length === 1 && value.replace(/[0-9a-f-]/gi, '') === '' && fixtureLabels[name] !== undefined) {
      labels[name] = fixtureLabels[name]!;
      encoded[name] = encodeLabel(labels[name]!);
    } else {
      const mask = (s: string) => s.replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, (run) => (known(run.toLowerCase().replaceAll('-', '')) ? run : MASK(run)));
      labels[name] = mask(value);
      encoded[name] = mask(encoded[name]!);
    }
  }
  if (!changed) return c;
  const path = g.spec.operation.pathTemplate.replace(PATH_LABEL, (_, n: string) => encoded[n] ?? '');
  try {
    return g.recheck({ ...c, labels, wire: { ...c.wire, encodedLabels: encoded, path } });
  } catch (e) {
    if (e instanceof CaseMismatchError) throw new SendStopped('refused', `case ${c.id} names an ID the run does not own, and cannot be aimed at the run's own without changing what it tests`);
    throw e;
  }
}

export interface PlanOutcome {
  /** Why the plan stopped early (budget, interruption). */
  stopped?: SendStopped;
  /** Steps that ended on a refusal, a cassette miss or persistent throttling. */
  ended: { label: string; kind: string; requirementIds: string[]; message: string }[];
}

/** Runs the sandbox plan on every fixture set of the session; never throws a SendStopped. */
export async function runSandboxPlan(session: Session, envelope: Envelope): Promise<PlanOutcome> {
  const outcome: PlanOutcome = { ended: [] };
  // In the random phase each case names its own step (the generators' withLabels does it); elsewhere the step does.
  let perCase = false;
  const step = async (label: string, ids: string[], fn: () => Promise<Verdict[] | void>, casesNameSteps = false): Promise<void> => {
    if (outcome.stopped) return;
    // --only: a step that checks none of the selected requirements is not sent at all.
    if (ids.length && session.config.only.length && !ids.some((id) => session.wants(id))) return;
    envelope.setContext(label, ids);
    perCase = casesNameSteps;
    try {
      const verdicts = await fn();
      if (verdicts) session.record(...verdicts);
    } catch (e) {
      if (!(e instanceof SendStopped)) throw e;
      if (endsRun(e)) {
        outcome.stopped = e;
        return;
      }
      const context = envelope.currentContext;
      const requirementIds = context.requirementIds.length ? context.requirementIds : ids;
      outcome.ended.push({ label: context.label, kind: e.kind, requirementIds, message: e.message });
      for (const id of requirementIds) session.ledger.skip(id, e.message);
    } finally {
      perCase = false;
    }
  };
  const wanted = (c: Case) => session.config.only.length === 0 || c.requirementIds.some((id) => session.wants(id));

  for (const set of session.sets) {
    let f: Fixture | undefined;
    await step(`fixture:${set.identityManagementType}`, [], async () => {
      f = await sandboxFixture(session, set, envelope, () => perCase);
    });
    if (!f) continue;
    const fixture = f;
    const labels = { InstanceId: set.instanceId, UserId: set.userId };
    for (const raw of sandboxBoundaryCases(fixture.generators.boundaryCases())) {
      if (!wanted(raw)) continue;
      await step(raw.id, raw.requirementIds, () => runCase(session, fixture.generators.withLabels(raw, labels), fixture.user, fixture.other));
    }
    await step('boundary:read-back', ['NL-REJECTED-UNCHANGED'], () => flushRejections(session, fixture.user));
    await step('existence:unknown-instance', ['EX-UNKNOWN-INSTANCE'], () => unknownInstanceIsNotFound(session, fixture));
    await step('existence:unknown-user', ['EX-UNKNOWN-USER'], () => unknownUserIsNotFound(session, fixture));
    await step('existence:user-of-another-instance', ['EX-FOREIGN-USER'], () => foreignUserIsNotFound(session, fixture));
    await step('precedence', ['PREC-VALIDATION-FIRST'], () => validationBeforeExistence(session, fixture));
    await step('authentication:unsigned', ['AUTH-UNSIGNED'], () => unsignedRequestRefused(session, fixture));
    await step('authentication:wrong-signature', ['AUTH-BAD-SIGNATURE'], () => wrongSignatureRefused(session, fixture));
    await step('stateful', STATEFUL_REQUIREMENTS, () => modelBasedSequences(session, fixture));
    // The stateful test changed both users: the random phase starts from what they hold now.
    await step('fixture:read-back', [], async () => {
      for (const state of [fixture.user, fixture.other]) {
        if (!state) continue;
        const { info } = await session.readIdentity(state.instanceId, state.userId);
        if (info) state.info = info;
        state.pending = [];
      }
    });
    for (const generator of ['invalid', 'wire', 'valid']) await step(`random:${generator}`, [], () => randomPhase(session, fixture, generator), true);
  }
  envelope.setContext('restore');
  return outcome;
}

/** The fixture of a set, with safe generators whose relabelled cases name only what the run owns. */
async function sandboxFixture(session: Session, set: FixtureSet, envelope: Envelope, casesNameSteps: () => boolean): Promise<Fixture> {
  const g = createGenerators(session.spec, set.identityManagementType, SANDBOX_GENERATOR_OPTIONS);
  const fixtureLabels = { InstanceId: set.instanceId, UserId: set.userId };
  const generators: Generators = {
    ...g,
    withLabels(c, labels) {
      const aimed = aimSafely(g, g.withLabels(c, labels), fixtureLabels, (u) => envelope.guard.knows(u));
      if (casesNameSteps()) envelope.setContext(aimed.id, aimed.requirementIds);
      return aimed;
    },
  };
  const read = async (userId: string): Promise<UserState> => {
    const { info } = await session.readIdentity(set.instanceId, userId);
    if (!info) throw new Error(`cannot read fixture user ${userId} of instance ${set.instanceId}`);
    return { instanceId: set.instanceId, userId, info };
  };
  return { set, generators, user: await read(set.userId), other: set.secondUserId ? await read(set.secondUserId) : undefined };
}

/** After a stop, every applicable requirement that no case reached is skipped with the reason (THR-429-TYPE keeps
 * its own: it is judged on 429s, which the suite never provokes). */
function skipUnreached(session: Session, types: string[], reason: string): void {
  for (const r of session.spec.requirements) {
    if (!r.appliesTo.some((t) => types.includes(t)) || r.id === 'THR-429-TYPE') continue;
    if ((session.ledger.entries[r.id]?.cases ?? 0) > 0) continue;
    session.ledger.skip(r.id, reason);
  }
}

/** The 429s the envelope absorbed are still responses: their envelope is judged (THR-429-TYPE and the rest). */
function observeThrottling(session: Session, envelope: Envelope): void {
  envelope.throttled.forEach(({ request, response }, i) =>
    session.observe({ channel: 'raw', request, response }, { caseId: `throttled:${i + 1}`, input: undefined, sensitiveValues: [], protocolLevel: true }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Journals

/** A journal that keeps nothing on disk (the dry run, the replay): it covers whatever it was told. */
class MemoryJournal implements SessionJournal {
  private readonly users = new Set<string>();
  private readonly names = new Set<string>();
  snapshot(_i: string, userId: string) {
    this.users.add(userId);
  }
  creating(_i: string, username: string) {
    this.names.add(username);
  }
  created(_i: string, userId: string) {
    this.users.add(userId);
  }
  restored() {}
  deleted() {}
  covers = (userId: string) => this.users.has(userId);
  coversCreate = (username: string) => this.names.has(username);
}

// ---------------------------------------------------------------------------------------------------------------
// The dry run

interface PlanCount {
  type: string;
  total: number;
  steps: Map<string, { requirementIds: string[]; requests: number }>;
  stopped?: string;
  ended: PlanOutcome['ended'];
  /** Failures on the embedded reference (none expected: a failure there is the suite's own problem). */
  failures: string[];
}

function dryRunFixtures(config: RunConfig, type: string): Fixtures {
  const f = config.fixtures;
  const info = { FirstName: 'Dry', LastName: 'Run', Email: 'dry-run@example.com', Mobile: '+12025550100' };
  const forbidden: Record<string, string[]> = { SAML: ['Email'], EXISTING_DIRECTORY: ['FirstName', 'LastName', 'Email'] };
  const identityInfo = Object.fromEntries(Object.entries(info).filter(([k]) => !(forbidden[type] ?? []).includes(k)));
  const users = config.provision ? [] : [f.userId, f.secondUserId].filter((u): u is string => !!u).map((id, i) => ({ id, username: `fixture-${i + 1}`, identityInfo }));
  return {
    region: config.region,
    accountId: '111122223333',
    credentials: { ...EXAMPLE_CREDENTIALS },
    instances: [
      { id: f.instanceId!, identityManagementType: type, users },
      ...(f.secondInstanceId ? [{ id: f.secondInstanceId, identityManagementType: 'CONNECT_MANAGED', users: [] }] : []),
    ],
  };
}

/** The plan of one run, played on the embedded reference in memory: every request counted, none sent anywhere. */
export async function planCount(spec: Spec, config: RunConfig, type: string): Promise<PlanCount> {
  const service = createReferenceService(spec, { fixtures: dryRunFixtures(config, type) });
  const journal = new MemoryJournal();
  const guard = new Guard({ allowInstances: config.allowInstances ?? [], fixtureUsers: [config.fixtures.userId, config.fixtures.secondUserId].filter((u): u is string => !!u), journal });
  const envelope = new Envelope({ guard, budget: new Budget(config.maxRequests!, reserveFor(config)), bucket: new TokenBucket(Number.POSITIVE_INFINITY, 1), clock: instantClock });
  const target = envelopedHandlerTarget(config.region, envelope, service.handle, 'the embedded reference (dry run)');
  // AWS verifies SigV4, so a real run checks authentication; the plan does the same.
  const cfg: RunConfig = { ...config, expectAuth: true, readBackWindowMs: 0 };
  envelope.setContext('preflight');
  await preflight(spec, cfg, target);
  envelope.setContext('session');
  const session = await openSession(cfg, { target, journal });
  const outcome = await runSandboxPlan(session, envelope);
  await session.close();
  const failures = Object.entries(session.ledger.entries).flatMap(([id, e]) => e.evidence.map((ev) => `${id} ${ev.caseId}: ${ev.problem}`));
  return { type, total: envelope.budget.sent, steps: envelope.steps, stopped: outcome.stopped?.message, ended: outcome.ended, failures };
}

const duration = (ms: number) => {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

async function dryRun(spec: Spec, config: RunConfig): Promise<number> {
  const types = config.identityManagementType ? [config.identityManagementType] : spec.identityManagementTypes;
  const plans: PlanCount[] = [];
  for (const type of types) plans.push(await planCount(spec, config, type));
  const perRequirement = (p: PlanCount) => {
    const out = new Map<string, number>();
    for (const step of p.steps.values()) for (const id of step.requirementIds) out.set(id, (out.get(id) ?? 0) + step.requests);
    return out;
  };
  const overhead = (p: PlanCount) => [...p.steps.entries()].filter(([, s]) => s.requirementIds.length === 0).reduce((n, [, s]) => n + s.requests, 0);
  console.log(`connect-conformance run --dry-run: nothing is sent. The plan of this run (seed ${config.seed}, ${config.runs} random cases per generator,`);
  console.log(`read back once per ${config.rejectionBatch} rejections), played on the embedded reference in memory and counted:`);
  if (!config.identityManagementType) console.log('(the run reads the instance\'s identity management type with DescribeInstance: one column per type)');
  console.log('');
  const width = Math.max(...spec.requirements.map((r) => r.id.length)) + 2;
  console.log(`${'requirement'.padEnd(width)}${types.map((t) => t.padStart(20)).join('')}    requests that reach it`);
  const counts = plans.map(perRequirement);
  for (const r of spec.requirements) {
    const cells = counts.map((c, i) => (r.appliesTo.includes(plans[i]!.type) ? String(c.get(r.id) ?? 0) : 'n/a'));
    if (cells.every((c) => c === '0' || c === 'n/a') && !counts.some((c) => c.has(r.id))) {
      console.log(`${r.id.padEnd(width)}${cells.map((c) => c.padStart(20)).join('')}    (judged on every response, or needs a flag)`);
    } else console.log(`${r.id.padEnd(width)}${cells.map((c) => c.padStart(20)).join('')}`);
  }
  console.log(`${'(preflight, fixtures, restore)'.padEnd(width)}${plans.map((p) => String(overhead(p)).padStart(20)).join('')}`);
  console.log(`${'TOTAL requests'.padEnd(width)}${plans.map((p) => String(p.total).padStart(20)).join('')}`);
  console.log('');
  for (const p of plans) {
    const time = TokenBucket.timeFor(p.total, config.rate!, config.burst!);
    console.log(`${p.type}: ${p.total} requests of the budget of ${config.maxRequests} (${reserveFor(config)} kept for restore); about ${duration(time)} at ${config.rate} requests/s (burst ${config.burst}), plus the target's own time`);
    if (p.stopped) console.log(`  the budget runs out first: ${p.stopped}; what did not run is reported skip`);
    for (const e of p.ended) console.log(`  ${e.label} would end early: ${e.message}`);
  }
  console.log('\nEach requirement\'s count is the requests of the steps that check it (a step may check several); the envelope judges every response too.');
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

function journalTarget(config: RunConfig): JournalData['target'] {
  return { kind: config.target, region: config.region, ...(config.endpointUrl ? { endpointUrl: config.endpointUrl } : {}), ...(config.profile ? { profile: config.profile } : {}) };
}

/** Guard and envelope for finishing a journal: its own instances and users, the run's budget and bucket. */
export function journalEnvelope(data: JournalData, journal: Journal, budget: Budget, bucket: TokenBucket): Envelope {
  const pending = pendingOf(data);
  const guard = new Guard({ allowInstances: data.allowInstances, fixtureUsers: pending.snapshots.map((s) => s.userId), basePath: basePathOf(data.target.endpointUrl), journal });
  for (const c of pending.created) guard.addCreated(c.userId);
  return new Envelope({ guard, budget, bucket });
}

const basePathOf = (endpointUrl: string | undefined) => (endpointUrl ? new URL(endpointUrl).pathname.replace(/\/$/, '') : '');

export function printUndo(report: { notes: RestoreNote[]; unknown: { instanceId: string; username: string }[] }): void {
  for (const n of report.notes) console.log(`  ${n.restored ? 'done' : 'FAILED'}: user ${n.userId}${n.note ? ` (${n.note})` : ' restored'}`);
  for (const u of report.unknown) console.log(`  unknown: user ${u.username} of instance ${u.instanceId} may exist (the run died before CreateUser answered); find it by its tag conformance=true and delete it`);
}

export async function sandboxRun(spec: Spec, request: SandboxRequest): Promise<number> {
  const config = request.config;
  if (config.dryRun) return dryRun(spec, config);
  const isAws = config.target === 'aws';
  const outDir = resolve(request.reportDir);
  const knownIds = spec.requirements.map((r) => r.id);
  const baselineData = request.baseline && !request.updateBaseline ? readBaseline(request.baseline, knownIds) : undefined;
  const startedAt = new Date();
  const budget = new Budget(config.maxRequests!, reserveFor(config));
  const bucket = isAws ? new TokenBucket(config.rate!, config.burst!) : new TokenBucket(Number.POSITIVE_INFINITY, 1);
  const allow = isAws ? (config.allowInstances ?? []) : [config.fixtures.instanceId, config.fixtures.secondInstanceId].filter((x): x is string => !!x);
  const region = config.region;

  // 2. An earlier run's unfinished journal is finished first.
  mkdirSync(outDir, { recursive: true });
  const previous = isAws ? readJournal(outDir) : undefined;
  if (previous && !isFinished(pendingOf(previous))) {
    const outside = previous.allowInstances.filter((i) => !allow.includes(i));
    if (outside.length) throw new TargetConfigError(`${join(outDir, 'journal.json')} holds unfinished work of an earlier run on instance ${outside.join(', ')}, which this run does not allowlist; run connect-conformance cleanup --report-dir ${request.reportDir}`);
    console.log(`connect-conformance: an earlier run in ${outDir} did not finish; undoing what its journal records first`);
    const resumed = Journal.resume(outDir, previous);
    const cleanupTarget = await createTarget(spec, { kind: 'aws', region, endpointUrl: config.endpointUrl, profile: config.profile, envelope: journalEnvelope(previous, resumed, budget, bucket), requestTimeoutMs: config.requestTimeoutMs });
    try {
      const report = await undoJournal(spec, cleanupTarget, resumed);
      printUndo(report);
      if (!isFinished(resumed.pending)) throw new TargetConfigError(`could not undo the earlier run recorded in ${resumed.file}; run connect-conformance cleanup --report-dir ${request.reportDir} and check its users`);
    } finally {
      await cleanupTarget.close();
    }
  }

  const journal = isAws ? Journal.start(outDir, journalTarget(config), allow) : undefined;
  const memory = journal ? undefined : new MemoryJournal();
  const sessionJournal: SessionJournal = journal ?? memory!;
  const guard = new Guard({
    allowInstances: allow,
    fixtureUsers: config.provision ? [] : [config.fixtures.userId, config.fixtures.secondUserId].filter((u): u is string => !!u),
    basePath: basePathOf(config.endpointUrl),
    journal: journal ?? memory,
  });
  const secrets = envSecrets();
  const recorder = config.record ? new Recorder(secrets) : undefined;
  const envelope = new Envelope({ guard, budget, bucket, recorder, ...(isAws ? {} : { clock: instantClock }) });
  const target: Target = await createTarget(spec, { kind: config.target, region, endpointUrl: config.endpointUrl, profile: config.profile, cassette: config.cassette, envelope, requestTimeoutMs: config.requestTimeoutMs });
  const credentials = await target.sdk.config.credentials().catch(() => undefined);
  // AWS verifies SigV4 (and a replayed run does what the recorded one did): authentication is checked.
  const runConfig: RunConfig = { ...config, expectAuth: config.expectAuth || target.enforcesAuth === true };
  for (const s of [credentials?.secretAccessKey, credentials?.sessionToken]) if (s && s.length >= 8) secrets.push(s);

  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) process.exit(130);
    console.error(`\n${signal}: stopping after the current request; restoring the fixtures (again to quit at once; the journal keeps what to undo)`);
    envelope.interrupt(signal);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  let session: Session | undefined;
  let outcome: PlanOutcome = { ended: [] };
  let restore: RestoreNote[] = [];
  let types: string[] = [];
  try {
    // 3. Preflight and the session: a stop here is a configuration problem (one line, exit 2).
    try {
      envelope.setContext('preflight');
      const sets = await preflight(spec, runConfig, target);
      types = [...new Set(sets.map((s) => s.identityManagementType))];
      console.log(`connect-conformance: ${target.kind} target at ${target.endpoint}; ${types.join(', ')}; seed ${config.seed}; ${config.runs} random cases per generator; budget ${budget.max} requests (${budget.reserve} kept for restore) at ${isAws ? `${bucket.rate}/s, burst ${bucket.burst}` : 'no rate limit (replay)'}`);
      envelope.setContext('session');
      session = await openSession(runConfig, { target, journal: sessionJournal });
    } catch (e) {
      if (e instanceof SendStopped) throw new TargetConfigError(`${config.target === 'replay' ? 'the cassette does not hold this run (same flags and --seed as the recorded run?)' : 'the run could not start'}: ${e.message}`);
      throw e;
    }
    // 4. The plan.
    try {
      outcome = await runSandboxPlan(session, envelope);
      observeThrottling(session, envelope);
    } finally {
      // 5. Restore, using the reserve.
      envelope.setContext('restore');
      restore = await session.close();
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await target.close();
    if (recorder && config.record) recorder.write(config.record);
  }
  if (journal && restore.every((n) => n.restored) && isFinished(journal.pending)) journal.finish();

  const stopReason = outcome.stopped ? `not reached: ${outcome.stopped.message}` : undefined;
  if (stopReason) skipUnreached(session, types, stopReason);

  const resolved = runConfig;
  const results = buildResults({
    spec,
    ledgers: [session.ledger.entries],
    restore,
    tool: toolInfo(),
    target: { kind: target.kind, endpoint: target.endpoint, region, identityManagementTypes: types },
    seed: config.seed,
    runs: config.runs,
    only: config.only,
    shard: request.shard,
    startedAt,
    finishedAt: new Date(),
    replay: (id: string, evidence: ShownEvidence) => replayCommand(resolved, id, evidence),
  });
  let view: BaselineView | undefined;
  if (request.baseline) {
    const base = request.updateBaseline ? updateBaselineFile(request.baseline, results, knownIds) : baselineData!;
    if (request.updateBaseline) console.log(`baseline written: ${request.baseline}`);
    view = applyBaseline(results, base, new Date());
  }
  const gate: Gate = view?.gate ?? plainGate(results);
  const written = writeReports(outDir, results, { baseline: view, secrets });
  const misses = outcome.ended.filter((e) => e.kind === 'cassette');
  const stats = {
    target: { kind: target.kind, endpoint: target.endpoint, region },
    requests: budget.sent,
    maxRequests: budget.max,
    reserve: budget.reserve,
    rate: isAws ? bucket.rate : null,
    burst: isAws ? bucket.burst : null,
    throttled: envelope.throttled.length,
    transportRetries: envelope.transportRetries,
    refusals: guard.refusals,
    stopped: outcome.stopped?.message ?? null,
    ended: outcome.ended,
    cassetteMisses: [...new Set(misses.flatMap((m) => m.requirementIds))],
    steps: Object.fromEntries(envelope.steps),
    ...(config.record ? { cassette: config.record, recorded: recorder!.definitions.length } : {}),
  };
  writeFileSync(join(outDir, 'sandbox.json'), `${JSON.stringify(stats, null, 1)}\n`);
  printSummary(results, written.html);
  console.log(
    `requests: ${budget.sent} sent of ${budget.max} (reserve ${budget.reserve}); 429s: ${envelope.throttled.length} (retried with backoff); unanswered and retried: ${envelope.transportRetries}; refused by the guard: ${guard.refusals.length}`,
  );
  if (outcome.stopped) console.log(`stopped early: ${outcome.stopped.message}; what did not run is reported skip`);
  for (const e of outcome.ended.filter((x) => x.kind !== 'cassette')) console.log(`step ${e.label} ended early (${e.kind}): ${e.message}`);
  if (misses.length) console.log(`the cassette could not answer ${misses.length} step(s): ${stats.cassetteMisses.join(', ')} reported skip`);
  for (const reason of view?.gate.reasons ?? []) console.log(`baseline: ${reason}`);
  if (recorder && config.record) {
    console.log(`recorded ${recorder.definitions.length} exchanges to ${config.record}; replay them offline with:`);
    const flags = targetFlags({ ...config, target: 'replay', endpointUrl: undefined, cassette: config.record }).slice(2);
    console.log(`  connect-conformance run --target replay ${[...flags, '--seed', String(config.seed), '--runs', String(config.runs), '--max-requests', String(budget.max)].join(' ')}`);
  }
  const unrestored = restore.filter((n) => !n.restored);
  for (const n of unrestored) console.error(`fixture user ${n.userId} was NOT restored: ${n.note ?? ''}${journal ? ` (connect-conformance cleanup --report-dir ${request.reportDir} tries again)` : ''}`);
  if (outcome.stopped?.kind === 'interrupted') return 1;
  return gate.passed && unrestored.length === 0 ? 0 : 1;
}
