// Variants that misbehave in time (issue 11, item 4: "real targets are slow, lagging and broken"), as data beside
// the others. TIME_CORRECT: a target whose reads lag its writes, which the suite must pass (and leave its fixtures
// exactly as they were). TIME_BROKEN: targets that lose, leak or invent writes, some of them late, or fail every
// tenth request; each names the requirement that must catch it. Both wrap the reference's handler, in process or
// behind an HTTP server (startVariantServer). SOCKET_BROKEN: faults that need a real socket — connections reset (every
// tenth, or only the run's first), a server that never answers — served by startVariantServer on 127.0.0.1 and run
// with --target endpoint.
//
// A late write is applied by a background job: `LATE.ms` after the request, or sooner once `LATE.requests` more
// requests have arrived (the job runs when work comes in). The first bound is the real-target behaviour the run's
// hold (checks/late-writes.ts) is there for; the second makes the outcome independent of the machine's speed, so
// that a run with no read-back window (the variant power tests) meets the write all the same, a few requests on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Spec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures, startHttpServer, type Fixtures, type ReferenceService } from '../api/reference.ts';
import type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';
import {
  afterUpdates,
  callOf,
  DESCRIBE,
  error,
  errorTypeOf,
  findingsOf,
  internalError,
  isObject,
  jsonOf,
  merge,
  sentIdentity,
  userOf,
  withJson,
  UPDATE,
  type IdentityInfo,
} from './kit.ts';
import { broken, correct, type Variant, type Wrap } from './variant.ts';

// ---------------------------------------------------------------- late writes

/** When a late write lands: this many ms after the request, or sooner, once this many more requests have arrived. */
export interface Lateness {
  ms: number;
  /** Infinity: only the clock applies it. */
  requests: number;
}

/** A few hundred ms late; three requests on at the latest (after the case's own read-back and other-user read). */
const LATE: Lateness = { ms: 300, requests: 3 };

/** Writes applied later: by a timer (never keeping the process alive), or when enough requests have arrived. */
class LateWrites {
  private pending: { left: number; apply: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly lateness: Lateness) {}

  /** Applies every write that is due by request count; call on each request's arrival, before handling it. */
  arrived(): void {
    const due = this.pending.filter((p) => --p.left <= 0);
    for (const p of due) this.land(p);
  }

  later(write: () => void): void {
    const entry = { left: this.lateness.requests, apply: write, timer: undefined as unknown as NodeJS.Timeout };
    entry.timer = setTimeout(() => this.land(entry), this.lateness.ms);
    entry.timer.unref();
    this.pending.push(entry);
  }

  private land(entry: { apply: () => void; timer: NodeJS.Timeout }): void {
    if (!this.pending.includes(entry as never)) return;
    clearTimeout(entry.timer);
    this.pending = this.pending.filter((p) => p !== entry);
    entry.apply();
  }
}

/** A wrap whose writes may land late: `inner` gets the queue; every request's arrival drives it. */
const withLateWrites =
  (lateness: Lateness, inner: (late: LateWrites) => Wrap): Wrap =>
  (handler, service) => {
    const late = new LateWrites(lateness);
    const wrapped = inner(late)(handler, service);
    return (request) => {
      late.arrived();
      return wrapped(request);
    };
  };

const CONSTRAINT_TYPES = ['InvalidParameterException', 'InvalidRequestException'];

// ---------------------------------------------------------------- correct: reads lag writes

/**
 * DescribeUser answers from replicas, in turn, each `lagsMs[i]` behind the writes: the identity info as it was that
 * long ago (every change of a user's identity info is kept with its time until a later one is old enough for every
 * replica to see). With one replica, reads lag and move forward; with several of different lags, a read may show an
 * older version than the read before it (reads go back in time), until every replica has caught up. Writes are
 * applied at once.
 */
