// Which operation of the spec a request on the wire calls, by method and path template: a label segment matches any
// text between two slashes (an empty label too, as the SDK sends it), so that a malformed case still counts as a
// request of the operation it was aimed at. Read from the spec's operations, never from code.
import type { OperationSpec, Spec } from './types.ts';

interface Route {
  op: OperationSpec;
  route: RegExp;
}

const routes = new WeakMap<Spec, Route[]>();

function routesOf(spec: Spec): Route[] {
  let list = routes.get(spec);
  if (!list) {
    list = Object.values(spec.operations).map((op) => ({
      op,
      route: new RegExp(`^${op.pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]*')}$`),
    }));
    routes.set(spec, list);
  }
  return list;
}

/** The name of the operation a request calls, or undefined when no operation of the spec has its method and path. */
export function operationOfRequest(spec: Spec, request: { method: string; path: string }): string | undefined {
  const path = request.path.split('?', 1)[0]!;
  const method = request.method.toUpperCase();
  return routesOf(spec).find((r) => r.op.method === method && r.route.test(path))?.op.name;
}
