// The paths a generated case can take, each opened for one throughput group (throughput.ts) and closed after it.
//
// The floor and the three target paths (results.json `paths`):
//   floor      the SDK (maxAttempts 1) with an in-memory requestHandler answering a canned 200: no reference at all
//   reference  the embedded reference as the suites use it: createTarget({ kind: 'reference' }) and target.send
//   nock       the reference behind nock 15 on https://connect.<region>.amazonaws.com (kind 'nock')
//   serve      the reference's HTTP server on 127.0.0.1 (startHttpServer) and an 'endpoint' target pointed at it
//
// and a second floor, for the serve path:
//   loopback   the SDK (maxAttempts 1, its default Node HTTP handler) against a trivial HTTP server on 127.0.0.1 that
//              reads the body and answers the floor's canned 200: the SDK's own cost over loopback, no reference
//
// Diagnostic paths, which split the gap between the floor and the reference path into its parts:
//   observed   the floor's canned 200, sent through observeCommand (the SDK channel's observer middleware)
//   replayed   observeCommand again, but the handler answers each case with the response the reference gave it
//              (recorded once, untimed): the SDK's cost of reading 4xx errors instead of an empty 200
//   handler    the reference's handler alone on the signed wire requests the SDK produced (recorded likewise)
//   unverified the reference path exactly, but the reference built with SigV4 verification off: the reference path
//              minus this one is what verification costs in the path
//
// nock is never open beside the loopback paths (serve, loopback): while nock is active it patches Node's http module
// globally, which would slow them; closing the nock target restores the globals.
import { DEFAULT_BINDING } from '../operations/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateUserIdentityInfoCommand, type UpdateUserIdentityInfoCommandInput } from '@aws-sdk/client-connect';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { Spec } from '../spec/index.ts';
import { createTarget } from '../targets/index.ts';
import { createReferenceService, defaultFixtures, EXAMPLE_CREDENTIALS, inMemoryRequestHandler, startHttpServer } from '../api/reference.ts';
import { wireRequestOf } from '../targets/reference/index.ts';
import { connectClient, observeCommand } from '../targets/sdk-channel.ts';
import type { WireRequest, WireResponse } from '../core/wire.ts';

const REGION = 'us-east-1';

export const TARGET_PATHS = ['reference', 'nock', 'serve'] as const;
export const DIAGNOSTIC_PATHS = ['observed', 'replayed', 'handler'] as const;
export type PathName = 'floor' | 'loopback' | 'unverified' | (typeof TARGET_PATHS)[number] | (typeof DIAGNOSTIC_PATHS)[number];

export type Input = UpdateUserIdentityInfoCommandInput;

export interface OpenPath {
  name: PathName;
  /** Sends one case; resolves when the SDK has its outcome (a rejection is an outcome, not an error). */
  send(input: Input): Promise<void>;
  close(): Promise<void>;
}

/** What the reference did with each case: the signed request the SDK produced and the response it got. */
type Recording = Map<Input, { request: WireRequest; response: WireResponse }>;

export interface PathContext {
  spec: Spec;
  inputs: Input[];
  /** Recorded once, on first use, against a fresh reference. */
  recording(): Promise<Recording>;
}

const command = (input: Input) => new UpdateUserIdentityInfoCommand(input);

const referenceService = (spec: Spec, options: { auth?: boolean } = {}) => {
  const fixtures = defaultFixtures();
  fixtures.region = REGION;
  return createReferenceService(spec, { fixtures, ...options });
};

/** The headers of a canned 200 for UpdateUserIdentityInfo: empty body, a request id. */
const CANNED_HEADERS = { 'x-amzn-requestid': 'bench-floor', 'content-length': '0' } as const;
/** A canned 200 for UpdateUserIdentityInfo: empty body, a request id. */
const canned = () => new HttpResponse({ statusCode: 200, headers: { ...CANNED_HEADERS }, body: new Uint8Array() });

const httpResponse = (r: WireResponse) => new HttpResponse({ statusCode: r.statusCode, headers: { ...r.headers }, body: r.body });

/** An SDK client whose requestHandler answers with `respond` (maxAttempts 1, the reference's example key pair). */
const clientAnswering = (respond: (request: HttpRequest) => Promise<HttpResponse>) =>
  connectClient({
    region: REGION,
    credentials: EXAMPLE_CREDENTIALS,
    requestHandler: { handle: async (request: HttpRequest) => ({ response: await respond(request) }) },
  });

export function openFloor(): OpenPath {
  const client = clientAnswering(async () => canned());
  return {
    name: 'floor',
    async send(input) {
      await client.send(command(input)).catch(() => undefined);
    },
    close: async () => client.destroy(),
  };
}

/**
 * The loopback floor: a trivial HTTP server on 127.0.0.1 (it reads the request to its end and answers the canned 200)
 * and the SDK pointed at it, as the serve path's endpoint target is (default Node HTTP handler, keep-alive), but with
 * the example key pair given directly and no observer: what HTTP over loopback costs the SDK, with no reference.
 */