export function readsFromReplicas(lagsMs: readonly number[]): Wrap {
  const oldest = Math.max(...lagsMs);
  return (handler: WireHandler, service: ReferenceService) => {
    const history = new Map<string, { at: number; info: IdentityInfo }[]>();
    let reads = 0;
    return async (request: WireRequest): Promise<WireResponse> => {
      const call = callOf(request);
      if (!call) return handler(request);
      const key = `${call.instanceId}/${call.userId}`;
      if (call.operation === UPDATE) {
        const user = userOf(service, call.instanceId, call.userId);
        const before = user && JSON.stringify(user.IdentityInfo);
        const response = await handler(request);
        const after = userOf(service, call.instanceId, call.userId);
        if (user && after && before !== JSON.stringify(after.IdentityInfo)) {
          const now = Date.now();
          const changes = history.get(key) ?? [{ at: -Infinity, info: JSON.parse(before!) as IdentityInfo }];
          changes.push({ at: now, info: structuredClone(after.IdentityInfo) });
          // Keep the newest change old enough for every replica to see, and every change after it.
          const seen = changes.findLastIndex((c) => c.at <= now - oldest);
          history.set(key, changes.slice(Math.max(0, seen)));
        }
        return response;
      }
      const response = await handler(request);
      const changes = history.get(key);
      const body = jsonOf(response);
      if (!changes || response.statusCode !== 200 || !isObject(body) || !isObject(body.User)) return response;
      const lag = lagsMs[reads++ % lagsMs.length]!;
      const visible = changes.findLast((c) => c.at <= Date.now() - lag) ?? changes[0]!;
      return withJson(response, { ...body, User: { ...body.User, IdentityInfo: structuredClone(visible.info) } });
    };
  };
}

/** DescribeUser answers from one replica `lagMs` behind the writes (reads lag, and move forward). */
export const readsLagWrites = (lagMs: number): Wrap => readsFromReplicas([lagMs]);

/** The lag of issue 11's "correct target that lags". */
export const LAG_MS = 200;

const readsLag200 = correct({
  name: 'reads-lag-writes-200ms',
  description: `DescribeUser reads a replica ${LAG_MS} ms behind the writes: every read within ${LAG_MS} ms of an update returns the identity info from before it (contract rule 11: read-back may be eventually consistent, and is polled).`,
  lagsReadBack: true,
  // Every accepted update costs the suite a few poll intervals; the lag does not depend on the type.
  identityManagementType: 'CONNECT_MANAGED',
  wrap: readsLagWrites(LAG_MS),
});

// ---------------------------------------------------------------- broken: writes lost, leaked, invented

const storesNothing = broken({
  name: 'stores-nothing',
  description:
    'Updates are validated and answered 200, but the write never reaches the store (a commit that is never made): DescribeUser keeps returning the old identity info.',
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: afterUpdates(({ response, before, user }) => {
    if (response.statusCode === 200 && user && before) user.IdentityInfo = before;
    return response;
  }),
});

/** The member the mapping forgets. */
const DROPPED = 'SecondaryEmail';

const dropsSecondaryEmail = broken({
  name: 'drops-secondary-email',
  description: `The persistence mapping forgets one member: ${DROPPED} is accepted and never stored (the stored value, if any, stays).`,
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: afterUpdates(({ response, before, user }) => {
    if (response.statusCode !== 200 || !user || !before) return response;
    const info: IdentityInfo = { ...user.IdentityInfo };
    if (DROPPED in before) info[DROPPED] = before[DROPPED];
    else delete info[DROPPED];
    user.IdentityInfo = info;
    return response;
  }),
});

/** A leak to every other user of the instance (the fixtures' second user among them), late. */
export const leaksUpdateLate = (lateness: Lateness): Wrap =>
  withLateWrites(lateness, (late) =>
    afterUpdates(({ call, response }, service) => {
      if (response.statusCode !== 200) return response;
      const sent = sentIdentity(call);
      const others = [...(service.store.instances.get(call.instanceId)?.users.values() ?? [])].filter((u) => u.Id !== call.userId);
      late.later(() => {
        for (const u of others) merge(u, sent);
      });
      return response;
    }),
  );

