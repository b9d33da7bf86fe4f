// The safety policy of a run, enforced by the engine for every front end: runConformance checks a run's configuration
// with enforcePolicy before anything is created, so the library, the vitest adapter and the CLI are held to the same
// rules, with the same one-line refusals (a UsageError; the CLI names the settings by their flags and exits 2):
//
//   - every number is in its range (OPTIONS' `range`): the request budget, the time budget, the rate and burst...;
//   - a target needs what it sends with: an endpoint, a cassette, an instance and a user (or provision) on a real
//     account, where the run writes only to the users it owns: the fixture users it is named, or those it creates;
//   - against a real account nothing is sent unless every instance the run names is allowlisted;
//   - against AWS itself (no endpoint of one's own) the rate and the burst may only be lowered below the sandbox
//     defaults (the documented default quota, shared by the whole account); the budget defaults to 300 requests.
//
// The envelope (engine/sandbox.ts: guard, budget, token bucket) then holds every request to these settings.
import { UsageError } from '../core/errors.ts';
import { resolveEndpoint } from '../targets/aws/index.ts';
import { isSandbox, OPTIONS, SANDBOX_DEFAULTS, type RunConfig } from './options.ts';

/** The numeric settings, in the order they are checked. */
const NUMBERS = ['maxRequests', 'maxSeconds', 'rejectionBatch', 'readBackWindowMs', 'requestTimeoutMs', 'runs', 'burst'] as const;

/**
 * A whole-number setting (OPTIONS[option].range), from a number (the library) or the text of its flag (the CLI):
 * out of range, or not a whole number, is one line naming the setting and its range.
 */
export function wholeNumber(option: string, value: number | string): number {
  const range = OPTIONS[option]?.range;
  if (!range) throw new Error(`${option} is not a numeric setting`);
  const n = typeof value === 'number' ? value : /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max)
    throw new UsageError((name) => `${name(option)} must be a whole number from ${range.min} to ${range.max} (got ${value})`);
  return n;
}

/** The highest rate the token bucket takes, anywhere (requests per second). */
const MAX_RATE = 1000;

/** The rate of the run's token bucket, from a number or the text of --rate: above 0, at most MAX_RATE. */
export function rateOf(value: number | string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0 && n <= MAX_RATE))
    throw new UsageError((name) => `${name('rate')} must be a number of requests per second above 0, at most ${MAX_RATE} (got ${value})`);
  return n;
}

/** True when a run sends to Amazon Connect itself: --target aws with no endpoint given or configured (flag, environment, profile). */
export function againstAws(
  target: RunConfig['target'],
  endpoint: { endpointUrl?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return target === 'aws' && resolveEndpoint({ endpointUrl: endpoint.endpointUrl, profile: endpoint.profile, env }) === undefined;
}

/**
 * Against AWS itself a run never goes above the documented default quota (it must never provoke throttling, and the
 * quota is the whole account's); a test double or a private endpoint may be driven faster. `cleanup` is held to it too.
 */
export function checkRateCeiling(rate: number | undefined, burst: number | undefined, sendsToAws: boolean): void {
  if (!sendsToAws || ((rate ?? 0) <= SANDBOX_DEFAULTS.rate && (burst ?? 0) <= SANDBOX_DEFAULTS.burst)) return;
  throw new UsageError(
    (name) =>
      `${name('target', 'aws')}: ${name('rate')} and ${name('burst')} may only be lowered against AWS itself (at most ${SANDBOX_DEFAULTS.rate}/s, burst ${SANDBOX_DEFAULTS.burst}: the documented default quota, shared by the whole account)`,
  );
}

/**
 * The fixtures a target without its own needs: an instance, and a user the run may write to (whose identity info it
 * restores), or `provision` (the run's own users, which need a security and a routing profile). Returns the instance.
 */
export function checkFixtureNeeds(
  config: Pick<RunConfig, 'target' | 'fixtures' | 'provision' | 'securityProfileId' | 'routingProfileId'>,
): string {
  const f = config.fixtures;
  if (!f.instanceId)
    throw new UsageError(
      (name) =>
        `${name('target', config.target)} needs ${name('fixtures.instanceId')} (and ${name('fixtures.userId')}, or ${name('provision')})`,
    );
  if (!f.userId && !config.provision)
    throw new UsageError(
      (name) =>
        `name the fixture user with ${name('fixtures.userId')} (its identity info is restored at the end), or let the run create its own with ${name('provision')}`,
    );
  if (config.provision && (!config.securityProfileId || !config.routingProfileId)) {
    throw new UsageError(
      (name) => `${name('provision')} needs ${name('securityProfileId')} and ${name('routingProfileId')} for the users it creates`,
    );
  }
  return f.instanceId;
}

/** Against a real account nothing is sent unless every instance the run names is allowlisted. */
function checkAllowlist(config: Pick<RunConfig, 'target' | 'fixtures' | 'allowInstances'>): void {
  if (config.target !== 'aws') return;
  const allow = config.allowInstances ?? [];
  for (const option of ['fixtures.instanceId', 'fixtures.secondInstanceId'] as const) {
    const id = config.fixtures[option === 'fixtures.instanceId' ? 'instanceId' : 'secondInstanceId'];
    if (id !== undefined && !allow.includes(id)) {
      throw new UsageError(
        (name) =>
          `${name('target', 'aws')}: ${name(option, id)} is not allowlisted; name it with ${name('allowInstances', id)} to let the run send to it; nothing was sent`,
      );
    }
  }
}

/** What a target needs to be sent to at all: an endpoint (endpoint), a cassette (replay). */
function checkTargetNeeds(
  config: Pick<RunConfig, 'target' | 'endpointUrl' | 'profile' | 'cassette'>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (config.target === 'endpoint' && !resolveEndpoint({ endpointUrl: config.endpointUrl, profile: config.profile, env })) {
    throw new UsageError(
      (name) =>
        `${name('target', 'endpoint')} needs ${name('endpointUrl')} (or AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, or endpoint_url in the AWS profile)`,
    );
  }
  if (config.target === 'replay' && !config.cassette)
    throw new UsageError(
      (name) => `${name('target', 'replay')} needs ${name('cassette')} (recorded with ${name('target', 'aws')} ${name('record')})`,
    );
}

/**
 * The whole policy, in the order a user meets it: what the target needs, the fixtures of a real account and its
 * allowlist, the numbers, the rate ceiling. Called once at the start of every run (runConformance), before anything is
 * created or sent; the CLI calls it too, to refuse before it prints or writes anything.
 */
export function enforcePolicy(config: RunConfig, env: NodeJS.ProcessEnv = process.env): void {
  checkTargetNeeds(config, env);
  if (isSandbox(config.target)) {
    checkFixtureNeeds(config);
    checkAllowlist(config);
  }
  for (const option of NUMBERS) {
    const value = config[option];
    if (value !== undefined) wholeNumber(option, value);
  }
  if (config.rate !== undefined) rateOf(config.rate);
  if (isSandbox(config.target) && config.maxRequests === undefined)
    throw new Error('a run against a real account has a request budget (SANDBOX_DEFAULTS.maxRequests unless given)');
  checkRateCeiling(config.rate, config.burst, againstAws(config.target, config, env));
}