export async function openLoopbackFloor(): Promise<OpenPath> {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, CANNED_HEADERS);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = connectClient({ region: REGION, credentials: EXAMPLE_CREDENTIALS, endpoint });
  return {
    name: 'loopback',
    async send(input) {
      // The canned 200 is the SDK's success; anything else (a transport failure) is a bench bug.
      await client.send(command(input));
    },
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function openObserved(): OpenPath {
  const client = clientAnswering(async () => canned());
  return {
    name: 'observed',
    send: async (input) => void (await observeCommand(client, command(input) as never)),
    close: async () => client.destroy(),
  };
}

async function openReplayed(ctx: PathContext): Promise<OpenPath> {
  const recording = await ctx.recording();
  let current: WireResponse | undefined;
  const client = clientAnswering(async () => httpResponse(current!));
  return {
    name: 'replayed',
    async send(input) {
      current = recording.get(input)!.response;
      await observeCommand(client, command(input) as never);
    },
    close: async () => client.destroy(),
  };
}

async function openHandler(ctx: PathContext): Promise<OpenPath> {
  const recording = await ctx.recording();
  const service = referenceService(ctx.spec);
  return {
    name: 'handler',
    send: async (input) => void (await service.handle(recording.get(input)!.request)),
    close: async () => {},
  };
}

/** Sends every input once through the SDK into a fresh reference and keeps each signed request and its response. */
async function record(spec: Spec, inputs: Input[]): Promise<Recording> {
  const service = referenceService(spec);
  const recording: Recording = new Map();
  let last: { request: WireRequest; response: WireResponse } | undefined;
  const client = clientAnswering(async (request) => {
    const wire = wireRequestOf(request);
    last = { request: wire, response: await service.handle(wire) };
    return httpResponse(last.response);
  });
  for (const input of inputs) {
    last = undefined;
    await client.send(command(input)).catch(() => undefined);
    if (!last) throw new Error('the SDK sent nothing for a case (it failed before its request handler)');
    recording.set(input, last);
  }
  client.destroy();
  return recording;
}

async function openTarget(
  name: PathName,
  spec: Spec,
  config: Parameters<typeof createTarget>[1],
  after: () => Promise<void> = async () => {},
): Promise<OpenPath> {
  const target = await createTarget(spec, config);
  return {
    name,
    async send(input) {
      // target.send observes the exchange and never throws for an HTTP outcome; a transport failure is a bench bug.
      const obs = await target.send(command(input));
      if (!obs.response) throw new Error(`${name}: no response (${obs.transportError ?? 'unknown'})`);
    },
    async close() {
      await target.close();
      await after();
    },
  };
}

/**
 * The 'endpoint' target takes its credentials from the default provider chain: the bench process sets the
 * environment to the reference's example key pair (AWS's documentation pair, no one's) before it opens this path.
 */
export function useExampleCredentials(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ACCESS_KEY_ID = EXAMPLE_CREDENTIALS.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = EXAMPLE_CREDENTIALS.secretAccessKey;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
}

async function openServe(spec: Spec): Promise<OpenPath> {
  const server = await startHttpServer(referenceService(spec).handle, { maxBodyBytes: 1024 * 1024 });
  const stop = async () => {
    server.server.closeAllConnections();
    await server.close();
  };
  try {
    return await openTarget('serve', spec, { kind: 'endpoint', region: REGION, endpointUrl: server.endpoint }, stop);
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * What the reference target is (createTarget's in-memory hosting: the SDK with the reference as its requestHandler,
 * every call through observeCommand, the fixtures' key pair), with a reference built with verification off. Built
 * here rather than through wrapHandler, which adds the handler-contract check the reference path does not have.
 */
function openUnverified(spec: Spec): OpenPath {
  const service = referenceService(spec, { auth: false });
  const client = connectClient({
    region: REGION,
    credentials: service.fixtures.credentials,
    requestHandler: inMemoryRequestHandler(service.handle),
  });
  return {
    name: 'unverified',
    async send(input) {
      const obs = await observeCommand(client, command(input) as never);
      if (!obs.response) throw new Error(`unverified: no response (${obs.transportError ?? 'unknown'})`);
    },
    close: async () => client.destroy(),
  };
}

export async function openPath(name: PathName, ctx: PathContext): Promise<OpenPath> {
  switch (name) {
    case 'floor':
      return openFloor();
    case 'loopback':
      return openLoopbackFloor();
    case 'reference':
      return openTarget('reference', ctx.spec, { kind: 'reference', region: REGION, binding: DEFAULT_BINDING });
    case 'unverified':
      return openUnverified(ctx.spec);
    case 'nock':
      return openTarget('nock', ctx.spec, { kind: 'nock', region: REGION, binding: DEFAULT_BINDING });
    case 'serve':
      return openServe(ctx.spec);
    case 'observed':
      return openObserved();
    case 'replayed':
      return openReplayed(ctx);
    case 'handler':
      return openHandler(ctx);
  }
}

/** A path context over these inputs, recording lazily and once. */
export function pathContext(spec: Spec, inputs: Input[]): PathContext {
  let recording: Promise<Recording> | undefined;
  return { spec, inputs, recording: () => (recording ??= record(spec, inputs)) };
}