const leaksUpdateToOtherUserLate = broken({
  name: 'leaks-update-to-other-user-late',
  description: `A replication job keyed by instance copies each accepted update to the other users of the instance too, ${LATE.ms} ms later (after the update's own read-back): the time-dependent form of update-written-to-whole-instance.`,
  caughtBy: ['NL-OTHER-USERS-UNCHANGED'],
  suite: 'acceptance',
  wrap: leaksUpdateLate(LATE),
});

/** The valid members of a rejected update are written, late. */
export const writesRejectedLate = (lateness: Lateness): Wrap =>
  withLateWrites(lateness, (late) =>
    afterUpdates(async ({ call, response, user }, service) => {
      if (!user || response.statusCode !== 400 || !CONSTRAINT_TYPES.includes(errorTypeOf(response) ?? '')) return response;
      const invalid = new Set((await findingsOf(service, call)).map((f) => f.member));
      const valid = Object.fromEntries(
        Object.entries(sentIdentity(call)).filter(([member, value]) => typeof value === 'string' && !invalid.has(`IdentityInfo.${member}`)),
      );
      if (Object.keys(valid).length) late.later(() => merge(user, valid));
      return response;
    }),
  );

const writesOnRejectionLate = broken({
  name: 'writes-on-rejection-late',
  description: `Validation runs on the request while a write-behind queue already holds it: the valid members of a rejected update are stored ${LATE.ms} ms later (after the rejection's read-back): the time-dependent form of partial-write-on-rejection.`,
  caughtBy: ['NL-REJECTED-UNCHANGED'],
  suite: 'validation',
  wrap: writesRejectedLate(LATE),
});

/** Every this-many-th request (any operation) fails. */
const FAIL_EVERY = 10;

const everyTenthRequest500 = broken({
  name: 'every-tenth-request-500',
  description: `An overloaded back end: every ${FAIL_EVERY}th request, whatever it is, gets 500 InternalServiceException without being handled.`,
  caughtBy: ['SRV-NO-5XX'],
  suite: 'validation',
  wrap: (handler) => {
    let n = 0;
    return async (request) => (++n % FAIL_EVERY === 0 ? internalError() : handler(request));
  },
});

/** The replicas' lags of the correct target whose reads go back in time: a fresh one, the slowest, one between. */
export const REPLICA_LAGS_MS = [0, 300, 120] as const;

const staleReplicaReads = correct({
  name: 'reads-from-stale-replicas',
  description: `DescribeUser is served by three replicas in turn, ${REPLICA_LAGS_MS.join(', ')} ms behind the writes: after an update a read may show the new version and the next one the old (reads go back in time) until every replica has caught up (contract rule 11: within the read-back window any state accepted updates produced is legitimate).`,
  lagsReadBack: true,
  identityManagementType: 'CONNECT_MANAGED',
  wrap: readsFromReplicas(REPLICA_LAGS_MS),
});

// ---------------------------------------------------------------- throttling

/** A token bucket: `rate` requests a second, at most `burst` at once. */
export interface Quota {
  rate: number;
  burst: number;
}

/** The quota of the correct throttling target: far below what the suite sends in process, far above a real account's. */
const QUOTA: Quota = { rate: 50, burst: 5 };

const throttlingAnswer = (): WireResponse => error(429, 'ThrottlingException', 'Rate exceeded');

/** The access key a request is signed with ('' unsigned): the client a real service throttles. */
const clientOf = (request: WireRequest) => /Credential=([^/,\s]+)/.exec(request.headers.authorization ?? '')?.[1] ?? '';

/**
 * A token bucket per client in front of the service: a request over it is answered 429 ThrottlingException with a JSON
 * message and never reaches the service (nothing is written); the others go through to `inner` (the reference, or a
 * broken variant behind the throttle).
 */
export const throttled =
  (quota: Quota, inner?: Wrap): Wrap =>
  (handler, service) => {
    const next = inner ? inner(handler, service) : handler;
    const buckets = new Map<string, { tokens: number; at: number }>();
    return (request) => {
      const now = performance.now();
      const client = clientOf(request);
      const b = buckets.get(client) ?? { tokens: quota.burst, at: now };
      b.tokens = Math.min(quota.burst, b.tokens + ((now - b.at) * quota.rate) / 1000);
      b.at = now;
      buckets.set(client, b);
      if (b.tokens < 1) return Promise.resolve(throttlingAnswer());
      b.tokens -= 1;
      return next(request);
    };
  };

