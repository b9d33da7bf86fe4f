// What a run is told: the target, its fixtures, how much to generate, how long to wait, how much it may send. The
// CLI resolves flags, a config file and the environment into a RunConfig; the library takes RunOptions (the same
// settings, each optional, plus what only code can give: a handler, an event callback).
//
// OPTIONS is the one table of the settings: each option's CLI flag, and the targets that use it. The library checks
// a run's options against it (configOf: an option for another target is one line naming the option), the CLI checks
// its flags against it (bin/run-config.ts) and names the options of every library message by their flags with it
// (flagNaming), and the replay commands are written from it (replay-command.ts).
import type { OperationBinding } from '../core/binding.ts';
import { createHash } from 'node:crypto';
import { TargetConfigError, UsageError, type Naming } from '../core/errors.ts';
import type { WireHandler } from '../core/wire.ts';
import { DEFAULT_POLL } from '../core/poll.ts';
import type { Spec } from '../spec/index.ts';
import { missingProfile } from '../targets/aws/endpoint.ts';
import { cassetteMismatch, readCassetteFile, type RecordedWith } from '../targets/aws/cassette.ts';
import type { ClientTarget, TargetKind } from '../targets/index.ts';
import type { ReferenceService } from '../targets/reference/index.ts';
import type { RunEvent } from './events.ts';

export interface FixtureIds {
  instanceId?: string;
  userId?: string;
  secondUserId?: string;
  secondInstanceId?: string;
}

export interface RunConfig {
  /** The operation under test, by name (operations/index.ts; --operation): set when it is not the default one. */
  operation?: string;
  target: TargetKind;
  region: string;
  endpointUrl?: string;
  modulePath?: string;
  fixtures: FixtureIds;
  /** Set by --identity-management; otherwise read with DescribeInstance (or, on the reference, all types). */
  identityManagementType?: string;
  provision: boolean;
  securityProfileId?: string;
  routingProfileId?: string;
  expectAuth: boolean;
  /** Random-phase examples per property. */
  runs: number;
  /** The 32-bit seed fast-check uses (seedOf: the seed as given, when it is one, else derived from it). */
  seed: number;
  /** The seed as the user gave it, when it is not the 32-bit seed itself (a CI run id, a word): seedOf. */
  seedGiven?: string;
  /** Requirement IDs to check; empty means all. */
  only: string[];
  /** How long read-back is polled before it is called a failure. */
  readBackWindowMs: number;
  /** How many rejected requests are followed by one read-back (NL-REJECTED-UNCHANGED). */
  rejectionBatch: number;
  /** One shard of several (`--shard i/n`): the requirement IDs it checks (the others are skipped with the reason). */
  shard?: { text: string; ids: string[]; skipReason: string };
  /** Which steps of the plan run: `local` every step, `sandbox` the covering ones (default: sandbox for aws and replay). */
  policy?: 'local' | 'sandbox';
  /** Runs only the steps of these suite families (engine/plan.ts SUITES); default all. */
  suites?: string[];
  /** Runs only this plan step (engine/plan.ts: `TYPE/phase/name`), as `replay` does. */
  step?: string;
  /** Replays one random case (or command sequence): fast-check's path under `seed`. */
  replayPath?: string;
  /** aws: where the journal of the run's writes is kept (the report directory). */
  journalDir?: string;
  /** aws: the instances the run may send to (--allow-instance, or allow-instance in --config FILE). */
  allowInstances?: string[];
  /** aws: the credentials profile (else the standard chain: environment, SSO, container and instance roles). */
  profile?: string;
  /** replay: the cassette a run recorded with --record. */
  cassette?: string;
  /** Every request of the run counts against this (aws: restore included, default 300; elsewhere the checks stop
   * here and the restore may go beyond, default LOCAL_LIMITS.maxRequests). */
  maxRequests?: number;
  /** No step starts after this many seconds, and a step under way stops at its next request (default
   * LOCAL_LIMITS.maxSeconds); the fixtures are restored all the same. */
  maxSeconds?: number;
  /** aws: requests per second (default 2) and burst (default 5) of the run's one token bucket. */
  rate?: number;
  burst?: number;
  /** How long one request may take before it counts as unanswered (default 5 s), for every target. */
  requestTimeoutMs?: number;
  /** aws: store the run's exchanges, redacted, in a cassette (nock definitions and the settings they were recorded with). */
  record?: string;
}

