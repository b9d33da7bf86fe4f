// The contract of a handler a user hands to --target module (or to runConformance as `handler`): a function from a
// request to a response, both as bytes on the wire (core/wire.ts). A handler that throws, or returns something that
// is not such a response, is a TargetFault: the step that sent the request did not finish (status `error`), with a
// message that says what to fix, never a silent skip and never "the target does not answer".
import { TargetFault } from '../core/errors.ts';
import type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? 'a string' : typeof v);

/** What is wrong with a handler's result, or undefined when it is a response. */
function responseProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `returned ${describe(value)}, not a response { statusCode, headers, body }`;
  const r = value as Partial<Record<keyof WireResponse, unknown>>;
  if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599)
    return `returned a statusCode of ${JSON.stringify(r.statusCode)}, not an HTTP status (100..599)`;
  if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers))
    return `returned headers that are ${describe(r.headers)}, not an object of lower-case names to string values`;
  for (const [name, v] of Object.entries(r.headers))
    if (typeof v !== 'string') return `returned the header ${name} as ${describe(v)}, not a string`;
  if (!(r.body instanceof Uint8Array))
    return `returned a body that is ${describe(r.body)}, not a Uint8Array (encode text with new TextEncoder().encode(...); an empty body is new Uint8Array())`;
  return undefined;
}

/** The handler, checked: a throw or a result of the wrong shape becomes a TargetFault naming the request. */
export function checkedHandler(handler: WireHandler, who: string): WireHandler {
  return async (request: WireRequest) => {
    let result: unknown;
    try {
      result = await handler(request);
    } catch (e) {
      throw new TargetFault(`${who} threw on ${request.method} ${request.path}: ${(e as Error)?.message ?? String(e)}`);
    }
    const problem = responseProblem(result);
    if (problem) throw new TargetFault(`${who} ${problem} (on ${request.method} ${request.path})`);
    return result as WireResponse;
  };
}

/**
 * The handler, with a deadline: a request it has not answered within `ms` fails as a network request would (a
 * transport error, judged by SRV-AVAILABLE), so that a mock that never answers cannot hang a run. (The unwrapped
 * embedded reference gets none: its answer settles before any timer could fire; targets/index.ts.)
 */
export function withDeadline(handler: WireHandler, ms: number): WireHandler {
  return (request) =>
    new Promise<WireResponse>((resolve, reject) => {
      const timer = setTimeout(() => reject(Object.assign(new Error(`no response within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
      let answer: Promise<WireResponse>;
      try {
        answer = handler(request);
      } catch (e) {
        clearTimeout(timer);
        throw e;
      }
      answer.then(
        (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
}
