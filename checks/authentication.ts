// Authentication, checked when the configuration says the target enforces it (docs/contract.md B15). Refused with the
// authentication status and changing nothing: an unsigned request (AUTH-UNSIGNED), one signed with a wrong secret
// (AUTH-BAD-SIGNATURE), one correctly signed for another region or service (AUTH-WRONG-SCOPE), and one correctly
// signed at a clock beyond the signature's window, in the past and in the future (AUTH-STALE-SIGNATURE). Accepted:
// one signed at a clock within the window (AUTH-SKEW-TOLERATED). Observed: one in between (OBS-SIGNATURE-SKEW).
// Every request is a valid update of the fixture user, so only its signature can make it refused; the skews and the
// window come from the spec (x-protocol.signatureWindow), the signing from the raw channel's signing variations.
import type { Case } from '../generators/index.ts';
import type { RequirementId } from '../spec/index.ts';
import type { Observation, Signing } from '../targets/index.ts';
import { utf8 } from '../core/wire.ts';
import { advance } from './consistency.ts';
import { sentStructure, withoutWaiting, type CheckContext, type EffectState, type Fixture } from './context.ts';
import type { CheckDefinition } from './definition.ts';
import { fail, judge, pass, type Verdict } from './verdict.ts';
import { evidenceOf, flushRejections } from './cases.ts';
import { universallyValidCase } from './existence.ts';
import { learnChange, readBackHolds, readState, unchangedVerdicts } from './read-back.ts';
import { describeResponse, errorTypeOf } from './response-reading.ts';

/** One way of signing the request, and how the evidence names it. */
interface Attempt {
  signing: Signing;
  what: string;
  /** The case ID's suffix. */
  id: string;
}

const MINUTE_MS = 60_000;

/** Regions a request is signed for when it must be scoped to another one than the target's: the first that differs. */
const OTHER_REGIONS = ['eu-west-2', 'us-west-2'] as const;
/** A signing name that is not the operation's (x-model.signingName). */
const OTHER_SERVICE = 'execute-api';

function enforced(ctx: CheckContext, requirementId: RequirementId): boolean {
  if (ctx.settings.expectAuth) return true;
  ctx.skip(requirementId, 'the configuration does not say the target enforces authentication (--expect-auth)');
  return false;
}

/** A valid update of the fixture user (valid for every identity management type): only its signing can be wrong. */
function validUpdate(ctx: CheckContext, f: Fixture, id: string): Case {
  return { ...f.generators.withLabels(universallyValidCase(ctx, f), { InstanceId: f.set.instanceId, UserId: f.set.userId }), id };
}

async function send(ctx: CheckContext, c: Case, signing: Signing): Promise<Observation> {
  const obs = await ctx.target.raw({ method: c.wire.method, path: c.wire.path, headers: c.wire.headers, body: utf8(c.wire.body) }, signing);
  ctx.observe(obs, { caseId: c.id, input: c.body, sensitiveValues: [], protocolLevel: true });
  return obs;
}

const accepted = (ctx: CheckContext, obs: Observation) => obs.response?.statusCode === ctx.spec.operation.successStatus;

/** Each attempt gets the authentication status, and the fixture user reads as before it. */
async function refusedAndUnchanged(ctx: CheckContext, f: Fixture, requirementId: RequirementId, attempts: Attempt[]): Promise<Verdict[]> {
  if (!enforced(ctx, requirementId)) return [];
  const status = ctx.spec.protocol.authenticationErrors.status;
  const expected = { summary: `${status} (and no change)`, status: [status] };
  const verdicts: Verdict[] = [];
  for (const attempt of attempts) {
    const c = validUpdate(ctx, f, `authentication:${attempt.id}`);
    const obs = await send(ctx, c, attempt.signing);
    if (!obs.response) continue;
    if (obs.response.statusCode !== status) {
      // Not refused: what the request changed is its own doing, named here and never blamed on a late write later.
      const changed = accepted(ctx, obs) ? await learnChange(ctx.failed(requirementId) ? withoutWaiting(ctx) : ctx, f.user) : '';
      verdicts.push(
        fail(requirementId, {
          ...evidenceOf(
            c,
            obs,
            `${attempt.what} got ${describeResponse(ctx.spec, obs.response)}${changed ? ` and changed the user: ${changed}` : ''}`,
          ),
          expected,
        }),
      );
      continue;
    }
    const read = await readState(ctx, f.user);
    // Refused: a read that proves nothing (no response) leaves the refusal itself to judge.
    if (!read.state) verdicts.push(pass(requirementId, c.id));
    else
      verdicts.push(
        ...unchangedVerdicts(ctx, f.user, read, [requirementId], (problem) => ({
          ...evidenceOf(c, read.observation, problem ? `${attempt.what} was refused, but ${problem}` : ''),
          expected,
        })),
      );
  }
  return verdicts;
}

const unsignedRequestRefused = (ctx: CheckContext, f: Fixture) =>
  refusedAndUnchanged(ctx, f, 'AUTH-UNSIGNED', [{ signing: 'unsigned', what: 'an unsigned request', id: 'unsigned' }]);

const wrongSignatureRefused = (ctx: CheckContext, f: Fixture) =>
  refusedAndUnchanged(ctx, f, 'AUTH-BAD-SIGNATURE', [
    { signing: 'wrong-signature', what: 'a request with a wrong signature', id: 'wrong-signature' },
  ]);

