// What a generated case is, and the outcomes it may meet. A case is data: the suites send it (through the SDK or
// as the raw request in `wire`) and judge the response against `expected` for every ID in `requirementIds`.
import type { Catalogue, Spec } from '../spec/index.ts';

/**
 * `valid`: every constraint holds under every reading; `invalid`: violates input requirements, sendable as a value;
 * `wire`: a raw request the SDK cannot express (violating, or with an observed anomaly); `observed`: a value the
 * SDK can send, valid in every respect but one the contract only observes (the readings of a pattern disagree).
 */
export type CaseKind = 'valid' | 'invalid' | 'wire' | 'observed';

/** What the target may answer. */
export type ExpectedOutcome =
  /** Accepted: one of these statuses, with no error type. */
  | { outcome: 'accepted'; status: number[] }
  /** Rejected: a status in the list (or any 4xx) carrying an error type from the list (or any type). */
  | { outcome: 'rejected'; status: number[] | '4xx'; types: string[] | 'any' }
  /** Observed, never judged: anything but a 5xx (SRV-NO-5XX still applies). */
  | { outcome: 'observed' };

/** An HTTP request described as data; the target layer signs and sends it. */
export interface CaseWire {
  method: string;
  /** The path with every label percent-encoded (or raw bytes, for cases about label encoding). */
  path: string;
  /** Each label as it appears, encoded, in `path`. */
  encodedLabels: Record<string, string>;
  /** Lower-case header names; no Host or signature headers. */
  headers: Record<string, string>;
  body: string;
}

/** How a random case can be re-created: `replayCase(spec, type, replay)`. */
export interface Replay {
  generator: string;
  seed: number;
  /** fast-check's path: the run index, then the shrink steps (`"7:0:2"`). */
  path: string;
}

export interface Case {
  /** `boundary:<REQUIREMENT-OR-valid>:<variant>` for boundary cases; `random:<generator>:<variant>` for random ones. */
  id: string;
  kind: CaseKind;
  identityManagementType: string;
  /** Requirements this case proves (valid), violates (invalid) or observes (wire anomalies, readings that disagree). */
  requirementIds: string[];
  expected: ExpectedOutcome;
  /** Decoded label values; a label whose encoding is not valid UTF-8 keeps its raw text here. */
  labels: Record<string, string>;
  /** The body as a JSON value; absent when the body is not one JSON document. */
  body?: unknown;
  wire: CaseWire;
  /** `sdk` when the SDK's typed input can express the case; otherwise only `wire` can. */
  channel: 'sdk' | 'raw';
  replay?: Replay;
  /** Boundary cases: the group the case belongs to (a requirement, or `valid:<subject>`); one case of every group
   * makes the first round. */
  group?: string;
}

export const accepted = (spec: Spec): ExpectedOutcome => ({ outcome: 'accepted', status: [spec.operation.successStatus] });

export const observed = (): ExpectedOutcome => ({ outcome: 'observed' });

const isClientError = (status: number) => status >= 400 && status < 500;

/** The outcomes acceptable for a case violating these input requirements: any outcome one of them allows. */
export function rejected(spec: Spec, cat: Catalogue, requirementIds: string[]): ExpectedOutcome {
  let status: number[] | '4xx' = [];
  let types: string[] | 'any' = [];
  for (const id of requirementIds) {
    const kind = cat.get(id).outcome;
    if (!kind) throw new Error(`${id} is not an input requirement: it has no outcome`);
    const o = spec.protocol.outcomes[kind];
    const statusMatches = (s: number) => (o.status === '4xx' ? isClientError(s) : o.status.includes(s));
    const declared = spec.operation.errors.filter((e) => statusMatches(e.status)).map((e) => e.type);
    status = status === '4xx' || o.status === '4xx' ? '4xx' : [...new Set([...status, ...o.status])].sort((a, b) => a - b);
    types = types === 'any' || o.types === 'any' ? 'any' : [...new Set([...types, ...declared])].sort();
  }
  if (Array.isArray(types) && types.length === 0) throw new Error(`no error type is acceptable for ${requirementIds.join(', ')}`);
  return { outcome: 'rejected', status, types };
}
