// The error envelope, in layers, applied to every response of every suite: no 5xx (SRV-NO-5XX); a type is present
// (ERR-TYPE-PRESENT); it is one the operation declares (ERR-TYPE-DECLARED); the status agrees with it
// (ERR-STATUS-MATCHES-TYPE); the fault agrees with the status class (ERR-FAULT); the body carries a message
// (ERR-MESSAGE); the type is in the header (ERR-HEADER-FORM); no sensitive value is echoed (SENS-NO-ECHO). A 429 is
// a throttling type (THR-429-TYPE): judged on each throttled answer the run's flow control hands over.
import type { Spec } from '../spec/index.ts';
import type { Observation } from '../targets/index.ts';
import { text } from '../core/wire.ts';
import { fail, judge, pass, type Evidence, type Verdict } from './verdict.ts';
import { describeResponse, errorTypeOf, messageOf } from './response-reading.ts';

export interface EnvelopeContext {
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

const evidence = (spec: Spec, obs: Observation, ctx: EnvelopeContext, expected: string, problem: string): Evidence => ({
  caseId: ctx.caseId,
  input: ctx.input,
  observation: obs,
  expected: { summary: expected },
  problem: `${problem} (got ${describeResponse(spec, obs.response)})`,
  seed: ctx.seed,
  path: ctx.path,
  generator: ctx.generator,
  identityManagementType: ctx.identityManagementType,
});

export function notAServerError(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  if (!obs.response) return [];
  return [judge('SRV-NO-5XX', obs.response.statusCode < 500, evidence(spec, obs, ctx, 'a status below 500', 'a client request got a server error'))];
}

/** SRV-AVAILABLE: a request that got no response (refused, reset, timed out) is a failure with the request as evidence. */
export function answered(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  if (obs.response) return [pass('SRV-AVAILABLE', ctx.caseId)];
  return [fail('SRV-AVAILABLE', { ...evidence(spec, obs, ctx, 'an HTTP response within the request timeout', `no response: ${obs.transportError ?? 'the transport failed'}`), problem: `no response: ${obs.transportError ?? 'the transport failed'}` })];
}

export function throttledAsDeclared(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  if (obs.response?.statusCode !== 429) return [];
  const type = errorTypeOf(spec, obs.response)?.type;
  const ok = !!type && spec.protocol.throttlingErrors.includes(type);
  return [judge('THR-429-TYPE', ok, evidence(spec, obs, ctx, `429 with ${spec.protocol.throttlingErrors.join(' or ')}`, 'a 429 without a throttling error type'))];
}

export function errorTypePresent(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const ok = !!errorTypeOf(spec, obs.response!);
  const where = [spec.protocol.errorTypeHeader, ...spec.protocol.errorTypeBodyFields].join(', ');
  return [judge('ERR-TYPE-PRESENT', ok, evidence(spec, obs, ctx, `an error type in ${where}`, 'an error response without an error type'))];
}

export function errorTypeDeclared(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const type = errorTypeOf(spec, obs.response!)?.type;
  if (!type || ctx.protocolLevel) return [];
  const declared = spec.operation.errors.map((e) => e.type);
  const ok = declared.includes(type) || (obs.response!.statusCode === 429 && spec.protocol.throttlingErrors.includes(type));
  return [judge('ERR-TYPE-DECLARED', ok, evidence(spec, obs, ctx, `one of ${declared.join(', ')}`, `${type} is not an error of ${spec.operation.name}`))];
}

export function statusMatchesType(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const type = errorTypeOf(spec, obs.response!)?.type;
  const modelled = type ? spec.errors[type] : undefined;
  if (!modelled) return [];
  const ok = modelled.status === obs.response!.statusCode;
  return [judge('ERR-STATUS-MATCHES-TYPE', ok, evidence(spec, obs, ctx, `${type} with status ${modelled.status}`, `${type} came with status ${obs.response!.statusCode}`))];
}

export function faultMatchesStatus(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const type = errorTypeOf(spec, obs.response!)?.type;
  const modelled = type ? spec.errors[type] : undefined;
  const status = obs.response!.statusCode;
  const statusFault = status >= 500 ? 'server' : status >= 400 ? 'client' : 'none';
  if (!modelled) {
    return [judge('ERR-FAULT', statusFault !== 'none', evidence(spec, obs, ctx, 'an error status (4xx or 5xx)', 'an error type on a non-error status'))];
  }
  return [judge('ERR-FAULT', modelled.fault === statusFault, evidence(spec, obs, ctx, `a ${modelled.fault} fault status for ${type}`, `${type} is a ${modelled.fault} fault`))];
}

export function messagePresent(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const ok = messageOf(spec, obs.response!) !== undefined;
  return [judge('ERR-MESSAGE', ok, evidence(spec, obs, ctx, `a JSON body with ${spec.protocol.messageFields.join(' or ')}`, 'the error body has no message string'))];
}

export function typeInHeader(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const found = errorTypeOf(spec, obs.response!);
  if (!found) return [];
  return [judge('ERR-HEADER-FORM', found.where === 'header', evidence(spec, obs, ctx, `the ${spec.protocol.errorTypeHeader} header`, 'the error type is only in the body'))];
}

export function noSensitiveEcho(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  const values = ctx.sensitiveValues.filter((v) => v.trim().length >= ECHO_MIN_LENGTH);
  if (!values.length) return [];
  const response = obs.response!;
  const haystack = `${text(response.body)}\n${Object.values(response.headers).join('\n')}`;
  const echoed = values.find((v) => haystack.includes(v));
  if (echoed === undefined) return [pass('SENS-NO-ECHO', ctx.caseId)];
  return [fail('SENS-NO-ECHO', evidence(spec, obs, ctx, 'no sensitive value in the response', 'the error response echoes a sensitive value that was sent'))];
}

/** The requirements every response is judged by, whichever step sent the request. */
export const RESPONSE_REQUIREMENTS = ['SRV-AVAILABLE', 'SRV-NO-5XX', 'ERR-TYPE-PRESENT', 'ERR-TYPE-DECLARED', 'ERR-STATUS-MATCHES-TYPE', 'ERR-FAULT', 'ERR-MESSAGE', 'ERR-HEADER-FORM', 'SENS-NO-ECHO'] as const;

const ERROR_LAYERS = [errorTypePresent, errorTypeDeclared, statusMatchesType, faultMatchesStatus, messagePresent, typeInHeader, noSensitiveEcho];

/** Every envelope verdict one observation gives. */
export function envelopeVerdicts(spec: Spec, obs: Observation, ctx: EnvelopeContext): Verdict[] {
  // A throttled answer never gets here: flow control (engine/flow-control.ts) sends it again and hands it to
  // throttledAsDeclared alone.
  const verdicts = [...answered(spec, obs, ctx), ...notAServerError(spec, obs, ctx)];
  if (obs.response && obs.response.statusCode >= 400) for (const layer of ERROR_LAYERS) verdicts.push(...layer(spec, obs, ctx));
  return verdicts;
}
