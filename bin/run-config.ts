// Flags, a config file and the environment into a RunConfig, checked: every mistake is one line naming the flag,
// exit 2. A config file (--config FILE, YAML) holds the same settings as the flags, under the flags' names
// (`allow-instance: [ID, ...]`, `instance-id: ID`, `max-requests: 200`); a flag given on the command line wins, and
// allow-instance lists add up.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Spec } from '../spec/index.ts';
import { checkProfile, checkRegion, checkTargetOptions, DEFAULT_READ_BACK_WINDOW_MS, DEFAULT_RUNS, flagNaming, OPTIONS, SANDBOX_DEFAULTS, seedOf, type RunConfig } from '../engine/options.ts';
import { isUserError } from '../core/errors.ts';
import { TARGET_KINDS, type TargetKind } from '../targets/index.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, resolveEndpoint } from '../targets/aws/index.ts';
import { inShard, parseShard, shardSkipReason, shardText } from '../reports/merge.ts';
import { didYouMean, integerFlag, parseFlags, UsageError, writableDir, type Options } from './usage.ts';
import { selectRequirements } from './list.ts';

export const TARGET_FLAGS = {
  target: { type: 'string' },
  'endpoint-url': { type: 'string' },
  module: { type: 'string' },
  region: { type: 'string' },
  'instance-id': { type: 'string' },
  'user-id': { type: 'string' },
  'second-user-id': { type: 'string' },
  'second-instance-id': { type: 'string' },
  'identity-management': { type: 'string' },
  provision: { type: 'boolean' },
  'security-profile-id': { type: 'string' },
  'routing-profile-id': { type: 'string' },
  'expect-auth': { type: 'boolean' },
  'read-back-window': { type: 'string' },
  'rejection-batch': { type: 'string' },
  'allow-instance': { type: 'string', multiple: true },
  profile: { type: 'string' },
  cassette: { type: 'string' },
  'request-timeout': { type: 'string' },
  'max-requests': { type: 'string' },
  'max-seconds': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies Options;

export const TARGET_HELP = `Target (a flag of another target than the one --target names is refused, exit 2):
  --target KIND               reference (default) | nock | module | endpoint | aws | replay
  --endpoint-url URL          for --target endpoint, or to point --target aws elsewhere; otherwise, as the AWS SDKs
                              do: AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, the profile's endpoint_url
  --module PATH               for --target module: a .js, .mjs, .cjs or .ts module exporting handler(request),
                              requestHandler, or installNock({ region }) (see the README's module handler contract)
  --region REGION             default AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1
  --profile NAME              for the targets that sign (endpoint, aws): the AWS profile of the credentials (and of
                              endpoint_url); default: the standard chain (environment, AWS_PROFILE, SSO, container
                              and instance roles)
Fixtures (not needed on the reference, which has its own):
  --instance-id ID            the instance to test in
  --user-id ID                the user the run may write to; its identity info is snapshotted and restored
  --second-user-id ID         a second user of the instance: enables the isolation checks
  --second-instance-id ID     another instance: enables the cross-instance check
  --identity-management TYPE  CONNECT_MANAGED | SAML | EXISTING_DIRECTORY (default: read with DescribeInstance)
  --provision                 create the run's own users (conformance-*) instead, and delete them at the end;
                              needs --security-profile-id and --routing-profile-id
  --expect-auth               the target enforces SigV4: check that unsigned and wrongly signed requests get 403
  --read-back-window MS       how long read-back is polled (default ${DEFAULT_READ_BACK_WINDOW_MS})
  --rejection-batch N         read a user back once after N rejected requests, not after each (default 1;
                              ${SANDBOX_DEFAULTS.rejectionBatch} with --target aws)
A real sandbox (--target aws; see the README's "Running against a real sandbox"):
  --allow-instance ID         an instance the run may send to (repeatable); --instance-id and --second-instance-id
                              must be allowlisted, or the run exits 2 having sent nothing
  --config FILE               YAML with the same settings as the flags, under their names (allow-instance: [ID])
  --cassette FILE             for --target replay: a cassette recorded with run --record FILE
Limits (every target):
  --request-timeout MS        how long one request may take before it counts as unanswered (default ${DEFAULT_REQUEST_TIMEOUT_MS})
  --max-requests N            stop sending after N requests, restore included (default: none; 300 with --target aws);
                              what did not run is reported skip
  --max-seconds N             stop starting new checks after N seconds (default: none); the fixtures are restored`;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * The values of a --config file under the flags, for the keys `options` knows: a flag given on the command line
 * wins; allow-instance (a multiple flag) adds up. Returns the values without `config`.
 */
function withConfigFile(values: Values, options: Options): Values {
  const file = values.config as string | undefined;
  if (file === undefined) return values;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not YAML (${(e as Error).message.split('\n')[0]})`}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`--config ${file}: needs a mapping of settings named like the flags (allow-instance: [ID], instance-id: ID, ...)`);
  const merged: Values = { ...values };
  delete merged.config;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const option = (options as Record<string, { type: string; multiple?: boolean }>)[key];
    if (!option || key === 'config' || key === 'help') {
      const settings = Object.keys(options).filter((k) => k !== 'config' && k !== 'help');
      const near = didYouMean(key, settings);
      throw new UsageError(`--config ${file}: unknown setting ${key}${near ? `; did you mean ${near}?` : ''} (settings are named like the flags: ${settings.join(', ')})`);
    }
    const scalar = (v: unknown): string | boolean => {
      if (option.type === 'boolean') {
        if (typeof v !== 'boolean') throw new UsageError(`--config ${file}: ${key} must be true or false`);
        return v;
      }
      if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`--config ${file}: ${key} must be a string or a number`);
      return String(v);
    };
    if (option.multiple) {
      const list = (Array.isArray(value) ? value : [value]).map(scalar) as string[];
      merged[key] = [...new Set([...((values[key] as string[] | undefined) ?? []), ...list])];
    } else if (values[key] === undefined) {
      merged[key] = scalar(value);
    }
  }
  return merged;
}

/** The aws target's allowlist rule: nothing is sent unless every instance the run names is allowlisted. */
function checkAllowlist(allow: string[], instances: (string | undefined)[]): void {
  for (const [flag, id] of [['--instance-id', instances[0]], ['--second-instance-id', instances[1]]] as const) {
    if (id !== undefined && !allow.includes(id)) {
      throw new UsageError(`--target aws: ${flag} ${id} is not allowlisted; name it with --allow-instance ${id} (or allow-instance in --config FILE) to let the run send to it; nothing was sent`);
    }
  }
}

/** A check of the library's (engine/options.ts), its message naming the flags. */
function asFlags<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (isUserError(e)) throw new UsageError(e.messageFor(flagNaming));
    throw e;
  }
}

/** The options (engine/options.ts OPTIONS) whose flags are given. */
function optionsOfFlags(values: Values): string[] {
  const given = (v: unknown) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  return Object.entries(OPTIONS)
    .filter(([, o]) => o.flag && given(values[o.flag.slice(2)]))
    .map(([option]) => option);
}

/** The endpoint variables of the environment that a run without --target does not use. */
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_CONNECT', 'AWS_ENDPOINT_URL'] as const;

/**
 * Why a run without --target tests the embedded reference although the environment names an endpoint (for the
 * first line of its output), or undefined.
 */
function targetNote(values: Values, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (values.target !== undefined) return undefined;
  const set = ENDPOINT_VARIABLES.filter((v) => env[v]);
  if (!set.length) return undefined;
  return `${set.map((v) => `${v}=${env[v]}`).join(' and ')} ${set.length > 1 ? 'are' : 'is'} not used: only --target endpoint or aws send to an endpoint; add --target endpoint to test it`;
}

export function targetConfig(spec: Spec, flagValues: Values, env: NodeJS.ProcessEnv = process.env): Omit<RunConfig, 'seed' | 'runs' | 'only'> {
  const values = withConfigFile(flagValues, RUN_FLAGS);
  const kind = (values.target as string | undefined) ?? 'reference';
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    const near = didYouMean(kind, TARGET_KINDS);
    throw new UsageError(`--target must be one of ${TARGET_KINDS.join(', ')} (got ${kind}${near ? `; did you mean ${near}?` : ''})`);
  }
  // A flag for another target is a mistake, never ignored (a forgotten --target would test the embedded reference).
  asFlags(() => checkTargetOptions(kind as TargetKind, optionsOfFlags(values), values.target !== undefined));
  const type = values['identity-management'] as string | undefined;
  if (type !== undefined && !spec.identityManagementTypes.includes(type)) {
    throw new UsageError(`--identity-management must be one of ${spec.identityManagementTypes.join(', ')} (got ${type})`);
  }
  const allowInstances = (values['allow-instance'] as string[] | undefined) ?? [];
  const sandbox = kind === 'aws' || kind === 'replay';
  const signs = kind === 'endpoint' || kind === 'aws';
  if (kind === 'replay' && values.cassette === undefined) throw new UsageError('--target replay needs --cassette FILE (recorded with run --target aws --record FILE)');
  if (sandbox) {
    const instanceId = values['instance-id'] as string | undefined;
    if (!instanceId) throw new UsageError(`--target ${kind} needs --instance-id ID (and --user-id ID, or --provision)`);
    if (!values['user-id'] && values.provision !== true) throw new UsageError('name the fixture user with --user-id (its identity info is restored at the end), or let the run create its own with --provision');
    if (kind === 'aws') checkAllowlist(allowInstances, [instanceId, values['second-instance-id'] as string | undefined]);
  }
  const region = (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (values.region !== undefined) asFlags(() => checkRegion(region));
  else {
    const from = env.AWS_REGION !== undefined ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
    asFlags(() => checkRegion(region, from));
  }
  // A profile that does not exist is one line naming it, before the SDK looks for credentials (and warns).
  asFlags(() => checkProfile(kind as TargetKind, values.profile as string | undefined, env));
  const maxRequests = integerFlag('max-requests', values['max-requests'] as string | undefined, 1, 1_000_000);
  const maxSeconds = integerFlag('max-seconds', values['max-seconds'] as string | undefined, 1, 7 * 24 * 3600);
  const endpointUrl = signs ? resolveEndpoint({ endpointUrl: values['endpoint-url'] as string | undefined, profile: values.profile as string | undefined, env })?.url : (values['endpoint-url'] as string | undefined);
  if (kind === 'endpoint' && !endpointUrl) throw new UsageError('--target endpoint needs --endpoint-url URL (or AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, or endpoint_url in the AWS profile)');
  const rejectionBatch = integerFlag('rejection-batch', values['rejection-batch'] as string | undefined, 1, 10_000) ?? (sandbox ? SANDBOX_DEFAULTS.rejectionBatch : 1);
  return {
    target: kind as TargetKind,
    region,
    // The targets that send over the network resolve the endpoint as the SDKs do (flag, environment, profile).
    endpointUrl,
    modulePath: values.module as string | undefined,
    fixtures: {
      instanceId: values['instance-id'] as string | undefined,
      userId: values['user-id'] as string | undefined,
      secondUserId: values['second-user-id'] as string | undefined,
      secondInstanceId: values['second-instance-id'] as string | undefined,
    },
    identityManagementType: type,
    provision: values.provision === true,
    securityProfileId: values['security-profile-id'] as string | undefined,
    routingProfileId: values['routing-profile-id'] as string | undefined,
    expectAuth: values['expect-auth'] === true,
    readBackWindowMs: integerFlag('read-back-window', values['read-back-window'] as string | undefined, 0, 600_000) ?? DEFAULT_READ_BACK_WINDOW_MS,
    rejectionBatch,
    requestTimeoutMs: integerFlag('request-timeout', values['request-timeout'] as string | undefined, 1, 600_000),
    ...(maxRequests !== undefined ? { maxRequests } : {}),
    ...(maxSeconds !== undefined ? ({ maxSeconds } as Partial<RunConfig>) : {}),
    ...(signs && values.profile !== undefined ? { profile: values.profile as string } : {}),
    ...(sandbox ? { allowInstances, cassette: values.cassette as string | undefined } : {}),
  };
}

export const RUN_FLAGS = {
  ...TARGET_FLAGS,
  runs: { type: 'string' },
  seed: { type: 'string' },
  only: { type: 'string' },
  'report-dir': { type: 'string' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  shard: { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'dry-run': { type: 'boolean' },
  record: { type: 'string' },
  quiet: { type: 'boolean' },
} as const satisfies Options;

export interface RunRequest {
  config: RunConfig;
  reportDir: string;
  help: boolean;
  baseline?: string;
  updateBaseline: boolean;
  /** --dry-run: print the plan of a --target aws run; send nothing. */
  dryRun: boolean;
  /** --quiet: no progress output. */
  quiet: boolean;
  /** Why the run tests the embedded reference although the environment names an endpoint (targetNote). */
  note?: string;
}

/**
 * --seed: any whole number (a CI run id) or any word, as given; the 32-bit seed fast-check uses is derived from it
 * (engine/options.ts seedOf). Without it, a random 32-bit seed.
 */
export function seedFlag(value: string | undefined): { seed: number; seedGiven?: string } {
  if (value === undefined) return { seed: randomInt(2 ** 31 - 1) };
  const { seed, given } = asFlags(() => seedOf(value));
  return given === undefined ? { seed } : { seed, seedGiven: given };
}

export function runConfig(spec: Spec, args: string[]): RunRequest {
  const values = withConfigFile(parseFlags('run', args, RUN_FLAGS).values, RUN_FLAGS);
  const base = targetConfig(spec, values);
  const sandbox = base.target === 'aws' || base.target === 'replay';
  // (--rate, --burst, --record and every target flag: targetConfig, from engine/options.ts OPTIONS.)
  if (values['dry-run'] && base.target !== 'aws') throw new UsageError(`--dry-run plans a --target aws run${values.target === undefined ? '; did you mean --target aws?' : ''}`);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0 && rate <= 1000)) throw new UsageError(`--rate must be a number of requests per second above 0, at most 1000 (got ${String(values.rate)})`);
  const burst = integerFlag('burst', values.burst as string | undefined, 1, 1000);
  // Against AWS itself the run never goes above the documented default quota (it must never provoke throttling);
  // a test double or a private endpoint (--endpoint-url) may be driven faster.
  if (base.target === 'aws' && !base.endpointUrl && ((rate ?? 0) > SANDBOX_DEFAULTS.rate || (burst ?? 0) > SANDBOX_DEFAULTS.burst)) {
    throw new UsageError(`--target aws: --rate and --burst may only be lowered against AWS itself (at most ${SANDBOX_DEFAULTS.rate}/s, burst ${SANDBOX_DEFAULTS.burst}: the documented default quota, shared by the whole account)`);
  }
  const only = values.only === undefined ? [] : selectRequirements(spec, values.only as string);
  if (values.only !== undefined && !only.length) throw new UsageError('--only names no requirement (connect-conformance list shows the IDs)');
  if (values['update-baseline'] && !values.baseline) throw new UsageError('--update-baseline needs --baseline FILE (the file it writes)');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard as string);
  const shardIds = shard ? spec.requirements.map((r) => r.id).filter((_, i) => inShard(i, shard)) : undefined;
  const selected = shardIds ? (only.length ? only.filter((id) => shardIds.includes(id)) : shardIds) : only;
  const reportDir = resolve((values['report-dir'] as string | undefined) ?? 'reports/out');
  // A report folder that cannot be written is one line and exit 2 now, not a stack trace after the run.
  if (values.help !== true && values['dry-run'] !== true) writableDir('--report-dir', reportDir);
  return {
    config: {
      ...base,
      ...(sandbox ? { maxRequests: base.maxRequests ?? SANDBOX_DEFAULTS.maxRequests } : {}),
      ...(sandbox
        ? {
            rate: rate ?? SANDBOX_DEFAULTS.rate,
            burst: burst ?? SANDBOX_DEFAULTS.burst,
            record: values.record as string | undefined,
          }
        : {}),
      runs: integerFlag('runs', values.runs as string | undefined, 1, 100_000) ?? (sandbox ? SANDBOX_DEFAULTS.runs : DEFAULT_RUNS),
      ...seedFlag(values.seed as string | undefined),
      only: selected,
      ...(shard && shardIds ? { shard: { text: shardText(shard), ids: shardIds, skipReason: shardSkipReason(shard) } } : {}),
      ...(base.target === 'aws' ? { journalDir: reportDir } : {}),
    },
    reportDir,
    help: values.help === true,
    baseline: values.baseline as string | undefined,
    updateBaseline: values['update-baseline'] === true,
    dryRun: values['dry-run'] === true,
    quiet: values.quiet === true,
    note: targetNote(values),
  };
}
