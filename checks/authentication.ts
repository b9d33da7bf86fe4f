// Authentication (AUTH-UNSIGNED, AUTH-BAD-SIGNATURE), checked when the configuration says the target enforces it: an
// unsigned request and a request signed with a wrong secret get 403, and change nothing.
import type { Signing } from '../targets/index.ts';
import { utf8 } from '../core/wire.ts';
import type { CheckContext, Fixture } from './context.ts';
import { judge, type Verdict } from './verdict.ts';
import { evidenceOf } from './cases.ts';
import { universallyValidCase } from './existence.ts';
import { unchangedSince } from './read-back.ts';
import { describeResponse } from './response-reading.ts';

async function refusedAndUnchanged(ctx: CheckContext, f: Fixture, requirementId: string, signing: Signing, what: string): Promise<Verdict[]> {
  if (!ctx.settings.expectAuth) {
    ctx.skip(requirementId, 'the configuration does not say the target enforces authentication (--expect-auth)');
    return [];
  }
  const valid = f.generators.withLabels(universallyValidCase(ctx, f), { InstanceId: f.set.instanceId, UserId: f.set.userId });
  const c = { ...valid, id: `authentication:${signing}` };
  const obs = await ctx.target.raw({ method: c.wire.method, path: c.wire.path, headers: c.wire.headers, body: utf8(c.wire.body) }, signing);
  ctx.observe(obs, { caseId: c.id, input: c.body, sensitiveValues: [], protocolLevel: true });
  if (!obs.response) return [];
  const status = ctx.spec.protocol.authenticationErrors.status;
  const expected = { summary: `${status} (and no change)`, status: [status] };
  const refused = obs.response?.statusCode === status;
  const after = await unchangedSince(ctx, f.user.instanceId, f.user.userId, f.user.info);
  const problem = !refused ? `${what} got ${describeResponse(ctx.spec, obs.response)}` : after.info && !after.ok ? `${what} changed the user` : '';
  return [judge(requirementId, !problem, { ...evidenceOf(c, refused ? after.observation : obs, problem), expected })];
}

export const unsignedRequestRefused = (ctx: CheckContext, f: Fixture) => refusedAndUnchanged(ctx, f, 'AUTH-UNSIGNED', 'unsigned', 'an unsigned request');

export const wrongSignatureRefused = (ctx: CheckContext, f: Fixture) => refusedAndUnchanged(ctx, f, 'AUTH-BAD-SIGNATURE', 'wrong-signature', 'a request with a wrong signature');
