// The one command line that re-runs a single failing case against the same target (or, with other target flags,
// against any target). Secrets never appear in it: credentials come from the environment.
import type { RunConfig } from './options.ts';
import type { ShownEvidence } from './ledger.ts';
import { ALL_SETS } from './plan.ts';

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function targetFlags(config: RunConfig): string[] {
  const flags: [string, string | undefined][] = [
    ['--target', config.target],
    ['--endpoint-url', config.endpointUrl],
    ['--module', config.modulePath],
    ['--region', config.region],
    ['--instance-id', config.fixtures.instanceId],
    ['--user-id', config.fixtures.userId],
    ['--second-user-id', config.fixtures.secondUserId],
    ['--second-instance-id', config.fixtures.secondInstanceId],
    ['--security-profile-id', config.securityProfileId],
    ['--routing-profile-id', config.routingProfileId],
    ['--profile', config.profile],
    ['--cassette', config.cassette],
  ];
  const out = flags.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [k, quote(v!)]);
  for (const id of config.allowInstances ?? []) out.push('--allow-instance', quote(id));
  if (config.provision) out.push('--provision');
  if (config.expectAuth) out.push('--expect-auth');
  return out;
}

/**
 * `replay --step STEP` re-runs the plan step that produced a failure, for every target (on a real account inside the
 * same safety envelope as a run), with the run's seed; a random case or command sequence also names fast-check's
 * path, so that only the shrunk case is sent again.
 */
export function replayCommand(config: RunConfig, requirementId: string, e: ShownEvidence): string {
  // A step of the whole run (the hold) depends on every step before it, and a finding on the fixture operations
  // belongs to no step: the requirement is re-checked by a run restricted to it.
  if (!e.stepId || e.stepId.startsWith(`${ALL_SETS}/`)) return ['npx', 'connect-conformance', 'run', ...targetFlags(config), '--only', requirementId, '--seed', String(config.seed)].join(' ');
  const parts = ['npx', 'connect-conformance', 'replay', ...targetFlags(config), '--requirement', requirementId];
  if (e.stepId) parts.push('--step', quote(e.stepId));
  parts.push('--seed', String(e.seed ?? config.seed));
  if (e.path) parts.push('--path', quote(e.path));
  if (config.maxRequests !== undefined && (config.target === 'aws' || config.target === 'replay')) parts.push('--max-requests', String(config.maxRequests));
  return parts.join(' ');
}
