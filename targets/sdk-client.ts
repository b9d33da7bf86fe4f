// A ConnectClient handed in by code (runConformance's `target: { client }`): a real client, or one whose `send`
// aws-sdk-client-mock (or any other stub) replaces. Every command the suite sends, fixtures and read-back included, goes
// through `client.send`, and what comes back is observed as the SDK gives it (an output, or an error with its name,
// `$fault` and `$metadata.httpStatusCode`): there is no HTTP exchange to see, so the observations are `sdkOnly`, and
// the target has no raw channel (`wire: false`). The target never makes up a response for what the outcome lacks.
//
// What is not an answer of a Connect client is said so, in one line: a send that resolves with no output (a stub with
// no behaviour for the command: aws-sdk-client-mock answers undefined) is a configuration error naming what to stub;
// a send that throws a JavaScript error of the language's own (TypeError, ReferenceError...: a bug in the stub) or
// rejects with something that is not an Error is a TargetFault; a send that does not settle within the request timeout
// is unanswered, as a network request would be.
import { ConnectClient } from '@aws-sdk/client-connect';
import type { Observation, SdkOutcome } from '../core/observation.ts';
import { TargetConfigError, TargetFault } from '../core/errors.ts';
import { SendStopped } from './stop.ts';

/** What the suite needs of a ConnectClient: its `send` (typed loosely, so that a client of another copy of
 * @aws-sdk/client-connect, or one aws-sdk-client-mock stubs, is taken as it is). */
export interface ConnectClientLike {
  send(command: object): unknown;
}

/** runConformance's `target: { client }`. */
export interface ClientTarget {
  client: ConnectClientLike;
}

/** The errors a stub throws by mistake: never an answer a Connect client gives. */
const LANGUAGE_ERRORS = [TypeError, ReferenceError, SyntaxError, RangeError, EvalError, URIError];

/** Node's system error codes (ECONNREFUSED, ETIMEDOUT...) and the SDK's time-out: a real client got no answer. */
const isTransportError = (e: { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: number } }) =>
  e.$metadata?.httpStatusCode === undefined && ((typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code)) || e.name === 'TimeoutError');

const describe = (v: unknown) =>
  v === null
    ? 'null'
    : v === undefined
      ? 'undefined'
      : Array.isArray(v)
        ? 'an array'
        : typeof v === 'object'
          ? 'an object'
          : `a ${typeof v}`;

const nameOf = (command: object) => command.constructor?.name || 'the command';

/** The one line for a send that resolved with no output. */
function noBehaviour(client: ConnectClientLike, command: string, value: unknown): string {
  const copy =
    client instanceof ConnectClient
      ? ''
      : `; if it has one, the client may come from another copy of @aws-sdk/client-connect than connect-conformance's, whose ${command} it does not match (npm ls @aws-sdk/client-connect)`;
  return `the client answered ${command} with ${describe(value)}, not an output: give the stub a behaviour for ${command} (aws-sdk-client-mock: mock.on(${command}).resolves({...}) or .callsFake((input) => ...))${copy}`;
}

function isError(e: unknown): e is Error & Record<string, unknown> {
  return (
    e instanceof Error ||
    (typeof e === 'object' &&
      e !== null &&
      typeof (e as { name?: unknown }).name === 'string' &&
      typeof (e as { message?: unknown }).message === 'string')
  );
}

/**
 * Sends one command through the client and observes the SDK's outcome. A SendStopped or a suite's own error thrown by
 * the send is passed on; `timeoutMs` bounds a send that never settles.
 */
export async function observeClientCommand(client: ConnectClientLike, command: object, timeoutMs: number): Promise<Observation> {
  const name = nameOf(command);
  const base = { channel: 'sdk' as const, request: { method: '', path: '', headers: {}, body: new Uint8Array() }, sdkOnly: true };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let settled: { value: unknown } | { error: unknown } | 'timeout';
  try {
    // A stub may throw synchronously; both are outcomes of the send.
    const sent = (async () => client.send(command))();
    settled = await Promise.race([
      sent.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
  if (settled === 'timeout')
    return { ...base, transportError: `no answer within ${timeoutMs} ms (the client's send of ${name} did not settle)` };
  if ('value' in settled) {
    const value = settled.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TargetConfigError(noBehaviour(client, name, value));
    const { $metadata, ...output } = value as Record<string, unknown>;
    const status = ($metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode;
    const sdk: SdkOutcome = { ok: true, output, ...(typeof status === 'number' ? { status } : {}) };
    return { ...base, sdk };
  }
  const e = settled.error;
  if (e instanceof SendStopped || e instanceof TargetFault || e instanceof TargetConfigError) throw e;
  if (!isError(e))
    throw new TargetFault(
      `the client's send of ${name} rejected with ${describe(e)}, not an Error: a Connect client rejects with an error whose name is the error type`,
    );
  if (LANGUAGE_ERRORS.some((cls) => e instanceof cls))
    throw new TargetFault(`the client's send of ${name} threw ${e.name}: ${e.message} (a bug in the stub?)`);
  const meta = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
  const sdk: SdkOutcome = {
    ok: false,
    name: e.name,
    message: e.message,
    ...(status !== undefined ? { status } : {}),
    ...(typeof e.$fault === 'string' ? { fault: e.$fault } : {}),
  };
  if (isTransportError(e as never)) return { ...base, sdk, transportError: `${(e.code as string | undefined) ?? e.name}: ${e.message}` };
  return { ...base, sdk };
}

/** Checks what runConformance was handed as `target: { client }`. */
export function checkedClient(client: unknown): ConnectClientLike {
  if (typeof client !== 'object' || client === null || typeof (client as { send?: unknown }).send !== 'function') {
    throw new TargetConfigError(`target: { client } needs a ConnectClient (an object with send(command)); got ${describe(client)}`);
  }
  return client as ConnectClientLike;
}
