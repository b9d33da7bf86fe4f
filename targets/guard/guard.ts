// The guard of the aws target: every outgoing request, from either channel, signed or not, is inspected here before
// it may be sent, and refused locally (SendStopped 'refused'; nothing leaves the process) unless:
//
//   1. it is one of the five operations the suite uses: the operation under test (its binding's route), and
//      DescribeInstance, DescribeUser, CreateUser, DeleteUser (anything else is refused);
//   2. every UUID its labels hold (ids.ts: percent-decoded, ARNs included) is an allowlisted instance (instance
//      label) or a user the run owns (user label): the fixture users given by flags, and the users this run created
//      (learnt from CreateUser's answer). A label that holds no UUID names nothing that can exist, and passes;
//   3. the operation under test names, in its user label, owned users or nothing; its body breaks neither rule of
//      generators/safe-values.ts (every `@` followed by a reserved domain, every 7-15 digit run fictional); and every
//      owned user it names is already in the run's journal (snapshot or creation), so that a crash can be undone (a
//      label injection such as `<user>%2F..%2F<second user>` names two, and a server that decodes labels before
//      routing would write to the second);
//   4. CreateUser names an allowlisted instance exactly, a Username with the prefix `conformance-`, the tag
//      conformance=true, values of the operation's member that break neither rule, and is already in the journal as
//      about to be created;
//   5. DeleteUser names an allowlisted instance exactly and a user this run created (never a fixture user).
import { routePattern, type OperationBinding } from '../../core/binding.ts';
import { bodyProblems } from '../../core/safe-values.ts';
import { SendStopped } from '../stop.ts';
import { text, type WireRequest } from '../../core/wire.ts';
import { decodeLenient, uuidsIn, uuidsInLabel } from './ids.ts';

export const USERNAME_PREFIX = 'conformance-';
export const OWNER_TAG = { key: 'conformance', value: 'true' } as const;

export interface JournalCoverage {
  /** The user's snapshot or creation is in the journal. */
  covers(userId: string): boolean;
  /** The journal says this username is about to be created. */
  coversCreate(username: string): boolean;
}

export interface GuardOptions {
  allowInstances: readonly string[];
  /** Users given by flags: the run may update and read them, never delete them. */
  fixtureUsers: readonly string[];
  /** The endpoint's path prefix, if any (an --endpoint-url with a path). */
  basePath?: string;
  /** When set, writes to owned users must be journaled first. */
  journal?: JournalCoverage;
  /** The operation under test: its route is the one write the guard lets through to owned users. */
  binding: Pick<OperationBinding, 'name' | 'member' | 'route'>;
}

/** The operations the guard knows: the operation under test (`under-test`) and the siblings the suite sends. */
type Operation = 'under-test' | 'DescribeInstance' | 'DescribeUser' | 'CreateUser' | 'DeleteUser';

interface Route {
  op: Operation;
  instance: string;
  user?: string;
}

type RouteRule = { op: Operation; method: string; pattern: RegExp };

const SIBLING_ROUTES: RouteRule[] = [
  { op: 'DescribeUser', method: 'GET', pattern: /^\/users\/([^/]*)\/([^/]*)$/ },
  { op: 'DeleteUser', method: 'DELETE', pattern: /^\/users\/([^/]*)\/([^/]*)$/ },
  { op: 'CreateUser', method: 'PUT', pattern: /^\/users\/([^/]*)$/ },
  { op: 'DescribeInstance', method: 'GET', pattern: /^\/instance\/([^/]*)$/ },
];

export class Guard {
  private readonly allowed = new Set<string>();
  private readonly allowedUuids = new Set<string>();
  private readonly fixtures = new Set<string>();
  private readonly created = new Set<string>();
  private readonly ownedUuids = new Set<string>();
  /** Every refusal, for the report. */
  readonly refusals: string[] = [];
  private readonly routes: RouteRule[];

  constructor(private readonly options: GuardOptions) {
    // The operation under test's labels are InstanceId and UserId, in that order (the user operations' route).
    this.routes = [
      { op: 'under-test', method: options.binding.route.method.toUpperCase(), pattern: routePattern(options.binding.route.path) },
      ...SIBLING_ROUTES,
    ];
    for (const id of options.allowInstances) {
      this.allowed.add(id);
      for (const u of uuidsIn(id)) this.allowedUuids.add(u);
    }
    for (const id of options.fixtureUsers) this.ownUser(id, this.fixtures);
  }

  get allowInstances(): string[] {
    return [...this.allowed];
  }

  /** A user this run created (learnt from CreateUser's answer): it may be updated, read and deleted. */
  addCreated(userId: string): void {
    this.ownUser(userId, this.created);
  }

