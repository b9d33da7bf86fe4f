// The one command line that re-runs a single failing case against the same target (or, with other target flags,
// against any target). Secrets never appear in it: credentials come from the environment. Flags are named by
// options.ts's table (OPTIONS), the one mapping of settings to flags.
//
// This is a pure formatter of a RunConfig and parses nothing: it stays in the engine because the command is part of
// the results (each failure's `replay` in results.json, the vitest adapter's replay line, the library's Results), and
// a library or adapter run has no bin/ to ask. It reads the flags from OPTIONS, so a flag renamed there is renamed here.
import { defaultConfig, OPTIONS, quoted, recordedSettings, seedArgument, type RunConfig } from './options.ts';
import type { ShownEvidence } from './ledger.ts';
import { ALL_SETS } from './plan.ts';

/** The settings that name the target and its fixtures, in the order a replay command gives them. */
const TARGET_OPTIONS = [
  'operation',
  'target',
  'endpointUrl',
  'modulePath',
  'region',
  'fixtures.instanceId',
  'fixtures.userId',
  'fixtures.secondUserId',
  'fixtures.secondInstanceId',
  'securityProfileId',
  'routingProfileId',
  'profile',
  'cassette',
] as const;

const valueAt = (config: RunConfig, option: string): unknown =>
  option.startsWith('fixtures.')
    ? config.fixtures[option.slice('fixtures.'.length) as keyof RunConfig['fixtures']]
    : (config as unknown as Record<string, unknown>)[option];

const flag = (option: string) => OPTIONS[option]!.flag!;

function targetFlags(config: RunConfig): string[] {
  const out: string[] = [];
  for (const option of TARGET_OPTIONS) {
    const value = valueAt(config, option);
    if (typeof value === 'string') out.push(flag(option), quoted(value));
  }
  for (const id of config.allowInstances ?? []) out.push(flag('allowInstances'), quoted(id));
  if (config.provision) out.push(flag('provision'));
  if (config.expectAuth) out.push(flag('expectAuth'));
  return out;
}

/**
 * A run given a handler or a ConnectClient in code (runConformance({ handler }), runConformance({ target: { client } }))
 * has no command line: its replay is the library call with the step's settings, to make with the same handler (or
 * client) and fixtures.
 */
function libraryCall(config: RunConfig, requirementId: string, e: ShownEvidence, whole: boolean): string {
  const seed = e.seed !== undefined && e.seed !== config.seed ? e.seed : (config.seedGiven ?? config.seed);
  const parts = [
    `only: ['${requirementId}']`,
    ...(whole || !e.stepId ? [] : [`step: '${e.stepId}'`]),
    `seed: ${JSON.stringify(seed)}`,
    ...(!whole && e.path ? [`replayPath: '${e.path}'`] : []),
  ];
  return `runConformance({ ${config.target === 'client' ? 'target: { client }' : 'handler'}, ...sameOptions, ${parts.join(', ')} })`;
}

/**
 * A replayed cassette answers only the run it recorded (options.ts recordedSettings): its failures are re-run by
 * running the whole replay again, with every setting the recording was made with. A run that records prints this
 * command too (with its cassette as `cassette`, target replay).
 */
export function cassetteRun(config: RunConfig): string {
  const defaults = recordedSettings({ ...defaultConfig(config.target), seed: Number.NaN });
  const settings = recordedSettings(config);
  const parts = ['npx', 'connect-conformance', 'run', ...targetFlags(config)];
  for (const [option, value] of Object.entries(settings)) {
    if (option.startsWith('fixtures.') || option === 'provision' || option === 'expectAuth' || !OPTIONS[option]?.flag) continue;
    if (
      value === null ||
      value === false ||
      (Array.isArray(value) && !value.length) ||
      JSON.stringify(value) === JSON.stringify(defaults[option])
    )
      continue;
    // A shard's selection is its --shard.
    if (option === 'only' && config.shard && JSON.stringify(value) === JSON.stringify(config.shard.ids)) continue;
    parts.push(
      flag(option),
      option === 'seed' ? quoted(seedArgument(config)) : quoted(Array.isArray(value) ? value.join(',') : String(value)),
    );
  }
  return parts.join(' ');
}

/**
 * `replay --step STEP` re-runs the plan step that produced a failure, for every target (on a real account inside the
 * same safety envelope as a run), with the run's seed; a random case or command sequence also names fast-check's
 * path, so that only the shrunk case is sent again.
 */
export function replayCommand(config: RunConfig, requirementId: string, e: ShownEvidence): string {
  // A step of the whole run (the hold) depends on every step before it, and a finding on the fixture operations
  // belongs to no step: the requirement is re-checked by a run restricted to it.
  const whole = !e.stepId || e.stepId.startsWith(`${ALL_SETS}/`);
  if ((config.target === 'module' && config.modulePath === undefined) || config.target === 'client')
    return libraryCall(config, requirementId, e, whole);
  if (config.target === 'replay') return cassetteRun(config);
  const seed = e.seed !== undefined && e.seed !== config.seed ? String(e.seed) : seedArgument(config);
  if (whole)
    return [
      'npx',
      'connect-conformance',
      'run',
      ...targetFlags(config),
      '--only',
      requirementId,
      '--seed',
      quoted(seedArgument(config)),
    ].join(' ');
  const parts = ['npx', 'connect-conformance', 'replay', ...targetFlags(config), '--requirement', requirementId];
  parts.push('--step', quoted(e.stepId!));
  parts.push('--seed', quoted(seed));
  if (e.path) parts.push('--path', quoted(e.path));
  if (config.maxRequests !== undefined && config.target === 'aws') parts.push('--max-requests', String(config.maxRequests));
  return parts.join(' ');
}
