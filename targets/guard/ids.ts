// Which identifiers can name something. Amazon Connect's instance and user IDs are UUIDs (and the instance and
// user ARNs that some operations accept carry them), so a label can name an existing instance or user only if it
// holds a UUID-shaped run: 32 hex digits, dashes optional. A label with none names nothing that can exist: an empty
// label, bytes that are not UTF-8, the over-long InstanceId samples, and the IDs a run makes up for its existence
// checks (madeUpId: `conformance-missing-` and 16 hex digits, which is not UUID-shaped).
import { createHash } from 'node:crypto';
import { decodeLabel } from '../../core/label-encoding.ts';

const UUID_RUN = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

/** A label as text: percent-decoded, leniently (bytes that are not UTF-8 become U+FFFD). */
export const decodeLenient = (encoded: string): string => decodeLabel(encoded).lenient;

/** The UUIDs a text holds, normalised (lower case, no dashes). */
export const uuidsIn = (text: string): string[] => [...text.matchAll(UUID_RUN)].map(([m]) => m.toLowerCase().replaceAll('-', ''));

/** The UUIDs an encoded label holds, read both as sent and decoded (so that `%61` cannot hide an `a`). */
export const uuidsInLabel = (encoded: string): string[] => [...new Set([...uuidsIn(encoded), ...uuidsIn(decodeLenient(encoded))])];

/** True when a (decoded) value can name no instance and no user. */
export const namesNothing = (value: string): boolean => uuidsIn(value).length === 0;

/** An ID that cannot exist, the same for the same seed and purpose (so that a recorded run replays). */
export function madeUpId(seed: number, purpose: string): string {
  const hex = createHash('sha256').update(`${seed}:${purpose}`).digest('hex').slice(0, 16);
  return `conformance-missing-${hex}`;
}
