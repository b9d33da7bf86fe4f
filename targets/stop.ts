// Why a request was not sent, or not answered, by a target's safety envelope (targets/aws/safety-envelope.ts). The channels
// rethrow these instead of turning them into observations: a check must never judge a request that did not happen.
export type StopKind =
  /** The guard refused the request locally: it was never sent. */
  | 'refused'
  /** The request budget (--max-requests) is spent: the run stops, restores and reports the rest as skip. */
  | 'budget'
  /** The run was interrupted (SIGINT, SIGTERM): it stops, restores and reports the rest as skip. */
  | 'interrupted'
  /** The target kept throttling (429, 503) every attempt of a request, or past the time budget: the run stops. */
  | 'throttled'
  /** An operation of the target stopped answering (requests in a row without a response): the run stops. */
  | 'unanswered'
  /** A replayed run asked for an exchange the cassette does not hold. */
  | 'cassette';

export class SendStopped extends Error {
  override name = 'SendStopped';
  constructor(
    readonly kind: StopKind,
    message: string,
  ) {
    super(message);
  }
}

/** True for the stops that end the whole run (the others end one case). */
export const endsRun = (e: SendStopped) =>
  e.kind === 'budget' || e.kind === 'interrupted' || e.kind === 'throttled' || e.kind === 'unanswered';

/** True for the stops the target caused (it throttled too much, or stopped answering): what they leave unchecked is an
 * error of the run, never a skip. */
export const targetStopped = (e: SendStopped) => e.kind === 'throttled' || e.kind === 'unanswered';
