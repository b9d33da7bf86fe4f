// Authentication (AUTH-UNSIGNED, AUTH-BAD-SIGNATURE), checked when the configuration says the target enforces it: an
// unsigned request and a request signed with a wrong secret get 403, and change nothing.
import type { Signing } from '../targets/index.ts';
import { utf8 } from '../core/wire.ts';
import { withoutWaiting, type CheckContext, type Fixture } from './context.ts';
import { fail, pass, type Verdict } from './verdict.ts';
import { evidenceOf } from './cases.ts';
import { universallyValidCase } from './existence.ts';
import { learnChange, readState, unchangedVerdicts } from './read-back.ts';
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
  if (obs.response.statusCode !== status) {
    // Not refused: what the request changed is its own doing, named here and never blamed on a late write later.
    const accepted = obs.response.statusCode >= 200 && obs.response.statusCode < 300;
    const changed = accepted ? await learnChange(ctx.failed(requirementId) ? withoutWaiting(ctx) : ctx, f.user) : '';
    return [fail(requirementId, { ...evidenceOf(c, obs, `${what} got ${describeResponse(ctx.spec, obs.response)}${changed ? ` and changed the user: ${changed}` : ''}`), expected })];
  }
  const read = await readState(ctx, f.user);
  // Refused: a read that proves nothing (no response) leaves the refusal itself to judge.
  if (!read.state) return [pass(requirementId, c.id)];
  return unchangedVerdicts(ctx, f.user, read, [requirementId], (problem) => ({ ...evidenceOf(c, read.observation, problem ? `${what} was refused, but ${problem}` : ''), expected }));
}

export const unsignedRequestRefused = (ctx: CheckContext, f: Fixture) => refusedAndUnchanged(ctx, f, 'AUTH-UNSIGNED', 'unsigned', 'an unsigned request');

export const wrongSignatureRefused = (ctx: CheckContext, f: Fixture) => refusedAndUnchanged(ctx, f, 'AUTH-BAD-SIGNATURE', 'wrong-signature', 'a request with a wrong signature');
