// Hosting 2: the reference behind a nock interceptor on https://connect.{region}.amazonaws.com, for code that
// talks to Connect through Node's HTTP stack (and for teams whose mocks are nock-based). nock patches Node's
// globals as soon as it is imported, so it is imported here only when this hosting is asked for.
import type { WireHandler } from '../../../core/wire.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

export function connectOrigin(region: string): string {
  return `https://connect.${region}.amazonaws.com`;
}

/**
 * Intercepts every request to the regional Connect endpoint. Returns a function that removes the interceptors
 * and, when no other nock mock is left, restores Node's globals.
 */
export async function installNock(handler: WireHandler, region: string): Promise<() => void> {
  const { default: nock } = await import('nock');
  if (!nock.isActive()) nock.activate();
  const scope = nock(connectOrigin(region)).persist();
  const interceptors = METHODS.map((method) => scope.intercept(() => true, method));
  for (const interceptor of interceptors) {
    interceptor.reply(async (request: Request) => {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
      const response = await handler({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers,
        body: new Uint8Array(await request.arrayBuffer()),
      });
      return [response.statusCode, Buffer.from(response.body), response.headers];
    });
  }
  return () => {
    for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    if (nock.activeMocks().length === 0) nock.restore();
  };
}
