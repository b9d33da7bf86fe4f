// Flags and environment into a RunConfig, checked: every mistake is one line naming the flag, exit 2.
import { randomInt } from 'node:crypto';
import type { Spec } from '../spec/index.ts';
import { DEFAULT_READ_BACK_WINDOW_MS, DEFAULT_RUNS, type RunConfig } from '../suites/config.ts';
import { TARGET_KINDS, type TargetKind } from '../targets/index.ts';
import { inShard, parseShard, shardSkipReason, shardText } from '../reports/merge.ts';
import { integerFlag, parseFlags, UsageError, type Options } from './usage.ts';

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
  help: { type: 'boolean' },
} as const satisfies Options;

export const TARGET_HELP = `Target:
  --target KIND               reference (default) | nock | module | endpoint | aws
  --endpoint-url URL          for --target endpoint (also AWS_ENDPOINT_URL_CONNECT)
  --module PATH               for --target module: a module exporting handler(request), requestHandler, or installNock({ region })
  --region REGION             default AWS_REGION, else us-east-1
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
  --rejection-batch N         read a user back once after N rejected requests, not after each (default 1)`;

type Values = Record<string, string | boolean | undefined>;

export function targetConfig(spec: Spec, values: Values, env: NodeJS.ProcessEnv = process.env): Omit<RunConfig, 'seed' | 'runs' | 'only'> {
  const kind = (values.target as string | undefined) ?? 'reference';
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--target must be one of ${TARGET_KINDS.join(', ')} (got ${kind})`);
  const type = values['identity-management'] as string | undefined;
  if (type !== undefined && !spec.identityManagementTypes.includes(type)) {
    throw new UsageError(`--identity-management must be one of ${spec.identityManagementTypes.join(', ')} (got ${type})`);
  }
  return {
    target: kind as TargetKind,
    region: (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpointUrl: (values['endpoint-url'] as string | undefined) ?? env.AWS_ENDPOINT_URL_CONNECT,
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
    rejectionBatch: integerFlag('rejection-batch', values['rejection-batch'] as string | undefined, 1, 10_000) ?? 1,
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
} as const satisfies Options;

export interface RunRequest {
  config: RunConfig;
  reportDir: string;
  help: boolean;
  baseline?: string;
  updateBaseline: boolean;
  shard?: { text: string; ids: string[]; skipReason: string };
}

export function runConfig(spec: Spec, args: string[]): RunRequest {
  const { values } = parseFlags('run', args, RUN_FLAGS);
  const base = targetConfig(spec, values);
  const only = ((values.only as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(spec.requirements.map((r) => r.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length) throw new UsageError(`--only names unknown requirement(s) ${unknown.join(', ')} (see spec/requirements.yaml)`);
  if (values['update-baseline'] && !values.baseline) throw new UsageError('--update-baseline needs --baseline FILE (the file it writes)');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard as string);
  const shardIds = shard ? spec.requirements.map((r) => r.id).filter((_, i) => inShard(i, shard)) : undefined;
  const selected = shardIds ? (only.length ? only.filter((id) => shardIds.includes(id)) : shardIds) : only;
  return {
    config: {
      ...base,
      runs: integerFlag('runs', values.runs as string | undefined, 1, 100_000) ?? DEFAULT_RUNS,
      seed: integerFlag('seed', values.seed as string | undefined, -(2 ** 31), 2 ** 31 - 1) ?? randomInt(2 ** 31 - 1),
      only: selected,
    },
    reportDir: (values['report-dir'] as string | undefined) ?? 'reports/out',
    help: values.help === true,
    baseline: values.baseline as string | undefined,
    updateBaseline: values['update-baseline'] === true,
    shard: shard && shardIds ? { text: shardText(shard), ids: shardIds, skipReason: shardSkipReason(shard) } : undefined,
  };
}