/** AUTH-WRONG-SCOPE: signed with the right key for another region, then for another service. */
function wrongScopeRefused(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  const region = OTHER_REGIONS.find((r) => r !== ctx.target.region)!;
  return refusedAndUnchanged(ctx, f, 'AUTH-WRONG-SCOPE', [
    { signing: { region }, what: `a request signed for region ${region} (the target's is ${ctx.target.region})`, id: 'scope-region' },
    {
      signing: { service: OTHER_SERVICE },
      what: `a request signed for service ${OTHER_SERVICE} (the operation's is ${ctx.spec.model.signingName})`,
      id: 'scope-service',
    },
  ]);
}

/** The skews the suite signs at, in ms (negative: in the past), from the spec's window and clock margin. */
function signatureSkews(ctx: CheckContext): { refused: number; tolerated: number; observed: number } {
  const w = ctx.spec.protocol.signatureWindow;
  const margin = w.clockMarginSeconds * 1000;
  return {
    refused: w.refusedBeyondMinutes * MINUTE_MS + margin,
    tolerated: w.acceptedWithinMinutes * MINUTE_MS - margin,
    observed: ((w.observedMinutes[0] + w.observedMinutes[1]) / 2) * MINUTE_MS,
  };
}

const minutes = (ms: number) => `${Math.round((ms / MINUTE_MS) * 10) / 10} minutes`;
const bothWays = (skewMs: number, id: string): Attempt[] => [
  { signing: { skewMs: -skewMs }, what: `a request signed ${minutes(skewMs)} in the past`, id: `${id}-past` },
  { signing: { skewMs }, what: `a request signed ${minutes(skewMs)} in the future`, id: `${id}-future` },
];

/** AUTH-STALE-SIGNATURE: signed correctly at a clock beyond the window, either way. */
const staleSignatureRefused = (ctx: CheckContext, f: Fixture) =>
  refusedAndUnchanged(ctx, f, 'AUTH-STALE-SIGNATURE', bothWays(signatureSkews(ctx).refused, 'stale'));

/**
 * Sends a valid update of the fixture user at each skew and gives each answer to `verdictOf`; afterwards the suite
 * knows the user's state again (the update may have been served). Earlier rejections are read back first.
 */
async function skewedUpdates(
  ctx: CheckContext,
  f: Fixture,
  attempts: Attempt[],
  verdictOf: (c: Case, obs: Observation, attempt: Attempt) => Verdict,
): Promise<Verdict[]> {
  const verdicts = await flushRejections(ctx, f.user);
  let served: Case | undefined;
  for (const attempt of attempts) {
    const c = validUpdate(ctx, f, `authentication:${attempt.id}`);
    const obs = await send(ctx, c, attempt.signing);
    if (!obs.response) continue;
    verdicts.push(verdictOf(c, obs, attempt));
    if (accepted(ctx, obs)) served = c;
  }
  if (served) {
    const read = await readBackHolds(ctx, f.user.instanceId, f.user.userId, sentStructure(ctx.binding, served) as EffectState);
    if (read.info) advance(f.user, read.info);
  }
  return verdicts;
}

/** AUTH-SKEW-TOLERATED: signed correctly at a clock within the window, either way: served as any valid update. */
function skewWithinWindowAccepted(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  if (!enforced(ctx, 'AUTH-SKEW-TOLERATED')) return Promise.resolve([]);
  const status = ctx.spec.operation.successStatus;
  return skewedUpdates(ctx, f, bothWays(signatureSkews(ctx).tolerated, 'skew-tolerated'), (c, obs, attempt) => {
    const type = errorTypeOf(ctx.spec, obs.response!)?.type;
    const problem =
      obs.response!.statusCode !== status
        ? `${attempt.what} was not accepted: got ${describeResponse(ctx.spec, obs.response)}`
        : type
          ? `an accepted request carries the error type ${type}`
          : '';
    return judge('AUTH-SKEW-TOLERATED', !problem, {
      ...evidenceOf(c, obs, problem),
      expected: { summary: `${status} with no error type`, status: [status] },
    });
  });
}

/** OBS-SIGNATURE-SKEW: what the target does with a signature dated between the bounds (recorded, never judged). */
function skewBetweenBoundsObserved(ctx: CheckContext, f: Fixture): Promise<Verdict[]> {
  if (!enforced(ctx, 'OBS-SIGNATURE-SKEW')) return Promise.resolve([]);
  return skewedUpdates(ctx, f, bothWays(signatureSkews(ctx).observed, 'skew-observed'), (c, obs, attempt) =>
    pass('OBS-SIGNATURE-SKEW', c.id, `${attempt.what}: ${describeResponse(ctx.spec, obs.response)}`),
  );
}

const AUTHENTICATION = { phase: 'authentication', suite: 'authentication', needs: ['raw', 'expectAuth', 'readBack'] } as const;

/** The authentication steps, in the order they run: the refused ones first (the accepted skews write the same valid
 * update, after which a refused one that wrote anyway could not be seen). */
export const AUTHENTICATION_CHECKS: readonly CheckDefinition[] = [
  { ...AUTHENTICATION, name: 'unsigned', proves: ['AUTH-UNSIGNED'], run: unsignedRequestRefused },
  { ...AUTHENTICATION, name: 'wrong-signature', proves: ['AUTH-BAD-SIGNATURE'], run: wrongSignatureRefused },
  { ...AUTHENTICATION, name: 'wrong-scope', proves: ['AUTH-WRONG-SCOPE'], run: wrongScopeRefused },
  { ...AUTHENTICATION, name: 'stale-signature', proves: ['AUTH-STALE-SIGNATURE'], run: staleSignatureRefused },
  { ...AUTHENTICATION, name: 'skew-tolerated', proves: ['AUTH-SKEW-TOLERATED'], run: skewWithinWindowAccepted },
  { ...AUTHENTICATION, name: 'skew-observed', proves: ['OBS-SIGNATURE-SKEW'], run: skewBetweenBoundsObserved },
];
