// Flags, a config file and the environment into a RunConfig: every mistake is one line naming the flag, exit 2. A
// config file (--config FILE, YAML) holds the same settings as the flags, under the flags' names (`allow-instance:
// [ID, ...]`, `instance-id: ID`, `max-requests: 200`); a flag given on the command line wins, and allow-instance lists
// add up. This file only parses: the flags are made from the engine's one table of settings (engine/options.ts
// OPTIONS), the defaults are the engine's (defaultConfig), and every rule about the values (ranges, what a target
// needs, the allowlist, the rate ceiling against AWS) is the engine's policy (engine/policy.ts), which runConformance
// enforces for every front end; runConfig calls it too, to refuse before anything is printed or written.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Spec } from '../spec/index.ts';
import type { OperationBinding } from '../core/binding.ts';
import { DEFAULT_BINDING, OPERATIONS } from '../operations/index.ts';
import { operationFlag } from './operation.ts';
import {
  checkProfile,
  checkRegion,
  checkTargetOptions,
  DEFAULT_READ_BACK_WINDOW_MS,
  defaultConfig,
  flagNaming,
  given,
  isSandbox,
  OPTIONS,
  SANDBOX_DEFAULTS,
  seedOf,
  type RunConfig,
} from '../engine/options.ts';
import { enforcePolicy, rateOf, wholeNumber } from '../engine/policy.ts';
import { isUserError } from '../core/errors.ts';
import { TARGET_KINDS, type TargetKind } from '../targets/index.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, resolveEndpoint } from '../targets/aws/index.ts';
import { inShard, parseShard, shardSkipReason, shardText } from '../reports/merge.ts';
import { didYouMean, parseFlags, UsageError, writableDir, type Options } from './usage.ts';
import { selectRequirements } from './list.ts';

/** The CLI's flags of these settings, from the one table of settings (engine/options.ts OPTIONS). */
export function flagsOf(options: readonly string[]): Options {
  return Object.fromEntries(
    options.map((option) => {
      const { flag, kind } = OPTIONS[option]!;
      return [
        flag!.slice(2),
        kind === 'boolean' ? { type: 'boolean' } : kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' },
      ];
    }),
  ) as Options;
}

/** The operations --operation takes, as help text names them. */
const OPERATION_NAMES = [...OPERATIONS.keys()].join(' | ');

/** The settings of a run that `run` takes besides the target's (`replay` takes seed, step and path its own way). */
const RUN_SETTINGS = ['runs', 'seed', 'only', 'shard', 'rate', 'burst', 'record', 'step', 'replayPath'];

