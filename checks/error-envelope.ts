// The error envelope, in layers, applied to every response of every suite: no 5xx (SRV-NO-5XX); a type is present
// (ERR-TYPE-PRESENT); it is one the operation declares (ERR-TYPE-DECLARED); the status agrees with it
// (ERR-STATUS-MATCHES-TYPE); the fault agrees with the status class (ERR-FAULT); the body carries a message
// (ERR-MESSAGE); the type is in the header (ERR-HEADER-FORM); no sensitive value is echoed (SENS-NO-ECHO). A 429 is
// a throttling type (THR-429-TYPE): judged on each throttled answer the run's flow control hands over.
//
// An answer that is an SDK outcome alone (answer.ts: a target reached only through a ConnectClient's send) is judged
// on what it says: its error name is the type, its message is what would echo, its status and fault are judged when
// the client reports them. The message body and the header form are HTTP details it does not have: those two are not
// applicable to such a target (ERROR_ENVELOPE_RULES), never judged on bytes made up for it.
import type { Spec } from '../spec/index.ts';
import type { Observation } from '../targets/index.ts';
import { text } from '../core/wire.ts';
import { fail, judge, pass, type Evidence, type Verdict } from './verdict.ts';
import { errorTypeOf, messageOf } from './response-reading.ts';
import { answerOf, describeObservation, isServerFault, type Answer } from './answer.ts';
import type { ResponseRule } from './response-rule.ts';

export interface ErrorEnvelopeContext {
  caseId: string;
  input: unknown;
  /** Values of sensitive members that were sent. */
  sensitiveValues: string[];
  /** A protocol-level failure (deserialization, routing, authentication): any error type may answer it. */
  protocolLevel: boolean;
  seed?: number;
  path?: string;
  generator?: string;
  identityManagementType?: string;
}

/** Shorter values are too likely to occur in any message by chance. */
const ECHO_MIN_LENGTH = 6;

const evidence = (spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, expected: string, problem: string): Evidence => ({
  caseId: ctx.caseId,
  input: ctx.input,
  observation: obs,
  expected: { summary: expected },
  problem: `${problem} (got ${describeObservation(spec, obs)})`,
  seed: ctx.seed,
  path: ctx.path,
  generator: ctx.generator,
  identityManagementType: ctx.identityManagementType,
});

function notAServerError(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a = answerOf(spec, obs)): Verdict[] {
  if (!a) return [];
  return [
    judge('SRV-NO-5XX', !isServerFault(spec, a), evidence(spec, obs, ctx, 'a status below 500', 'a client request got a server error')),
  ];
}

/** SRV-AVAILABLE: a request that got no response (refused, reset, timed out) is a failure with the request as evidence. */
export function answered(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a = answerOf(spec, obs)): Verdict[] {
  if (a) return [pass('SRV-AVAILABLE', ctx.caseId)];
  return [
    fail('SRV-AVAILABLE', {
      ...evidence(
        spec,
        obs,
        ctx,
        'an HTTP response within the request timeout',
        `no response: ${obs.transportError ?? 'the transport failed'}`,
      ),
      problem: `no response: ${obs.transportError ?? 'the transport failed'}`,
    }),
  ];
}

export function throttledAsDeclared(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a = answerOf(spec, obs)): Verdict[] {
  if (a?.status !== 429) return [];
  const ok = !!a.type && spec.protocol.throttlingErrors.includes(a.type);
  return [
    judge(
      'THR-429-TYPE',
      ok,
      evidence(spec, obs, ctx, `429 with ${spec.protocol.throttlingErrors.join(' or ')}`, 'a 429 without a throttling error type'),
    ),
  ];
}

function errorTypePresent(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a: Answer): Verdict[] {
  const where = obs.response ? [spec.protocol.errorTypeHeader, ...spec.protocol.errorTypeBodyFields].join(', ') : "the error's name";
  return [
    judge('ERR-TYPE-PRESENT', !!a.type, evidence(spec, obs, ctx, `an error type in ${where}`, 'an error response without an error type')),
  ];
}

function errorTypeDeclared(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a: Answer): Verdict[] {
  const type = a.type;
  if (!type || ctx.protocolLevel) return [];
  const declared = spec.operation.errors.map((e) => e.type);
  const ok = declared.includes(type) || (a.status === 429 && spec.protocol.throttlingErrors.includes(type));
  return [
    judge(
      'ERR-TYPE-DECLARED',
      ok,
      evidence(spec, obs, ctx, `one of ${declared.join(', ')}`, `${type} is not an error of ${spec.operation.name}`),
    ),
  ];
}

/** Judged on an answer with a status (an SDK outcome has one when the client reports $metadata.httpStatusCode). */
function statusMatchesType(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a: Answer): Verdict[] {
  const modelled = a.type ? spec.errors[a.type] : undefined;
  if (!modelled || a.status === undefined) return [];
  const ok = modelled.status === a.status;
  return [
    judge(
      'ERR-STATUS-MATCHES-TYPE',
      ok,
      evidence(spec, obs, ctx, `${a.type} with status ${modelled.status}`, `${a.type} came with status ${a.status}`),
    ),
  ];
}

