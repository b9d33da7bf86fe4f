// Targets behind one interface, chosen by configuration. A target sends; it never decides what passes, and it
// knows nothing of requirements. Every target has an SDK channel and a raw channel, but one: a ConnectClient handed in
// by code (`client`, sdk-client.ts) is reached only through its `send`, and says so (`wire: false`).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectClient } from '@aws-sdk/client-connect';
import { HttpRequest } from '@smithy/protocol-http';
import type { Spec } from '../spec/index.ts';
import type { OperationBinding } from '../core/binding.ts';
import type { Observation } from '../core/observation.ts';
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
import {
  awsClient,
  awsOrigin,
  cassetteTransport,
  DEFAULT_REQUEST_TIMEOUT_MS,
  envelopeRequestHandler,
  readCassette,
  resolveEndpoint,
  type SafetyEnvelope,
} from './aws/index.ts';
import { connectClient, observeCommand } from './sdk-channel.ts';
import { checkedHandler, withDeadline } from './handler-contract.ts';
import { checkedClient, observeClientCommand, type ConnectClientLike } from './sdk-client.ts';
import { lowerCaseHeaders, utf8, type WireHandler, type WireRequest } from '../core/wire.ts';

export type { Observation } from '../core/observation.ts';
export { TargetConfigError } from '../core/errors.ts';
import { TargetConfigError } from '../core/errors.ts';
export type { Signing } from './raw-channel.ts';
export type { ClientTarget, ConnectClientLike } from './sdk-client.ts';
export { SendStopped, endsRun, targetStopped } from './stop.ts';

/** The kinds --target names. */
export const TARGET_KINDS = ['reference', 'nock', 'module', 'endpoint', 'aws', 'replay'] as const;
/** Those, and `client`: a ConnectClient handed in by code (runConformance's `target: { client }`), which no flag names. */
export type TargetKind = (typeof TARGET_KINDS)[number] | 'client';

export interface TargetConfig {
  kind: TargetKind;
  region: string;
  endpointUrl?: string;
  modulePath?: string;
  /** For the reference kinds: a variant of the reference's handler (the suite's own power tests use this). */
  wrapHandler?: (handler: WireHandler, service: ReferenceService) => WireHandler;
  /** For module: a handler given in code (runConformance's `handler`) instead of --module PATH. */
  handler?: WireHandler;
  /** For endpoint and aws (the targets that sign): the credentials profile (ConnectClient's `profile`), whose
   * endpoint_url also applies; otherwise the standard chain decides (AWS_PROFILE, environment, SSO, roles). */
  profile?: string;
  /** For aws and replay: the safety envelope every request goes through (allowlist guard, budget, rate). */
  envelope?: SafetyEnvelope;
  /** For replay: the cassette recorded with --record. */
  cassette?: string;
  /** For endpoint, aws: how long one raw request may take before it counts as unanswered (aws default 30 s); for
   * client, how long a send may take to settle. */
  requestTimeoutMs?: number;
  /** For client: the ConnectClient (a real one, or one stubbed with aws-sdk-client-mock) every command is sent through. */
  client?: ConnectClientLike;
  /** For the reference kinds: the operation under test, whose binding's handler the reference answers it with. */
  binding?: OperationBinding;
}

export interface Target {
  kind: TargetKind;
  region: string;
  /** Where requests go, for the report. */
  endpoint: string;
  /** The client the suite made for the target, whose credentials sign its requests; absent for a client handed in
   * (`client`), whose credentials the suite neither reads nor needs. */
  sdk?: ConnectClient;
  /** Sends an SDK command (maxAttempts 1) and observes the exchange. */
  send(command: object): Promise<Observation>;
  /** Sends raw bytes, signed, unsigned, or signed with a wrong secret. */
  raw(request: WireRequest, signing?: Signing): Promise<Observation>;
  /** The embedded reference's own fixtures, when the target has them built in. */
  builtinFixtures?: Fixtures;
  /** The target is known to verify SigV4 (the embedded reference does), so authentication is checked. */
  enforcesAuth?: boolean;
  /** Every read reflects every write at once (the embedded reference, unwrapped): nothing can land late, and there
   * is nothing in flight to settle, so the run holds no read-back window for it. */
  consistent?: boolean;
  /** For aws and replay: the envelope every request of the target goes through. */
  envelope?: SafetyEnvelope;
  /**
   * False for a target reached only through an SDK client's send (`client`): it has no raw channel (`raw` is never
   * called), and its answers are SDK outcomes with no HTTP exchange to judge (observations are `sdkOnly`). The plan
   * marks what that leaves unchecked not applicable (engine/plan.ts). Default true.
   */
  wire?: boolean;
  close(): Promise<void>;
}