const throttlesPerClient = correct({
  name: 'throttles-per-client',
  description: `A correct service behind a token bucket per client (${QUOTA.rate} requests a second, burst ${QUOTA.burst}): a request over it gets 429 ThrottlingException with a JSON message and is not applied (contract rule 18: throttling is flow control; the suite backs off, slows down and sends again).`,
  identityManagementType: 'CONNECT_MANAGED',
  wrap: throttled(QUOTA),
});

export const TIME_CORRECT: Variant[] = [readsLag200, staleReplicaReads, throttlesPerClient];

const losesAcknowledgedUpdates = broken({
  name: 'loses-acknowledged-updates',
  description: `A failover to a replica that never got the write: an accepted update is visible for a moment (its read-back passes), then the user goes back to what it was before, ${LATE.ms} ms later, and stays there.`,
  caughtBy: ['RB-READBACK', 'NL-REJECTED-UNCHANGED'],
  // The run-wide hold sees it (every user, a whole window after the last update).
  suite: 'statefulModel',
  identityManagementType: 'CONNECT_MANAGED',
  wrap: withLateWrites(LATE, (late) =>
    afterUpdates(({ response, before, user }) => {
      if (response.statusCode === 200 && user && before) late.later(() => (user.IdentityInfo = structuredClone(before)));
      return response;
    }),
  ),
});

const storesNothingBehindThrottle = broken({
  name: 'stores-nothing-behind-a-throttle',
  description: `stores-nothing behind a token bucket per client (${QUOTA.rate} requests a second, burst ${QUOTA.burst}): throttling must not hide that accepted updates are never stored.`,
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  identityManagementType: 'CONNECT_MANAGED',
  wrap: throttled(QUOTA, storesNothing.wrap),
});

/** How many updates the limiter lets through before it starts throttling updates it has already applied. */
const APPLIED_QUOTA = 20;

const appliesThrottledUpdates = broken({
  name: 'applies-throttled-updates',
  description: `The rate limiter runs after the store: from the first update past the ${APPLIED_QUOTA}th that changes the user on, every update is applied and then answered 429 ThrottlingException, so the client's retries never get through and the write it was told did not happen stays.`,
  caughtBy: ['THR-WRITE-UNCHANGED'],
  suite: 'acceptance',
  identityManagementType: 'CONNECT_MANAGED',
  wrap: (handler, service) => {
    let updates = 0;
    let closed = false;
    return async (request) => {
      const call = callOf(request);
      if (call?.operation !== UPDATE) return handler(request);
      const before = JSON.stringify(userOf(service, call.instanceId, call.userId)?.IdentityInfo);
      const response = await handler(request);
      if (response.statusCode !== 200) return response;
      const changed = JSON.stringify(userOf(service, call.instanceId, call.userId)?.IdentityInfo) !== before;
      if (++updates > APPLIED_QUOTA && changed) closed = true;
      return closed ? throttlingAnswer() : response;
    };
  },
});

/** After this many updates, the service stops answering updates (reads still work). */
export const ANSWERED_UPDATES = 30;

/**
 * A worker pool for writes that has hung: after `answered` updates every update is read and never answered (the
 * client's request times out); DescribeUser and the other reads are still answered.
 */
export const stopsAnsweringUpdates =
  (answered: number): Wrap =>
  (handler) => {
    let updates = 0;
    return (request) =>
      callOf(request)?.operation === UPDATE && ++updates > answered ? new Promise<WireResponse>(() => {}) : handler(request);
  };

