// What a target said to one request: the exchange as bytes on the wire, and, on the SDK channel, what
// @aws-sdk/client-connect made of it. Targets produce observations; they never judge them.
import type { WireRequest, WireResponse } from './wire.ts';

export type SdkOutcome =
  | { ok: true; output: Record<string, unknown> }
  | { ok: false; name: string; message: string; status?: number; fault?: string };

export interface Observation {
  channel: 'sdk' | 'raw';
  /** The request as sent, signed. */
  request: WireRequest;
  /** The response as received; absent when the transport failed. */
  response?: WireResponse;
  /** Why no response arrived (connection refused, reset, time-out). */
  transportError?: string;
  /** The SDK's reading of the response (SDK channel only). */
  sdk?: SdkOutcome;
  /** How many earlier attempts of this request were answered with throttling (429, 503) and sent again: flow
   * control, never the answer to the request (engine/flow-control.ts). */
  throttled?: number;
}

/** The HTTP status of an answer: the response's, or the status the SDK read when only its reading is kept. */
export const statusOf = (obs: Observation): number | undefined => obs.response?.statusCode ?? (obs.sdk && !obs.sdk.ok ? obs.sdk.status : obs.sdk?.ok ? 200 : undefined);

/** Whether the request got an answer at all (an HTTP response, or an SDK reading of one). */
export const isAnswered = (obs: Observation): boolean => statusOf(obs) !== undefined;
