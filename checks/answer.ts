// What a target answered, read at the level the target gives it. Usually an HTTP response: its status, and its error
// type from the header or the body (response-reading.ts). For a target reached only through a ConnectClient's `send`
// (an `sdkOnly` observation: a client handed in by code, stubbed with aws-sdk-client-mock or not), the SDK's outcome:
// the send resolved (a success), or it rejected with an error whose `name` is the error type, whose `$fault` is its
// fault and whose `$metadata.httpStatusCode` is the status when the client reports one. Nothing is made up: what the
// outcome does not say (a status the stub did not set, a body, headers) stays unknown, and a check that needs it
// gives no verdict on that answer.
import type { Observation } from '../core/observation.ts';
import type { Spec } from '../spec/index.ts';
import { describeResponse, errorTypeOf } from './response-reading.ts';

export interface Answer {
  /** The HTTP status: the response's; for an SDK outcome, the one the client reports, if any. */
  status?: number;
  /** A success: a 2xx, or a send that resolved. */
  succeeded: boolean;
  /** An error answer: a status of 400 or more, or a send that rejected. */
  error: boolean;
  /** The error type: from the header or body; for an SDK outcome, the error's name (none for a plain `Error`). */
  type?: string;
  /** For an SDK outcome: the error's `$fault` (`client` or `server`), when the error has one. */
  fault?: string;
  /** For an SDK outcome: the error's message (what code that catches it sees and logs). */
  message?: string;
}

/** The name of an error made with `new Error(...)` (aws-sdk-client-mock's `.rejects('text')`): no error type. */
const UNTYPED = new Set(['Error', '']);

/** The answer an observation holds; undefined when there is none (the transport failed, or the send never settled). */
export function answerOf(spec: Spec, obs: Observation): Answer | undefined {
  const r = obs.response;
  if (r)
    return {
      status: r.statusCode,
      succeeded: r.statusCode >= 200 && r.statusCode < 300,
      error: r.statusCode >= 400,
      type: errorTypeOf(spec, r)?.type,
    };
  if (!obs.sdkOnly || obs.transportError !== undefined || !obs.sdk) return undefined;
  const sdk = obs.sdk;
  if (sdk.ok) return { status: sdk.status, succeeded: true, error: false };
  return {
    status: sdk.status,
    succeeded: false,
    error: true,
    type: UNTYPED.has(sdk.name) ? undefined : sdk.name,
    fault: sdk.fault,
    message: sdk.message,
  };
}

/**
 * Whether an error answer is a server fault: by its status when there is one; else (an SDK outcome without a status)
 * by its `$fault`, else by the fault the spec models for its type.
 */
export function isServerFault(spec: Spec, a: Answer): boolean {
  if (a.status !== undefined) return a.status >= 500;
  const fault = a.fault ?? (a.type ? spec.errors[a.type]?.fault : undefined);
  return a.error && fault === 'server';
}

/** In a few words, for a problem: `400 InvalidParameterException`, `no response`; for an SDK outcome also
 * `InvalidParameterException (no $metadata.httpStatusCode)`, `a resolved send (200)`. */
export function describeObservation(spec: Spec, obs: Observation): string {
  if (obs.response || !obs.sdkOnly) return describeResponse(spec, obs.response);
  const a = answerOf(spec, obs);
  if (!a) return 'no answer';
  if (a.succeeded) return a.status !== undefined ? `a resolved send (${a.status})` : 'a resolved send';
  const sdk = obs.sdk as { name: string };
  const what = a.type ?? `an ${sdk.name || 'error'} without an error type`;
  return a.status !== undefined ? `${a.status} ${what}` : `${what} (no $metadata.httpStatusCode)`;
}