/** What the library's runConformance takes: every setting optional, plus what only code can hand over. */
export interface RunOptions extends Partial<Omit<RunConfig, 'fixtures' | 'target' | 'seed' | 'seedGiven'>> {
  /** The kind of target (as --target), or `{ client }`: a ConnectClient to check through its send (a real client, or
   * one stubbed with aws-sdk-client-mock), which needs `fixtures` as a module target does. */
  target?: TargetKind | ClientTarget;
  fixtures?: FixtureIds;
  /** The seed of the random phase: any whole number or any text (seedOf derives the 32-bit seed fast-check uses). */
  seed?: number | string;
  /** The spec to run (default: the binding's, from the package's spec/). */
  spec?: Spec;
  /** The operation under test, as code hands it over (default: the one `operation` names, else the default
   * operation's, operations/index.ts); `operation` and `binding` given together must name the same operation. */
  binding?: OperationBinding;
  /** A handler to test in this process (as --target module with a module exporting `handler`). */
  handler?: WireHandler;
  /** For the reference kinds: a variant of the reference's handler (the suite's own power tests use this). */
  wrapHandler?: (handler: WireHandler, service: ReferenceService) => WireHandler;
  /** Called as the run goes: steps started and finished, verdicts, requests. */
  onEvent?: (event: RunEvent) => void;
  /** Stops the run (as SIGINT does on the CLI): what did not run is reported, the fixtures are restored. */
  signal?: AbortSignal;
  /** Extra secret values never to keep in results (the credentials of the target are always redacted). */
  secrets?: string[];
}

export const DEFAULT_RUNS = 25;
/** A run against a real account (--target aws): its budget, rate and the budget-aware plan's defaults. */
export const SANDBOX_DEFAULTS = { maxRequests: 300, rate: 2, burst: 5, runs: 3, rejectionBatch: 25 } as const;
export const DEFAULT_READ_BACK_WINDOW_MS = DEFAULT_POLL.windowMs;

/**
 * The whole-run bounds of a run that is not against a real account: far above what a correct target needs (the
 * default run on the embedded reference sends about 1,500 requests in a few seconds) and above what a broken one
 * needs, since a failed requirement stops costing (bounded shrinking, no more polling): they stop a target that
 * misbehaves in a way nothing else bounds.
 */
export const LOCAL_LIMITS = { maxRequests: 20_000, maxSeconds: 1_200 } as const;

/** Each fast-check run (a random phase, the stateful test) stops shrinking after this many executions or this long. */
export const SHRINK_LIMITS = { executions: 100, ms: 60_000 } as const;

/** True for the targets that are a real account (or a recording of one): they run under the sandbox policy. */
export const isSandbox = (target: TargetKind) => target === 'aws' || target === 'replay';

export function defaultConfig(target: TargetKind = 'reference'): RunConfig {
  const sandbox = isSandbox(target);
  return {
    target,
    region: 'us-east-1',
    fixtures: {},
    provision: false,
    expectAuth: false,
    runs: sandbox ? SANDBOX_DEFAULTS.runs : DEFAULT_RUNS,
    seed: Math.floor(Math.random() * (2 ** 31 - 1)),
    only: [],
    readBackWindowMs: DEFAULT_READ_BACK_WINDOW_MS,
    rejectionBatch: sandbox ? SANDBOX_DEFAULTS.rejectionBatch : 1,
    ...(sandbox ? { maxRequests: SANDBOX_DEFAULTS.maxRequests, rate: SANDBOX_DEFAULTS.rate, burst: SANDBOX_DEFAULTS.burst } : {}),
  };
}

