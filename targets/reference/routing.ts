// Which operation a request is: its path matched against every operation's path template, then its method; the labels
// percent-decoded (a label that is not valid UTF-8 is the protocol's deserialization error).
import { routePattern } from '../../core/binding.ts';
import type { WireRequest } from '../../core/wire.ts';
import type { OperationSpec, Spec } from '../../spec/index.ts';
import type { HttpError } from './http.ts';

export interface Routed {
  op: OperationSpec;
  labels: Record<string, string>;
}

/** The router of a spec's operations; a request no operation answers throws the protocol's unknown-operation error. */
export function createRouter(spec: Spec, fail: (type: string, message: string) => HttpError): (request: WireRequest) => Routed {
  const p = spec.protocol;
  const routes = Object.values(spec.operations).map((op) => ({ op, pattern: routePattern(op.pathTemplate) }));
  return (request) => {
    const path = request.path.split('?', 1)[0]!;
    let pathMatched = false;
    for (const { op, pattern } of routes) {
      const m = pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (op.method !== request.method.toUpperCase()) continue;
      const labels: Record<string, string> = {};
      op.labels.forEach((label, i) => {
        try {
          labels[label.name] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw fail(p.deserializationError.type, `The ${label.name} label is not valid percent-encoded UTF-8.`);
        }
      });
      return { op, labels };
    }
    throw fail(
      p.unknownOperationError.type,
      pathMatched ? `No operation answers ${request.method} on this path.` : 'No operation matches the request path.',
    );
  };
}
