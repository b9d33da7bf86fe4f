// What a target said to one request: the exchange as bytes on the wire, and, on the SDK channel, what
// @aws-sdk/client-connect made of it. Targets produce observations; they never judge them.
import type { WireRequest, WireResponse } from './wire.ts';

/** `status`: the HTTP status the SDK reports ($metadata.httpStatusCode), when it reports one (a stub may not). */
export type SdkOutcome =
  | { ok: true; output: Record<string, unknown>; status?: number }
  | { ok: false; name: string; message: string; status?: number; fault?: string };

export interface Observation {
  channel: 'sdk' | 'raw';
  /** The request as sent, signed (empty when no HTTP request was seen: `sdkOnly`). */
  request: WireRequest;
  /** The response as received; absent when the transport failed, and for `sdkOnly` observations. */
  response?: WireResponse;
  /** Why no response arrived (connection refused, reset, time-out). */
  transportError?: string;
  /** The SDK's reading of the response (SDK channel only). */
  sdk?: SdkOutcome;
  /** How many earlier attempts of this request were answered with throttling (429, 503) and sent again: flow
   * control, never the answer to the request (engine/flow-control.ts). */
  throttled?: number;
  /**
   * The answer is the SDK's outcome alone, with no HTTP exchange behind it to see: the target is reached only through
   * a ConnectClient's `send` (a client handed in by code, stubbed with aws-sdk-client-mock or not). What the outcome
   * does not say (a body, headers, a status the client did not report) is unknown, never made up.
   */
  sdkOnly?: boolean;
}

/** Whether the target answered: an HTTP response, or, for an `sdkOnly` observation, a send that settled with an outcome. */
export const hasAnswer = (o: Observation): boolean =>
  o.response !== undefined || (o.sdkOnly === true && o.sdk !== undefined && o.transportError === undefined);

/** The HTTP status of an answer: the response's, or the status the SDK read when only its reading is kept. */
export const statusOf = (obs: Observation): number | undefined =>
  obs.response?.statusCode ?? (obs.sdk && !obs.sdk.ok ? obs.sdk.status : obs.sdk?.ok ? 200 : undefined);
