// The one command line that re-runs a single failing case against the same target (or, with other target flags,
// against any target). Secrets never appear in it: credentials come from the environment.
import type { RunConfig } from '../suites/config.ts';
import type { ShownEvidence } from '../suites/ledger.ts';

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

export function replayCommand(config: RunConfig, requirementId: string, e: ShownEvidence): string {
  // A real account is only written inside a run's safety envelope (budget, journal, restore): the requirement is
  // re-checked by a run restricted to it, with the same seed (made-up IDs and random cases come from it).
  if (config.target === 'aws' || config.target === 'replay') {
    const budget = config.maxRequests !== undefined ? ['--max-requests', String(config.maxRequests)] : [];
    return ['npx', 'connect-conformance', 'run', ...targetFlags(config), '--only', requirementId, '--seed', String(config.seed), '--runs', String(config.runs), ...budget].join(' ');
  }
  const parts = ['npx', 'connect-conformance', 'replay', ...targetFlags(config), '--requirement', requirementId, '--case', quote(e.caseId)];
  if (e.identityManagementType) parts.push('--identity-management', e.identityManagementType);
  if (e.generator) parts.push('--generator', quote(e.generator));
  if (e.seed !== undefined) parts.push('--seed', String(e.seed));
  if (e.path) parts.push('--path', quote(e.path));
  return parts.join(' ');
}
