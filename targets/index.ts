// Targets behind one interface, chosen by configuration. A target sends; it never decides what passes, and it
// knows nothing of requirements. Every target has an SDK channel and a raw channel.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { HttpRequest } from '@smithy/protocol-http';
import type { Spec } from '../spec/index.ts';
import type { Observation } from './observation.ts';
import { handlerTransport, httpTransport, rawChannel, type Credentials, type Signing, type Transport } from './raw-channel.ts';
import {
  connectOrigin,
  createReferenceService,
  defaultFixtures,
  EXAMPLE_CREDENTIALS,
  inMemoryRequestHandler,
  installNock,
  type Fixtures,
  type ReferenceService,
} from './reference/index.ts';
import { connectClient, observeCommand } from './sdk-channel.ts';
import { lowerCaseHeaders, utf8, type WireHandler, type WireRequest, type WireResponse } from './wire.ts';

export type { Observation, SdkOutcome } from './observation.ts';
export { TargetUnreachable } from './observation.ts';
export type { Signing } from './raw-channel.ts';

export const TARGET_KINDS = ['reference', 'nock', 'module', 'endpoint', 'aws'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface TargetConfig {
  kind: TargetKind;
  region: string;
  endpointUrl?: string;
  modulePath?: string;
  /** For the reference kinds: a variant of the reference's handler (the suite's own power tests use this). */
  wrapHandler?: (handler: WireHandler, service: ReferenceService) => WireHandler;
}

/** Something the user configured cannot work: one line, exit 2. */
export class TargetConfigError extends Error {
  override name = 'TargetConfigError';
}

export interface Target {
  kind: TargetKind;
  region: string;
  /** Where requests go, for the report. */
  endpoint: string;
  sdk: ConnectClient;
  /** Sends an SDK command (maxAttempts 1) and observes the exchange. */
  send(command: object): Promise<Observation>;
  /** Sends raw bytes, signed, unsigned, or signed with a wrong secret. */
  raw(request: WireRequest, signing?: Signing): Promise<Observation>;
  /** The embedded reference's own fixtures, when the target has them built in. */
  builtinFixtures?: Fixtures;
  /** The target is known to verify SigV4 (the embedded reference does), so authentication is checked. */
  enforcesAuth?: boolean;
  close(): Promise<void>;
}

function assemble(kind: TargetKind, region: string, endpoint: string, sdk: ConnectClient, transport: Transport, host: string, close: () => Promise<void>, builtinFixtures?: Fixtures): Target {
  const credentials = async (): Promise<Credentials> => {
    const c = await sdk.config.credentials();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  };
  const raw = rawChannel(transport, { host, region, credentials });
  return {
    kind,
    region,
    endpoint,
    sdk,
    builtinFixtures,
    enforcesAuth: builtinFixtures !== undefined,
    send: (command) => observeCommand(sdk, command as never),
    raw: (request, signing) => raw.send(request, signing),
    close,
  };
}

/** An SDK-style requestHandler as a wire handler (for modules that export one). */
function wireHandlerOf(requestHandler: { handle(request: HttpRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body?: unknown } }> }): WireHandler {
  return async (request) => {
    const [path, query = ''] = request.path.split('?', 2) as [string, string?];
    const { response } = await requestHandler.handle(
      new HttpRequest({ method: request.method, hostname: request.headers.host, path, query: Object.fromEntries(new URLSearchParams(query)), headers: request.headers, body: request.body }),
    );
    const body = response.body;
    let bytes: Uint8Array;
    if (body == null) bytes = new Uint8Array();
    else if (typeof body === 'string') bytes = utf8(body);
    else if (body instanceof Uint8Array) bytes = body;
    else {
      const chunks: Uint8Array[] = [];
      for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(c);
      bytes = new Uint8Array(Buffer.concat(chunks));
    }
    return { statusCode: response.statusCode, headers: lowerCaseHeaders(response.headers), body: bytes };
  };
}

async function withNetLocked(): Promise<() => void> {
  const { default: nock } = await import('nock');
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host));
  return () => nock.enableNetConnect();
}

function inMemory(kind: TargetKind, region: string, handler: WireHandler, credentials: Credentials, close: () => Promise<void>, fixtures?: Fixtures): Target {
  const host = new URL(connectOrigin(region)).host;
  const sdk = connectClient({ region, credentials, requestHandler: inMemoryRequestHandler(handler) });
  return assemble(kind, region, `in-memory (${kind})`, sdk, handlerTransport(handler), host, close, fixtures);
}

async function overNock(kind: TargetKind, region: string, install: () => Promise<() => void>, credentials: Credentials, fixtures?: Fixtures): Promise<Target> {
  const unlock = await withNetLocked();
  const uninstall = await install();
  const origin = connectOrigin(region);
  const sdk = connectClient({ region, credentials });
  return assemble(kind, region, `${origin} (nock)`, sdk, httpTransport(origin), new URL(origin).host, async () => {
    uninstall();
    unlock();
  }, fixtures);
}

async function loadModule(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new TargetConfigError(`--module ${path}: cannot be loaded (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function createTarget(spec: Spec, config: TargetConfig): Promise<Target> {
  const { region } = config;
  switch (config.kind) {
    case 'reference':
    case 'nock': {
      const fixtures = defaultFixtures();
      fixtures.region = region;
      const service = createReferenceService(spec, { fixtures });
      const handler = config.wrapHandler ? config.wrapHandler(service.handle, service) : service.handle;
      if (config.kind === 'reference') return inMemory('reference', region, handler, fixtures.credentials, async () => {}, fixtures);
      return overNock('nock', region, () => installNock(handler, region), fixtures.credentials, fixtures);
    }
    case 'module': {
      if (!config.modulePath) throw new TargetConfigError('--target module needs --module PATH (a module exporting handler, requestHandler or installNock)');
      const mod = await loadModule(config.modulePath);
      if (typeof mod.handler === 'function') return inMemory('module', region, mod.handler as WireHandler, EXAMPLE_CREDENTIALS, async () => {});
      if (mod.requestHandler && typeof (mod.requestHandler as { handle?: unknown }).handle === 'function') {
        return inMemory('module', region, wireHandlerOf(mod.requestHandler as never), EXAMPLE_CREDENTIALS, async () => {});
      }
      if (typeof mod.installNock === 'function') {
        const install = mod.installNock as (options: { region: string }) => unknown;
        return overNock('module', region, async () => {
          const undo = await install({ region });
          return typeof undo === 'function' ? (undo as () => void) : () => {};
        }, EXAMPLE_CREDENTIALS);
      }
      throw new TargetConfigError(`--module ${config.modulePath}: exports none of handler(request), requestHandler.handle(request) or installNock({ region })`);
    }
    case 'endpoint': {
      if (!config.endpointUrl) throw new TargetConfigError('--target endpoint needs --endpoint-url URL (or AWS_ENDPOINT_URL_CONNECT)');
      let url: URL;
      try {
        url = new URL(config.endpointUrl);
      } catch {
        throw new TargetConfigError(`--endpoint-url ${config.endpointUrl} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetConfigError(`--endpoint-url must be http or https (got ${url.protocol})`);
      const sdk = connectClient({ region, endpoint: config.endpointUrl });
      return assemble('endpoint', region, config.endpointUrl, sdk, httpTransport(config.endpointUrl), url.host, async () => sdk.destroy());
    }
    case 'aws':
      throw new TargetConfigError('--target aws is not available yet: its safety envelope (allowlist, own users only, budget, rate limit, dry run) has not landed, so this build never sends to a real account');
  }
}

export type { WireRequest, WireResponse };