/** The flags of the target and its fixtures (run and replay): every setting with a flag but the run's own. */
export const TARGET_FLAGS = {
  ...flagsOf(Object.keys(OPTIONS).filter((o) => OPTIONS[o]!.flag && !RUN_SETTINGS.includes(o))),
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies Options;

export const TARGET_HELP = `Operation:
  --operation NAME            the operation under test: ${OPERATION_NAMES} (default ${DEFAULT_BINDING.name})
Target (a flag of another target than the one --target names is refused, exit 2):
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
  --max-requests N            stop sending after N requests, restore included (default: none; ${SANDBOX_DEFAULTS.maxRequests} with --target aws);
                              what did not run is reported skip
  --max-seconds N             stop starting new checks after N seconds (default: none); the fixtures are restored`;

/** Parsed flag values, by flag (without the dashes). */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

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
    throw new UsageError(
      `--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not YAML (${(e as Error).message.split('\n')[0]})`}`,
    );
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`--config ${file}: needs a mapping of settings named like the flags (allow-instance: [ID], instance-id: ID, ...)`);
  const merged: Values = { ...values };
  delete merged.config;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const option = (options as Record<string, { type: string; multiple?: boolean }>)[key];
    if (!option || key === 'config' || key === 'help') {
      const settings = Object.keys(options).filter((k) => k !== 'config' && k !== 'help');
      const near = didYouMean(key, settings);
      throw new UsageError(
        `--config ${file}: unknown setting ${key}${near ? `; did you mean ${near}?` : ''} (settings are named like the flags: ${settings.join(', ')})`,
      );
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

/**
 * The operation a command's flags name (--operation NAME, or `operation:` in --config FILE): its binding, the default
 * operation's when none is named. Read before the rest of the flags, which are checked against its spec (--only, the
 * identity management types). An unknown name is one line naming the known ones.
 */
export function bindingOfFlags(command: string, args: string[], flags: Options): OperationBinding {
  const parsed = parseFlags(command, args, flags).values as Values;
  const values = 'config' in flags ? withConfigFile(parsed, flags) : parsed;
  return operationFlag(values.operation as string | undefined);
}

/** A check of the library's (engine/options.ts), its message naming the flags. */
export function asFlags<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (isUserError(e)) throw new UsageError(e.messageFor(flagNaming));
    throw e;
  }
}

/** The options (engine/options.ts OPTIONS) whose flags are given. */
function optionsOfFlags(values: Values): string[] {
  return Object.entries(OPTIONS)
    .filter(([, o]) => o.flag && given(values[o.flag.slice(2)]))
    .map(([option]) => option);
}

/**
 * Why a run without --target tests the embedded reference although the environment (or the AWS profile) names an
 * endpoint, found as the SDKs find it (targets/aws/endpoint.ts), for the first line of its output; or undefined.
 */
function targetNote(values: Values, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (values.target !== undefined) return undefined;
  const configured = resolveEndpoint({ env });
  if (!configured) return undefined;
  const shown = /^AWS_\w+$/.test(configured.source) ? `${configured.source}=${configured.url}` : `${configured.url} (${configured.source})`;
  return `${shown} is not used: only ${flagNaming('target', OPTIONS.endpointUrl!.targets!)} send to an endpoint; add --target endpoint to test it`;
}

/** A whole-number flag's value (engine/policy.ts wholeNumber: its range is the engine's), when given. */
const numberFlag = (option: string, value: unknown): number | undefined =>
  value === undefined ? undefined : asFlags(() => wholeNumber(option, value as string));

/**
 * The target and fixture settings of the flags (and --config FILE, and the environment): parsed, with the engine's
 * defaults for what is not given. The rules about them are the engine's policy (runConfig, runConformance).
 */
export function targetConfig(
  spec: Spec,
  flagValues: Values,
  env: NodeJS.ProcessEnv = process.env,
): Omit<RunConfig, 'seed' | 'runs' | 'only'> {
  const values = withConfigFile(flagValues, RUN_FLAGS);
  const kind = (values.target as string | undefined) ?? 'reference';
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    const near = didYouMean(kind, TARGET_KINDS);
    throw new UsageError(`--target must be one of ${TARGET_KINDS.join(', ')} (got ${kind}${near ? `; did you mean ${near}?` : ''})`);
  }
  const target = kind as TargetKind;
  // A flag for another target is a mistake, never ignored (a forgotten --target would test the embedded reference).
  asFlags(() => checkTargetOptions(target, optionsOfFlags(values), values.target !== undefined));
  const type = values['identity-management'] as string | undefined;
  if (type !== undefined && !spec.identityManagementTypes.includes(type)) {
    throw new UsageError(`--identity-management must be one of ${spec.identityManagementTypes.join(', ')} (got ${type})`);
  }
  const { seed: _seed, runs: _runs, only: _only, ...defaults } = defaultConfig(target);
  const region = (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaults.region;
  if (values.region !== undefined) asFlags(() => checkRegion(region));
  else {
    const from = env.AWS_REGION !== undefined ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
    asFlags(() => checkRegion(region, from));
  }
  // A profile that does not exist is one line naming it, before the SDK looks for credentials (and warns).
  asFlags(() => checkProfile(target, values.profile as string | undefined, env));
  const maxRequests = numberFlag('maxRequests', values['max-requests']);
  const maxSeconds = numberFlag('maxSeconds', values['max-seconds']);
  // The targets that sign send over the network: their endpoint is resolved as the SDKs do (flag, environment, profile).
  const signs = OPTIONS.profile!.targets!.includes(target);
  const endpointUrl = signs
    ? resolveEndpoint({ endpointUrl: values['endpoint-url'] as string | undefined, profile: values.profile as string | undefined, env })
        ?.url
    : (values['endpoint-url'] as string | undefined);
  const allowInstances = values['allow-instance'] as string[] | undefined;
  const binding = operationFlag(values.operation as string | undefined);
  return {
    ...defaults,
    // Named only when it is not the default operation (as runConformance names it).
    ...(binding === DEFAULT_BINDING ? {} : { operation: binding.name }),
    region,
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
    rejectionBatch: numberFlag('rejectionBatch', values['rejection-batch']) ?? defaults.rejectionBatch,
    readBackWindowMs: numberFlag('readBackWindowMs', values['read-back-window']) ?? defaults.readBackWindowMs,
    requestTimeoutMs: numberFlag('requestTimeoutMs', values['request-timeout']),
    ...(maxRequests !== undefined ? { maxRequests } : {}),
    ...(maxSeconds !== undefined ? { maxSeconds } : {}),
    ...(signs && values.profile !== undefined ? { profile: values.profile as string } : {}),
    ...(isSandbox(target) ? { allowInstances: allowInstances ?? [], cassette: values.cassette as string | undefined } : {}),
  };
}

export const RUN_FLAGS = {
  ...TARGET_FLAGS,
  ...flagsOf(['runs', 'seed', 'only', 'shard', 'rate', 'burst', 'record']),
  'report-dir': { type: 'string' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
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
  // (--rate, --burst, --record and every target flag: targetConfig, from engine/options.ts OPTIONS.)
  if (values['dry-run'] && base.target !== 'aws')
    throw new UsageError(`--dry-run plans a --target aws run${values.target === undefined ? '; did you mean --target aws?' : ''}`);
  const rate = values.rate === undefined ? undefined : asFlags(() => rateOf(values.rate as string));
  const burst = numberFlag('burst', values.burst);
  const runs = numberFlag('runs', values.runs);
  const only = values.only === undefined ? [] : selectRequirements(spec, values.only as string);
  if (values.only !== undefined && !only.length)
    throw new UsageError('--only names no requirement (connect-conformance list shows the IDs)');
  if (values['update-baseline'] && !values.baseline) throw new UsageError('--update-baseline needs --baseline FILE (the file it writes)');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard as string);
  const shardIds = shard ? spec.requirements.map((r) => r.id).filter((_, i) => inShard(i, shard)) : undefined;
  const selected = shardIds ? (only.length ? only.filter((id) => shardIds.includes(id)) : shardIds) : only;
  const reportDir = resolve((values['report-dir'] as string | undefined) ?? 'reports/out');
  const config: RunConfig = {
    ...base,
    ...(rate !== undefined ? { rate } : {}),
    ...(burst !== undefined ? { burst } : {}),
    ...(values.record !== undefined ? { record: values.record as string } : {}),
    runs: runs ?? defaultConfig(base.target).runs,
    ...seedFlag(values.seed as string | undefined),
    only: selected,
    ...(shard && shardIds ? { shard: { text: shardText(shard), ids: shardIds, skipReason: shardSkipReason(shard) } } : {}),
    ...(base.target === 'aws' ? { journalDir: reportDir } : {}),
  };
  // The engine's policy (what the target needs, the allowlist, the ranges, the rate ceiling against AWS itself), now:
  // the run refuses before it prints, plans or writes anything; runConformance enforces it again for every front end.
  if (values.help !== true) asFlags(() => enforcePolicy(config));
  // A report folder that cannot be written is one line and exit 2 now, not a stack trace after the run.
  if (values.help !== true && values['dry-run'] !== true) writableDir('--report-dir', reportDir);
  return {
    config,
    reportDir,
    help: values.help === true,
    baseline: values.baseline as string | undefined,
    updateBaseline: values['update-baseline'] === true,
    dryRun: values['dry-run'] === true,
    quiet: values.quiet === true,
    note: targetNote(values),
  };
}
