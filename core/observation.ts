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
}