/**
 * The settings of a run, by option (as RunOptions spells them; a fixture ID under `fixtures.`): the CLI's flag of each
 * (`kind`: a flag without a value, or one that may be repeated; else a flag with one value), the targets that use it
 * (none listed: every target), and the range of a whole number (engine/policy.ts checks it, for every front end). A
 * setting given to a target that does not use it is a mistake (checkTargetOptions): a forgotten --target must never
 * silently test another target. The CLI's flags of these settings are made from this table (bin/run-config.ts).
 */
export interface OptionInfo {
  flag?: string;
  kind?: 'boolean' | 'list';
  targets?: readonly TargetKind[];
  range?: { min: number; max: number };
}

export const OPTIONS: Readonly<Record<string, OptionInfo>> = {
  operation: { flag: '--operation' },
  target: { flag: '--target' },
  endpointUrl: { flag: '--endpoint-url', targets: ['endpoint', 'aws'] },
  modulePath: { flag: '--module', targets: ['module'] },
  handler: { targets: ['module'] },
  wrapHandler: { targets: ['reference', 'nock'] },
  region: { flag: '--region' },
  profile: { flag: '--profile', targets: ['endpoint', 'aws'] },
  cassette: { flag: '--cassette', targets: ['replay'] },
  allowInstances: { flag: '--allow-instance', kind: 'list', targets: ['aws', 'replay'] },
  record: { flag: '--record', targets: ['aws'] },
  rate: { flag: '--rate', targets: ['aws', 'replay'] },
  burst: { flag: '--burst', targets: ['aws', 'replay'], range: { min: 1, max: 1000 } },
  journalDir: { targets: ['aws'] },
  'fixtures.instanceId': { flag: '--instance-id' },
  'fixtures.userId': { flag: '--user-id' },
  'fixtures.secondUserId': { flag: '--second-user-id' },
  'fixtures.secondInstanceId': { flag: '--second-instance-id' },
  identityManagementType: { flag: '--identity-management' },
  provision: { flag: '--provision', kind: 'boolean' },
  securityProfileId: { flag: '--security-profile-id' },
  routingProfileId: { flag: '--routing-profile-id' },
  expectAuth: { flag: '--expect-auth', kind: 'boolean' },
  readBackWindowMs: { flag: '--read-back-window', range: { min: 0, max: 600_000 } },
  rejectionBatch: { flag: '--rejection-batch', range: { min: 1, max: 10_000 } },
  requestTimeoutMs: { flag: '--request-timeout', range: { min: 1, max: 600_000 } },
  maxRequests: { flag: '--max-requests', range: { min: 1, max: 1_000_000 } },
  maxSeconds: { flag: '--max-seconds', range: { min: 1, max: 7 * 24 * 3600 } },
  runs: { flag: '--runs', range: { min: 1, max: 100_000 } },
  seed: { flag: '--seed' },
  only: { flag: '--only' },
  shard: { flag: '--shard' },
  step: { flag: '--step' },
  replayPath: { flag: '--path' },
};

/** A word as a POSIX shell reads it back unchanged. */
export const quoted = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The CLI's naming of a setting: its flag, with its value as a shell takes it (`--target endpoint`, `--region 'US East'`). */
export const flagNaming: Naming = (option, value) => {
  const flag = OPTIONS[option]?.flag ?? option;
  if (value === undefined) return flag;
  const word = (v: string | number) => (typeof v === 'number' ? String(v) : quoted(v));
  return `${flag} ${Array.isArray(value) ? value.map(word).join(' or ') : word(value as string | number)}`;
};

/** A setting is given when it is not undefined, not false and not an empty list. */
export const given = (v: unknown) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);

/** The options of `options` that are given, by OPTIONS' names. */
function givenOptions(options: RunOptions): string[] {
  const top = Object.entries(options)
    .filter(([k, v]) => k !== 'fixtures' && given(v))
    .map(([k]) => k);
  const fixtures = Object.entries(options.fixtures ?? {})
    .filter(([, v]) => given(v))
    .map(([k]) => `fixtures.${k}`);
  return [...top, ...fixtures];
}

