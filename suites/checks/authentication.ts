// Authentication (contract rule 15), checked when the configuration says the target enforces it: an unsigned
// request and a request signed with a wrong secret get 403, and change nothing.
import type { Signing } from '../../targets/index.ts';
import { utf8 } from '../../targets/wire.ts';
import type { Fixture } from '../phases.ts';
import type { Session } from '../session.ts';
import { judge, type Verdict } from '../verdict.ts';
import { evidenceOf } from './cases.ts';
import { universallyValidCase } from './existence.ts';
import { unchangedSince } from './read-back.ts';
import { describeResponse } from './response-reading.ts';

async function refusedAndUnchanged(session: Session, f: Fixture, requirementId: string, signing: Signing, what: string): Promise<Verdict[]> {
  if (!session.config.expectAuth) {
    session.ledger.skip(requirementId, 'the configuration does not say the target enforces authentication (--expect-auth)');
    return [];
  }
  const valid = f.generators.withLabels(universallyValidCase(session, f), { InstanceId: f.set.instanceId, UserId: f.set.userId });
  const c = { ...valid, id: `authentication:${signing}` };
  const obs = await session.target.raw({ method: c.wire.method, path: c.wire.path, headers: c.wire.headers, body: utf8(c.wire.body) }, signing);
  session.observe(obs, { caseId: c.id, input: c.body, sensitiveValues: [], protocolLevel: true });
  const status = session.spec.protocol.authenticationErrors.status;
  const expected = { summary: `${status} (and no change)`, status: [status] };
  const refused = obs.response?.statusCode === status;
  const after = await unchangedSince(session, f.user.instanceId, f.user.userId, f.user.info);
  const problem = !refused ? `${what} got ${describeResponse(session.spec, obs.response)}` : !after.ok ? `${what} changed the user` : '';
  return [judge(requirementId, !problem, { ...evidenceOf(c, refused ? after.observation : obs, problem), expected })];
}

export const unsignedRequestRefused = (session: Session, f: Fixture) => refusedAndUnchanged(session, f, 'AUTH-UNSIGNED', 'unsigned', 'an unsigned request');

export const wrongSignatureRefused = (session: Session, f: Fixture) => refusedAndUnchanged(session, f, 'AUTH-BAD-SIGNATURE', 'wrong-signature', 'a request with a wrong signature');
