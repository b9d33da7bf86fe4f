// Turns a draft (labels and a body) into a Case, and re-checks it with the oracle before anyone sees it.
// Every generated case, boundary or random, and every shrunk one, goes through here.
import type { Case, CaseKind, ExpectedOutcome } from './case.ts';
import { observed, rejected } from './case.ts';
import type { Context } from './context.ts';
import { acceptanceOf, observedCombinationIds } from './acceptance.ts';
import type { MemberValue } from '../core/binding.ts';
import { encodeLabel, pathOf, wireOf } from './labels.ts';
import { recheck } from './recheck.ts';

/** A request before it is a case. */
export interface Draft {
  /** Decoded label values. */
  labels: Record<string, string>;
  /** The body as a JSON value, for cases the validator can read as one. */
  body?: unknown;
  /** The body's exact text, for wire cases (not JSON, duplicate keys, padding...). */
  bodyText?: string;
  /** Headers replacing the default `content-type` header (wire cases). */
  headers?: Record<string, string>;
  /** Label texts as they go on the wire, replacing the percent-encoding of `labels` (wire cases). */
  encodedLabels?: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value of a member's JSON type (an integer: a whole number of its width). */
function ofMemberType(plan: Context['members'][number], v: unknown): boolean {
  if (plan.spec.type === 'integer')
    return Number.isSafeInteger(v) && (plan.spec.format !== 'int32' || ((v as number) >= -(2 ** 31) && (v as number) < 2 ** 31));
  return typeof v === plan.spec.type;
}

/** True when the SDK's typed input can express the body: the operation's member absent, or a structure whose members
 * each hold a value of their type. */
function sdkCanSend(ctx: Context, body: unknown): boolean {
  if (!isObject(body) || Object.keys(body).some((k) => k !== ctx.identityMember)) return false;
  const identity = body[ctx.identityMember];
  if (identity === undefined) return true;
  const plans = new Map(ctx.members.map((m) => [m.spec.name, m]));
  return isObject(identity) && Object.entries(identity).every(([k, v]) => plans.has(k) && ofMemberType(plans.get(k)!, v));
}

function assemble(ctx: Context, id: string, kind: CaseKind, requirementIds: string[], expected: ExpectedOutcome, d: Draft): Case {
  const text = d.bodyText ?? JSON.stringify(d.body);
  const wire = wireOf(ctx, d.labels, text, d.headers);
  if (d.encodedLabels) {
    wire.encodedLabels = { ...wire.encodedLabels, ...d.encodedLabels };
    wire.path = pathOf(ctx, wire.encodedLabels);
  }
  const c: Case = {
    id,
    kind,
    identityManagementType: ctx.type,
    requirementIds,
    expected,
    labels: d.labels,
    wire,
    // A label written otherwise than the SDK writes it (a wire case's bytes, an injection's encoding) needs the raw channel.
    channel:
      kind !== 'wire' &&
      sdkCanSend(ctx, d.body) &&
      Object.entries(wire.encodedLabels).every(([name, raw]) => raw === encodeLabel(d.labels[name] ?? ''))
        ? 'sdk'
        : 'raw',
  };
  if (d.body !== undefined) c.body = d.body;
  return recheck(ctx, c);
}

/**
 * A valid case: what it proves follows from its identity structure. `encodedLabels` writes labels on the wire otherwise
 * than the SDK would (each must decode to its label): such a case is sent raw.
 */
export function validCase(
  ctx: Context,
  id: string,
  labels: Record<string, string>,
  identity: Record<string, MemberValue>,
  encodedLabels?: Record<string, string>,
): Case {
  const { requirementIds, expected } = acceptanceOf(ctx, identity);
  return assemble(ctx, id, 'valid', requirementIds, expected, {
    labels,
    body: { [ctx.identityMember]: identity },
    ...(encodedLabels ? { encodedLabels } : {}),
  });
}

/** True when the draft is a raw request: body text, headers or label bytes of its own. */
const isRaw = (d: Draft) => d.bodyText !== undefined || d.headers !== undefined || Object.keys(d.encodedLabels ?? {}).length > 0;

/** A case violating exactly `requirementIds` (input requirements): invalid, or wire when it is a raw request. */
export function invalidCase(ctx: Context, id: string, requirementIds: string[], d: Draft): Case {
  return assemble(ctx, id, isRaw(d) ? 'wire' : 'invalid', requirementIds, rejected(ctx.spec, ctx.catalogue, requirementIds), d);
}

/**
 * A case about something only observed: a wire case (content type, body size, duplicate keys, null or unknown
 * members), or an `observed` one that the SDK can send (a value on which the readings of a pattern disagree).
 */
export function observedCase(ctx: Context, id: string, requirementIds: string[], d: Draft, kind: 'wire' | 'observed' = 'wire'): Case {
  if (kind === 'observed' && isRaw(d)) throw new Error(`${id}: an observed case is a value, not a raw request`);
  // A structure the material leaves open (x-observed-combinations) is observed too: the case names that as well.
  const combined = [...new Set([...requirementIds, ...observedCombinationIds(ctx, d.body)])];
  return assemble(ctx, id, kind, combined, observed(), d);
}