const stopsAnsweringWrites = broken({
  name: 'stops-answering-updates',
  description: `A half-dead service: after ${ANSWERED_UPDATES} updates, every UpdateUserIdentityInfo hangs (never answered) while reads are still answered. The run must end fast (the operation stops being sent after a few requests in a row without a response), with SRV-AVAILABLE failing and what it could not check an error.`,
  caughtBy: ['SRV-AVAILABLE'],
  suite: 'validation',
  identityManagementType: 'CONNECT_MANAGED',
  wrap: stopsAnsweringUpdates(ANSWERED_UPDATES),
});

/** The synchronous forms of the leak and of the write on rejection are variants/broken.ts's update-written-to-whole-instance and partial-write-on-rejection. */
export const TIME_BROKEN: Variant[] = [
  storesNothing,
  dropsSecondaryEmail,
  leaksUpdateToOtherUserLate,
  writesOnRejectionLate,
  everyTenthRequest500,
  losesAcknowledgedUpdates,
  storesNothingBehindThrottle,
  appliesThrottledUpdates,
  stopsAnsweringWrites,
];

// ---------------------------------------------------------------- faults of the socket

/**
 * What a server does to the connection: reset it on every `every`-th request; reset it on the first `count` requests
 * (of DescribeUser only, with `describeUserOnly`) and answer every later one; or never answer at all.
 */
export type SocketFault =
  | { kind: 'reset'; every: number }
  | { kind: 'reset-first'; count: number; describeUserOnly?: boolean }
  | { kind: 'silent' }
  /** The process dies when the `after`-th request arrives: that request and every later one find no server (refused). */
  | { kind: 'dies'; after: number };

/** DescribeUser on the wire, as the kit's other variants recognise it (its body is not read: a reset comes first). */
const isDescribeUser = (req: IncomingMessage) =>
  callOf({ method: req.method ?? '', path: req.url ?? '', headers: {}, body: new Uint8Array() })?.operation === DESCRIBE;

export interface SocketVariant {
  name: string;
  description: string;
  /** Requirement IDs at least one of which must fail (none: the run cannot start, exit 2). */
  caughtBy: string[];
  /** The exit code of `connect-conformance run --target endpoint` against it. */
  exitCode: 1 | 2;
  socket: SocketFault;
}

const RESET_EVERY = 10;

/** The request at which the dying server dies (within the boundary phase of a default run). */
export const DIES_AFTER = 60;

export const SOCKET_BROKEN: SocketVariant[] = [
  {
    name: 'resets-connections',
    description: `A load balancer drops connections: every ${RESET_EVERY}th request's connection is reset without a response.`,
    caughtBy: ['SRV-AVAILABLE'],
    exitCode: 1,
    socket: { kind: 'reset', every: RESET_EVERY },
  },
  {
    name: 'drops-first-connection',
    description:
      "A load balancer drops one connection, the run's very first (its preflight DescribeInstance), and answers every later request: the read is sent again, and that one request without a response is an SRV-AVAILABLE failure; every other requirement is checked and the fixtures are restored.",
    caughtBy: ['SRV-AVAILABLE'],
    exitCode: 1,
    socket: { kind: 'reset-first', count: 1 },
  },
  {
    name: 'dies-mid-run',
    description: `A server that crashes part-way through the run (at its ${DIES_AFTER}th request) and never comes back: every later request is refused. The run stops sending after a few requests in a row without a response, ends with SRV-AVAILABLE failing and what it could not check an error (never a skip), and says the fixtures could not be restored.`,
    caughtBy: ['SRV-AVAILABLE'],
    exitCode: 1,
    socket: { kind: 'dies', after: DIES_AFTER },
  },
  {
    name: 'never-answers',
    description:
      'A server that accepts connections and reads requests but never answers any (a hung worker): the run cannot start; one line, exit 2, after three attempts of its first read, each within the request timeout.',
    caughtBy: [],
    exitCode: 2,
    socket: { kind: 'silent' },
  },
];

export interface VariantServer {
  endpoint: string;
  /** The reference behind the server (its store is what the fixture users really hold). */
  service: ReferenceService;
  fixtures: Fixtures;
  /** Requests that arrived (reset and unanswered ones included). */
  arrivals(): number;
  close(): Promise<void>;
}