  /** True when a UUID (normalised: lower case, no dashes) is an allowlisted instance or an owned user. */
  knows(uuid: string): boolean {
    return this.allowedUuids.has(uuid) || this.ownedUuids.has(uuid);
  }

  isCreated(userId: string): boolean {
    return this.created.has(userId);
  }

  private ownUser(id: string, set: Set<string>): void {
    set.add(id);
    for (const u of uuidsIn(id)) this.ownedUuids.add(u);
  }

  private refuse(request: WireRequest, why: string): never {
    const message = `the guard refused ${request.method} ${request.path.slice(0, 160)}: ${why}`;
    this.refusals.push(message);
    throw new SendStopped('refused', message);
  }

  private route(request: WireRequest): Route | undefined {
    let path = request.path.split('?', 1)[0]!;
    const base = (this.options.basePath ?? '').replace(/\/$/, '');
    if (base && path.startsWith(base)) path = path.slice(base.length);
    const method = request.method.toUpperCase();
    for (const r of this.routes) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) return { op: r.op, instance: m[1]!, user: m[2] };
    }
    return undefined;
  }

  /** The operation a request is, by name, when it is one the guard knows. */
  operation(request: WireRequest): string | undefined {
    const op = this.route(request)?.op;
    return op === 'under-test' ? this.options.binding.name : op;
  }

  /** Throws SendStopped('refused') unless the request may be sent. */
  check(request: WireRequest): void {
    const route = this.route(request);
    if (!route)
      return this.refuse(
        request,
        `it is none of the operations the suite sends (DescribeInstance, DescribeUser, ${this.options.binding.name}, CreateUser, DeleteUser)`,
      );
    const instanceUuids = uuidsInLabel(route.instance);
    const strangeInstance = instanceUuids.find((u) => !this.allowedUuids.has(u));
    if (strangeInstance)
      return this.refuse(request, `its InstanceId holds ${strangeInstance}, which is not an allowlisted instance (--allow-instance)`);
    const userUuids = route.user === undefined ? [] : uuidsInLabel(route.user);
    const strangeUser = userUuids.find((u) => !this.ownedUuids.has(u) && !this.allowedUuids.has(u));
    if (strangeUser)
      return this.refuse(request, `its UserId holds ${strangeUser}, which is not a user this run owns (a fixture user, or one it created)`);
    const instance = decodeLenient(route.instance);
    const user = route.user === undefined ? undefined : decodeLenient(route.user);
    switch (route.op) {
      case 'DescribeInstance':
      case 'DescribeUser':
        return;
      case 'under-test': {
        const problems = bodyProblems(text(request.body));
        if (problems.length) return this.refuse(request, `its body holds ${problems.join('; ')}`);
        const named = [...this.fixtures, ...this.created].filter((id) => userUuids.some((u) => uuidsIn(id).includes(u)) || id === user);
        const unjournaled = this.options.journal ? named.find((id) => !this.options.journal!.covers(id)) : undefined;
        if (unjournaled)
          return this.refuse(
            request,
            `user ${unjournaled} is not in the run's journal yet (a snapshot or a creation is recorded before the first write)`,
          );
        return;
      }
      case 'CreateUser': {
        if (!this.allowed.has(instance))
          return this.refuse(request, `CreateUser must name an allowlisted instance exactly (got ${instance})`);
        let body: { Username?: unknown; Tags?: Record<string, unknown> } & Record<string, unknown>;
        try {
          body = JSON.parse(text(request.body)) as typeof body;
        } catch {
          return this.refuse(request, 'a CreateUser body that is not JSON');
        }
        if (typeof body.Username !== 'string' || !body.Username.startsWith(USERNAME_PREFIX))
          return this.refuse(request, `CreateUser needs a Username starting ${USERNAME_PREFIX}`);
        if (body.Tags?.[OWNER_TAG.key] !== OWNER_TAG.value)
          return this.refuse(request, `CreateUser needs the tag ${OWNER_TAG.key}=${OWNER_TAG.value}`);
        const problems = bodyProblems(JSON.stringify(body[this.options.binding.member] ?? {}));
        if (problems.length) return this.refuse(request, `its ${this.options.binding.member} holds ${problems.join('; ')}`);
        if (this.options.journal && !this.options.journal.coversCreate(body.Username))
          return this.refuse(request, `user ${body.Username} is not in the run's journal as about to be created`);
        return;
      }
      case 'DeleteUser':
        if (!this.allowed.has(instance))
          return this.refuse(request, `DeleteUser must name an allowlisted instance exactly (got ${instance})`);
        if (user === undefined || !this.created.has(user))
          return this.refuse(request, `DeleteUser may only delete a user this run created (got ${user})`);
        return;
    }
  }
}