/**
 * A setting given to a target that does not use it is one line naming both (and, when the target was not chosen,
 * the target it is for): `--endpoint-url is for --target endpoint or aws; did you mean --target endpoint?`.
 */
export function checkTargetOptions(target: TargetKind, given: readonly string[], targetChosen: boolean): void {
  for (const option of given) {
    const targets = OPTIONS[option]?.targets;
    if (!targets || targets.includes(target)) continue;
    throw new UsageError((name) => {
      const alone = targets.filter((t) => t !== 'replay');
      const head = `${name(option)} is for ${name('target', targets)}`;
      return targetChosen ? `${head}, not ${name('target', target)}` : `${head}; did you mean ${name('target', alone[0] ?? targets[0]!)}?`;
    });
  }
}

/** A region is a host label of lower-case letters, digits and hyphens (us-east-1): the SDKs put it in host names and signatures. */
const REGION_SYNTAX = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** `from`: the environment variable the region came from, when no option gave it. */
export function checkRegion(region: string, from?: string): void {
  if (!REGION_SYNTAX.test(region) || region.length > 63) {
    throw new UsageError(
      (name) =>
        `${from ? `${from}=${JSON.stringify(region)}` : name('region', region)} is not a region name: lower-case letters, digits and hyphens, as us-east-1`,
    );
  }
}

/**
 * The profile a signing target takes its credentials from (the `profile` option, else AWS_PROFILE) must exist: a
 * missing one is one line naming it, before the SDK looks for credentials (and prints its own warnings).
 */
export function checkProfile(target: TargetKind, profile: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (target !== 'endpoint' && target !== 'aws') return;
  const name = profile ?? env.AWS_PROFILE;
  if (!name) return;
  const missing = missingProfile(name, env);
  if (!missing) return;
  throw new UsageError(
    (n) => `${profile !== undefined ? n('profile', name) : `AWS_PROFILE=${name}`}: no such profile in ${missing.searched.join(' or ')}`,
  );
}

const SEED_RANGE = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

/**
 * The 32-bit seed fast-check uses, from the seed as given. A whole number from -2^31 to 2^31-1 is that seed (so every
 * seed of earlier versions replays as before). Anything else, a larger whole number (a CI run id such as
 * 12345678901234) or any text, is hashed: the first four bytes of the SHA-256 of its text (a whole number in plain
 * decimal, without sign or leading zeros; text without surrounding spaces), read as a signed big-endian 32-bit
 * integer. `given` is that text, when it is not the seed itself.
 */
export function seedOf(value: number | string): { seed: number; given?: string } {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new UsageError(
      (name) => `${name('seed')} must be a whole number or a string (got ${value}; give a number beyond 2^53 as a string)`,
    );
  }
  const text = String(value).trim();
  if (!text) throw new UsageError((name) => `${name('seed')} is empty: give a whole number or a word`);
  const whole = /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
  if (whole !== undefined && whole >= BigInt(SEED_RANGE.min) && whole <= BigInt(SEED_RANGE.max)) return { seed: Number(whole) };
  const canonical = whole !== undefined ? whole.toString() : text;
  return { seed: createHash('sha256').update(canonical, 'utf8').digest().readInt32BE(0), given: canonical };
}

/** The seed as a person reads it: as given, with the 32-bit seed fast-check uses beside it when they differ. */
export const seedShown = (r: { seed: number; seedGiven?: string }): string =>
  r.seedGiven !== undefined ? `${r.seedGiven} (fast-check seed ${r.seed})` : String(r.seed);

/** The seed to give back to the tool to run again (--seed): as given. */
export const seedArgument = (r: { seed: number; seedGiven?: string }): string => r.seedGiven ?? String(r.seed);

/**
 * What decides the requests a run sends, in the order it sends them, by option: a replayed cassette answers only the
 * run it recorded, so a replay whose settings differ is refused (targets/aws/cassette.ts stores and compares these).
 */