/**
 * The reference (with a variant's wrap, or a fault of the socket) as an HTTP server on 127.0.0.1. It counts every
 * request on arrival, so that a test or the benchmark can bound what a run sent without trusting the run.
 */
export async function startVariantServer(
  spec: Spec,
  options: { wrap?: Wrap; socket?: SocketFault; fixtures?: Fixtures } = {},
): Promise<VariantServer> {
  const fixtures = options.fixtures ?? defaultFixtures();
  const service = createReferenceService(spec, { fixtures });
  let arrivals = 0;
  if (options.socket?.kind === 'silent') {
    const sockets = new Set<Socket>();
    const server: Server = createServer((req: IncomingMessage, _res: ServerResponse) => {
      arrivals++;
      req.resume();
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      service,
      fixtures,
      arrivals: () => arrivals,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  }
  const handler = options.wrap ? options.wrap(service.handle, service) : service.handle;
  const running = await startHttpServer(handler, { maxBodyBytes: 4 * 1024 * 1024 });
  const fault = options.socket;
  let matching = 0;
  let dead = false;
  const resets = (req: IncomingMessage): boolean => {
    if (fault?.kind === 'reset') return arrivals % fault.every === 0;
    if (fault?.kind !== 'reset-first' || (fault.describeUserOnly && !isDescribeUser(req))) return false;
    return ++matching <= fault.count;
  };
  // Before the hosting's own listener: a reset request is destroyed before its body is read (it is not handled).
  running.server.prependListener('request', (req: IncomingMessage) => {
    arrivals++;
    if (fault?.kind === 'dies' && arrivals >= fault.after && !dead) {
      // The process dies: the listener closes (later connections are refused) and every open connection drops.
      dead = true;
      running.server.close();
      running.server.closeAllConnections();
    }
    if (dead || resets(req)) {
      req.destroy();
      req.socket.destroy();
    }
  });
  return {
    endpoint: running.endpoint,
    service,
    fixtures,
    arrivals: () => arrivals,
    async close() {
      running.server.closeAllConnections();
      if (!dead) await running.close();
    },
  };
}

// ---------------------------------------------------------------- what an endpoint run against these servers needs

/**
 * The reference's fixtures with both users of the first CONNECT_MANAGED instance holding every member (reserved
 * addresses, fictional numbers): a restore can put back all of them, since the API cannot clear a member the run adds.
 */
export function fullFixtures(): Fixtures {
  const fixtures = defaultFixtures();
  const managed = fixtures.instances.find((i) => i.identityManagementType === 'CONNECT_MANAGED')!;
  managed.users = managed.users.map((u, i) => ({
    ...u,
    identityInfo: { ...u.identityInfo, SecondaryEmail: `${u.username}.second@example.org`, Mobile: `+1202555010${i + 2}` },
  }));
  return fixtures;
}

/** The fixture flags of `connect-conformance run --target endpoint` against a server of these fixtures. */
export function endpointFlags(server: Pick<VariantServer, 'endpoint' | 'fixtures'>): string[] {
  return ['--target', 'endpoint', '--endpoint-url', server.endpoint, ...fixtureFlagsOf(server.fixtures)];
}

/** The fixture flags of a run on CONNECT_MANAGED fixtures: its first instance's two users, and a second instance. */
export function fixtureFlagsOf(fixtures: Fixtures): string[] {
  const managed = fixtures.instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
  return [
    '--instance-id',
    managed[0]!.id,
    '--user-id',
    managed[0]!.users[0]!.id,
    '--second-user-id',
    managed[0]!.users[1]!.id,
    '--second-instance-id',
    managed[1]!.id,
  ];
}

/** The environment of such a run: the reference's example key pair through the standard chain, nothing else. */
export function endpointEnv(base: NodeJS.ProcessEnv, fixtures: Fixtures): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    AWS_ACCESS_KEY_ID: fixtures.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fixtures.credentials.secretAccessKey,
    AWS_REGION: fixtures.region,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  };
  for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CONNECT']) delete env[k];
  return env;
}