/** A ConnectClient handed in by code: every command through its send, nothing on the wire. */
function clientTarget(client: ConnectClientLike, region: string, timeoutMs: number): Target {
  return {
    kind: 'client',
    region,
    endpoint: `${client.constructor?.name || 'client'}.send (handed in by code)`,
    wire: false,
    send: (command) => observeClientCommand(client, command, timeoutMs),
    raw: async () => {
      throw new Error('the target is an SDK client: it has no raw channel (the plan sends it no wire-only case)');
    },
    close: async () => {},
  };
}

function assemble(
  kind: TargetKind,
  region: string,
  endpoint: string,
  sdk: ConnectClient,
  transport: Transport,
  host: string,
  close: () => Promise<void>,
  builtinFixtures?: Fixtures,
): Target {
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
function wireHandlerOf(requestHandler: {
  handle(request: HttpRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body?: unknown } }>;
}): WireHandler {
  return async (request) => {
    const [path, query = ''] = request.path.split('?', 2) as [string, string?];
    const { response } = await requestHandler.handle(
      new HttpRequest({
        method: request.method,
        hostname: request.headers.host,
        path,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers: request.headers,
        body: request.body,
      }),
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

/** `timeoutMs` undefined: no deadline, for a handler that settles before any timer could fire (the unwrapped
 * embedded reference answers synchronously behind its promise). */
function inMemory(
  kind: TargetKind,
  region: string,
  unbounded: WireHandler,
  credentials: Credentials,
  close: () => Promise<void>,
  fixtures: Fixtures | undefined,
  timeoutMs: number | undefined,
): Target {
  const handler = timeoutMs === undefined ? unbounded : withDeadline(unbounded, timeoutMs);
  const host = new URL(connectOrigin(region)).host;
  const sdk = connectClient({ region, credentials, requestHandler: inMemoryRequestHandler(handler) });
  return assemble(kind, region, `in-memory (${kind})`, sdk, handlerTransport(handler), host, close, fixtures);
}

async function overNock(
  kind: TargetKind,
  region: string,
  install: () => Promise<() => void>,
  credentials: Credentials,
  fixtures?: Fixtures,
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<Target> {
  const unlock = await withNetLocked();
  const uninstall = await install();
  const origin = connectOrigin(region);
  const sdk = connectClient({
    region,
    credentials,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  return assemble(
    kind,
    region,
    `${origin} (nock)`,
    sdk,
    httpTransport(origin, timeoutMs),
    new URL(origin).host,
    async () => {
      uninstall();
      unlock();
    },
    fixtures,
  );
}

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/**
 * A user's mock module: JavaScript by Node's own import (ESM, or CommonJS through its named exports or
 * module.exports), TypeScript through tsx's programmatic API (tsImport), which loads it alike from an ESM project, a
 * CommonJS one or a folder with no package.json. A CommonJS module's `module.exports` object is looked at too.
 */
async function loadModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(path)).href;
  let mod: Record<string, unknown>;
  try {
    if (TYPESCRIPT.test(path)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(url, { parentURL: import.meta.url })) as Record<string, unknown>;
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ERR_MODULE_NOT_FOUND' && (err.message ?? '').includes(resolve(path))
        ? 'no such file'
        : (err.message ?? String(e)).split('\n')[0];
    throw new TargetConfigError((name) => `${name('modulePath', path)}: cannot be loaded (${why})`);
  }
  const exported = ['handler', 'requestHandler', 'installNock'];
  if (!exported.some((k) => k in mod)) {
    // CommonJS (module.exports = { handler }) read through tsx or a bundler can arrive as `default`, once or twice.
    let inner: unknown = mod.default;
    for (let i = 0; i < 2 && inner && typeof inner === 'object'; i++) {
      if (exported.some((k) => k in (inner as object))) return inner as Record<string, unknown>;
      inner = (inner as Record<string, unknown>).default;
    }
  }
  return mod;
}

/** The endpoint a signing target sends to: --endpoint-url, else the SDK's configured endpoints (env, profile). */
function endpointOf(config: TargetConfig): string | undefined {
  return resolveEndpoint({ endpointUrl: config.endpointUrl, profile: config.profile })?.url;
}

function checkedUrl(endpointUrl: string): URL {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new TargetConfigError((name) => `${name('endpointUrl', endpointUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetConfigError((name) => `${name('endpointUrl')} must be http or https (got ${url.protocol})`);
  return url;
}

/**
 * An aws-kind target answered by a handler in this process, through an envelope: the dry run plays a run's exact
 * plan on the embedded reference this way, counting requests, and nothing reaches any network.
 */
export function envelopedHandlerTarget(region: string, envelope: SafetyEnvelope, handler: WireHandler, label: string): Target {
  const scope = awsOrigin(region);
  const sdk = new ConnectClient({
    region,
    credentials: EXAMPLE_CREDENTIALS,
    endpoint: scope,
    maxAttempts: 1,
    requestHandler: envelopeRequestHandler(envelope, { timeoutMs: 0, transport: handler, scope }),
  });
  const transport: Transport = (request) => envelope.send(request, handler, scope);
  return { ...assemble('aws', region, label, sdk, transport, new URL(scope).host, async () => {}), enforcesAuth: true, envelope };
}

export async function createTarget(spec: Spec, config: TargetConfig): Promise<Target> {
  const { region } = config;
  const timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  switch (config.kind) {
    case 'reference':
    case 'nock': {
      const fixtures = defaultFixtures();
      fixtures.region = region;
      if (!config.binding) throw new Error(`the ${config.kind} target needs the binding of the operation under test`);
      const service = createReferenceService(spec, { fixtures, binding: config.binding });
      // A variant of the reference is a handler like a user's mock: a throw or a result that is not a response is a
      // TargetFault, never a transport error.
      const handler = config.wrapHandler
        ? checkedHandler(config.wrapHandler(service.handle, service), 'the wrapped reference handler')
        : service.handle;
      const consistent = !config.wrapHandler;
      // The reference itself never waits: its answer is settled before a deadline's timer could fire (promise
      // callbacks run before timers), so only a wrapped handler gets one.
      if (config.kind === 'reference')
        return {
          ...inMemory(
            'reference',
            region,
            handler,
            fixtures.credentials,
            async () => {},
            fixtures,
            config.wrapHandler ? timeoutMs : undefined,
          ),
          consistent,
        };
      return {
        ...(await overNock('nock', region, () => installNock(handler, region), fixtures.credentials, fixtures, timeoutMs)),
        consistent,
      };
    }
    case 'module': {
      if (config.handler)
        return inMemory(
          'module',
          region,
          checkedHandler(config.handler, 'the handler'),
          EXAMPLE_CREDENTIALS,
          async () => {},
          undefined,
          timeoutMs,
        );
      if (!config.modulePath)
        throw new TargetConfigError(
          (name) => `${name('target', 'module')} needs ${name('modulePath')} (a module exporting handler, requestHandler or installNock)`,
        );
      const mod = await loadModule(config.modulePath);
      const who = `the handler of --module ${config.modulePath}`;
      if (typeof mod.handler === 'function')
        return inMemory(
          'module',
          region,
          checkedHandler(mod.handler as WireHandler, who),
          EXAMPLE_CREDENTIALS,
          async () => {},
          undefined,
          timeoutMs,
        );
      if (mod.requestHandler && typeof (mod.requestHandler as { handle?: unknown }).handle === 'function') {
        return inMemory(
          'module',
          region,
          checkedHandler(wireHandlerOf(mod.requestHandler as never), `the requestHandler of --module ${config.modulePath}`),
          EXAMPLE_CREDENTIALS,
          async () => {},
          undefined,
          timeoutMs,
        );
      }
      if (typeof mod.installNock === 'function') {
        const install = mod.installNock as (options: { region: string }) => unknown;
        return overNock(
          'module',
          region,
          async () => {
            const undo = await install({ region });
            return typeof undo === 'function' ? (undo as () => void) : () => {};
          },
          EXAMPLE_CREDENTIALS,
          undefined,
          timeoutMs,
        );
      }
      throw new TargetConfigError(
        (name) =>
          `${name('modulePath', config.modulePath!)}: exports none of handler(request), requestHandler.handle(request) or installNock({ region })`,
      );
    }
    case 'endpoint': {
      const endpointUrl = endpointOf(config);
      if (!endpointUrl)
        throw new TargetConfigError(
          (name) =>
            `${name('target', 'endpoint')} needs ${name('endpointUrl')} (or AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, or endpoint_url in the AWS profile)`,
        );
      const url = checkedUrl(endpointUrl);
      // Credentials from the standard chain (environment, --profile, SSO, container and instance roles).
      const sdk = connectClient({
        region,
        endpoint: endpointUrl,
        ...(config.profile ? { profile: config.profile } : {}),
        requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
      });
      return assemble('endpoint', region, endpointUrl, sdk, httpTransport(endpointUrl, timeoutMs), url.host, async () => sdk.destroy());
    }
    case 'aws': {
      const envelope = config.envelope;
      if (!envelope)
        throw new TargetConfigError(
          '--target aws is not available yet here: it sends only through a safety envelope (allowlist, guard, budget, rate), which connect-conformance run and cleanup build',
        );
      const endpointUrl = endpointOf(config);
      if (endpointUrl) checkedUrl(endpointUrl);
      const origin = endpointUrl ?? awsOrigin(region);
      const sdk = awsClient({ region, endpointUrl, profile: config.profile, envelope, timeoutMs });
      const scope = new URL(origin).origin;
      const transport: Transport = (request) => envelope.send(request, httpTransport(origin, timeoutMs), scope);
      const target = assemble('aws', region, origin, sdk, transport, new URL(origin).host, async () => sdk.destroy());
      return { ...target, enforcesAuth: true, envelope };
    }
    case 'client':
      return clientTarget(checkedClient(config.client), region, timeoutMs);
    case 'replay': {
      const envelope = config.envelope;
      if (!config.cassette)
        throw new TargetConfigError((name) => `${name('target', 'replay')} needs ${name('cassette')} (recorded with ${name('record')})`);
      if (!envelope) throw new TargetConfigError('--target replay answers only through its envelope: use connect-conformance run');
      let definitions;
      try {
        definitions = readCassette(config.cassette);
      } catch (e) {
        throw new TargetConfigError((e as Error).message);
      }
      const scope = definitions[0]?.scope ?? awsOrigin(region);
      const answers = cassetteTransport(definitions);
      const transport: Transport = (request) => envelope.send(request, answers.transport, scope);
      const sdk = new ConnectClient({
        region,
        credentials: EXAMPLE_CREDENTIALS,
        endpoint: scope,
        maxAttempts: 1,
        requestHandler: envelopeRequestHandler(envelope, { timeoutMs: 0, transport: answers.transport, scope }),
      });
      const target = assemble(
        'replay',
        region,
        `${config.cassette} (cassette of ${scope})`,
        sdk,
        transport,
        new URL(scope).host,
        async () => {},
      );
      return { ...target, enforcesAuth: true, envelope };
    }
  }
}