export function recordedSettings(config: RunConfig): RecordedWith {
  return {
    operation: config.operation ?? null,
    seed: config.seed,
    seedGiven: config.seedGiven ?? null,
    runs: config.runs,
    only: [...config.only],
    shard: config.shard?.text ?? null,
    identityManagementType: config.identityManagementType ?? null,
    step: config.step ?? null,
    replayPath: config.replayPath ?? null,
    suites: config.suites ? [...config.suites] : null,
    policy: config.policy ?? null,
    'fixtures.instanceId': config.fixtures.instanceId ?? null,
    'fixtures.userId': config.fixtures.userId ?? null,
    'fixtures.secondUserId': config.fixtures.secondUserId ?? null,
    'fixtures.secondInstanceId': config.fixtures.secondInstanceId ?? null,
    provision: config.provision,
    expectAuth: config.expectAuth,
    rejectionBatch: config.rejectionBatch,
    readBackWindowMs: config.readBackWindowMs,
    maxRequests: config.maxRequests ?? null,
  };
}

/**
 * A replay (`cassette`) must be run with the settings its cassette was recorded with: otherwise one line naming each
 * setting that differs, both ways (a cassette of an earlier version, which does not say, is replayed as it is).
 */
export function checkCassetteSettings(config: RunConfig): void {
  if (!config.cassette) return;
  const { recordedWith } = readCassetteFile(config.cassette);
  if (!recordedWith) return;
  const now = recordedSettings(config);
  const differs = cassetteMismatch(recordedWith, now).filter((d) => d.option !== 'seedGiven');
  if (!differs.length) return;
  const file = config.cassette;
  const shown = (name: Naming, option: string, value: RecordedWith[string], all: RecordedWith): string => {
    if (option === 'seed') return name('seed', typeof all.seedGiven === 'string' ? all.seedGiven : Number(value));
    if (value === null || value === false || (Array.isArray(value) && value.length === 0)) return `no ${name(option)}`;
    if (value === true) return name(option);
    return name(option, Array.isArray(value) ? value.join(',') : (value as string | number));
  };
  throw new TargetConfigError(
    (name) =>
      `${name('cassette', file)} was recorded with ${differs.map((d) => shown(name, d.option, d.recorded, recordedWith)).join(', ')}; this run has ${differs.map((d) => shown(name, d.option, d.now, now)).join(', ')}: a cassette answers only the run it recorded, replay it with the same settings`,
  );
}

/** The client of `target: { client }`, if that is the target. */
export const clientOf = (options: RunOptions) =>
  typeof options.target === 'object' && options.target !== null ? options.target.client : undefined;

/** The configuration of a run from the library's options: every setting not given takes its default. */
export function configOf(options: RunOptions): RunConfig {
  const client = typeof options.target === 'object' && options.target !== null;
  if (client && options.handler) throw new UsageError('give runConformance either a handler or target: { client }, not both');
  const target: TargetKind = client ? 'client' : ((options.target as TargetKind | undefined) ?? (options.handler ? 'module' : 'reference'));
  checkTargetOptions(target, givenOptions(options), options.target !== undefined);
  const base = defaultConfig(target);
  const given = Object.fromEntries(
    Object.entries(options).filter(
      ([k, v]) =>
        v !== undefined &&
        !['spec', 'binding', 'handler', 'wrapHandler', 'onEvent', 'signal', 'secrets', 'fixtures', 'target', 'seed', 'seedGiven'].includes(
          k,
        ),
    ),
  ) as Partial<RunConfig>;
  // A RunConfig handed back (the CLI's) keeps its seed as given.
  const asGiven = (options as { seedGiven?: string }).seedGiven ?? options.seed;
  const seed = asGiven === undefined ? { seed: base.seed } : seedOf(asGiven);
  const config: RunConfig = {
    ...base,
    ...given,
    target,
    fixtures: { ...(options.fixtures ?? {}) },
    seed: seed.seed,
    ...(seed.given !== undefined ? { seedGiven: seed.given } : {}),
  };
  checkRegion(config.region);
  checkProfile(target, config.profile);
  return config;
}