/** The fault of the status class; for an SDK outcome without a status, the error's own `$fault` (none: no verdict). */
function faultMatchesStatus(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a: Answer): Verdict[] {
  const type = a.type;
  const modelled = type ? spec.errors[type] : undefined;
  const status = a.status;
  const statusFault = status === undefined ? a.fault : status >= 500 ? 'server' : status >= 400 ? 'client' : 'none';
  if (statusFault === undefined) return [];
  if (!modelled) {
    return [
      judge(
        'ERR-FAULT',
        statusFault !== 'none',
        evidence(spec, obs, ctx, 'an error status (4xx or 5xx)', 'an error type on a non-error status'),
      ),
    ];
  }
  return [
    judge(
      'ERR-FAULT',
      modelled.fault === statusFault,
      evidence(spec, obs, ctx, `a ${modelled.fault} fault status for ${type}`, `${type} is a ${modelled.fault} fault`),
    ),
  ];
}

/** Judged on the HTTP body: an SDK outcome has none (n/a for a target without the wire). */
function messagePresent(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext): Verdict[] {
  if (!obs.response) return [];
  const ok = messageOf(spec, obs.response) !== undefined;
  return [
    judge(
      'ERR-MESSAGE',
      ok,
      evidence(spec, obs, ctx, `a JSON body with ${spec.protocol.messageFields.join(' or ')}`, 'the error body has no message string'),
    ),
  ];
}

/** Judged on the HTTP header: an SDK outcome has none (n/a for a target without the wire). */
function typeInHeader(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext): Verdict[] {
  const found = obs.response && errorTypeOf(spec, obs.response);
  if (!found) return [];
  return [
    judge(
      'ERR-HEADER-FORM',
      found.where === 'header',
      evidence(spec, obs, ctx, `the ${spec.protocol.errorTypeHeader} header`, 'the error type is only in the body'),
    ),
  ];
}

/** In the body and headers of a response; in the message of an SDK outcome's error. */
function noSensitiveEcho(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext, a: Answer): Verdict[] {
  const values = ctx.sensitiveValues.filter((v) => v.trim().length >= ECHO_MIN_LENGTH);
  if (!values.length) return [];
  const response = obs.response;
  const haystack = response ? `${text(response.body)}\n${Object.values(response.headers).join('\n')}` : (a.message ?? '');
  const echoed = values.find((v) => haystack.includes(v));
  if (echoed === undefined) return [pass('SENS-NO-ECHO', ctx.caseId)];
  return [
    fail(
      'SENS-NO-ECHO',
      evidence(spec, obs, ctx, 'no sensitive value in the response', 'the error response echoes a sensitive value that was sent'),
    ),
  ];
}

/**
 * The requirements every answer of the operation is judged by, whichever step sent the request. On an SDK outcome
 * alone (a target reached only through a ConnectClient's send), two are judged on HTTP details it does not have (n/a
 * for such a target), and two only when the client reports what they need.
 */
export const ERROR_ENVELOPE_RULES: readonly ResponseRule[] = [
  { proves: 'SRV-AVAILABLE', judges: 'operation' },
  { proves: 'SRV-NO-5XX', judges: 'operation' },
  { proves: 'ERR-TYPE-PRESENT', judges: 'operation' },
  { proves: 'ERR-TYPE-DECLARED', judges: 'operation' },
  {
    proves: 'ERR-STATUS-MATCHES-TYPE',
    judges: 'operation',
    sdkOutcome: {
      skippedUnlessJudged: 'no error of the client carried its HTTP status ($metadata.httpStatusCode), which this requirement judges',
    },
  },
  {
    proves: 'ERR-FAULT',
    judges: 'operation',
    sdkOutcome: {
      skippedUnlessJudged:
        'no error of the client carried an HTTP status ($metadata.httpStatusCode) or a $fault, which this requirement judges',
    },
  },
  { proves: 'ERR-MESSAGE', judges: 'operation', sdkOutcome: { notApplicable: 'the JSON body of an error response' } },
  {
    proves: 'ERR-HEADER-FORM',
    judges: 'operation',
    sdkOutcome: { notApplicable: 'whether the error type came in the header or the body' },
  },
  { proves: 'SENS-NO-ECHO', judges: 'operation' },
];

const ERROR_LAYERS = [
  errorTypePresent,
  errorTypeDeclared,
  statusMatchesType,
  faultMatchesStatus,
  messagePresent,
  typeInHeader,
  noSensitiveEcho,
];

/** Every envelope verdict one observation gives. */
export function errorEnvelopeVerdicts(spec: Spec, obs: Observation, ctx: ErrorEnvelopeContext): Verdict[] {
  // A throttled answer never gets here: flow control (engine/flow-control.ts) sends it again and hands it to
  // throttledAsDeclared alone.
  const a = answerOf(spec, obs);
  const verdicts = [...answered(spec, obs, ctx, a), ...notAServerError(spec, obs, ctx, a)];
  if (a?.error) for (const layer of ERROR_LAYERS) verdicts.push(...layer(spec, obs, ctx, a));
  return verdicts;
}
