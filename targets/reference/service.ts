// The reference implementation: a pure request handler for the five operations, as the contract describes them.
// Routes, validation and error types are read from the spec; the store holds the state. Order of a request:
// body cap, authentication, routing, content type, JSON, validation, existence, then the operation.
import { randomUUID } from 'node:crypto';
import { createValidator, type Finding, type OperationSpec, type Spec } from '../../spec/index.ts';
import { text, utf8, type WireRequest, type WireResponse } from '../../core/wire.ts';
import type { Credentials } from '../raw-channel.ts';
import { verifySignatureNow, type AuthResult, type SignatureChecks } from './auth.ts';
import type { Fixtures } from './fixtures.ts';
import { Store, type StoredInstance } from './store.ts';

export interface ReferenceOptions {
  fixtures: Fixtures;
  /** Verify SigV4 signatures (default true). */
  auth?: boolean;
  /** Largest body accepted, in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** The reference's clock, in ms since the epoch (default Date.now): X-Amz-Date is judged against it. */
  now?: () => number;
}

export interface ReferenceService {
  handle(request: WireRequest): Promise<WireResponse>;
  /** The reference's own SigV4 verdict on a request (its key, region, service and window), whether or not it verifies. */
  verify(request: WireRequest): AuthResult;
  /** What a signature must be for: fixtures.region, the spec's signing name, the window's refused bound, the clock. */
  readonly signatureChecks: Required<SignatureChecks>;
  readonly store: Store;
  readonly fixtures: Fixtures;
}

interface Route {
  op: OperationSpec;
  pattern: RegExp;
}

interface Call {
  op: OperationSpec;
  labels: Record<string, string>;
  body: unknown;
  instance?: StoredInstance;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Findings of these keywords arise while reading the input (the protocol's deserialization), not from a constraint. */
const DESERIALIZATION_KEYWORDS = new Set(['json', 'type']);

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * An answer the reference gives (a 4xx, or a 500 it means), not a fault of its own: caught in `handle` and turned into
 * a response, its stack never read. So none is captured: under the SDK's middleware and the hosting's async frames,
 * capturing one cost several times as much as the rest of a rejection (docs/bench.md).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.status = status;
    this.type = type;
  }
}

export function createReferenceService(spec: Spec, options: ReferenceOptions): ReferenceService {
  const validator = createValidator(spec);
  const store = new Store(options.fixtures);
  const credentials: Credentials[] = [options.fixtures.credentials];
  const auth = options.auth ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const p = spec.protocol;
  // A signature scoped to another region or service, or dated outside the window, is a wrong one (AUTH-WRONG-SCOPE,
  // AUTH-STALE-SIGNATURE).
  const signatureChecks: Required<SignatureChecks> = {
    region: options.fixtures.region,
    service: spec.model.signingName,
    maxSkewMs: p.signatureWindow.refusedBeyondMinutes * 60_000,
    now: options.now ?? Date.now,
  };
  const verify = (request: WireRequest) => verifySignatureNow(request, credentials, signatureChecks);
  const routes: Route[] = Object.values(spec.operations).map((op) => ({
    op,
    pattern: new RegExp(`^${op.pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]*)')}$`),
  }));
  const errorStatus = (type: string) => spec.errors[type]?.status ?? 400;
  const fail = (type: string, message: string) => new HttpError(errorStatus(type), type, message);
  /** The error an operation declares for a status (the first, where it declares several). */
  const declared = (op: OperationSpec, status: number, message: string) => {
    const type = op.errors.find((e) => e.status === status)?.type;
    if (!type) throw new Error(`the spec declares no ${status} error for ${op.name}`);
    return new HttpError(status, type, message);
  };
  const internalError = () => {
    const e = spec.operation.errors.find((x) => x.fault === 'server');
    return new HttpError(e?.status ?? 500, e?.type ?? 'InternalFailure', 'Request processing failed because of an error or failure with the service.');
  };
  const nullIsAbsent = (v: unknown): Json => (isObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => !(p.nullIsAbsent && x === null))) : {});
  // Members the model does not define are ignored, as AWS front ends ignore them (OBS-UNKNOWN-MEMBER): never stored.
  const modelled = new Set(spec.members.map((m) => m.name));
  const identityOf = (v: unknown): Json => {
    // nullIsAbsent, then the modelled members only (their names are plain, so assigning them is defining them).
    const out: Json = {};
    if (!isObject(v)) return out;
    for (const k of Object.keys(v)) if (modelled.has(k) && !(p.nullIsAbsent && v[k] === null)) out[k] = v[k];
    return out;
  };

  const respond = (status: number, body?: unknown): WireResponse => {
    if (body === undefined) return { statusCode: status, headers: { 'x-amzn-requestid': randomUUID(), 'content-length': '0' }, body: new Uint8Array() };
    const bytes = utf8(JSON.stringify(body));
    return { statusCode: status, headers: { 'x-amzn-requestid': randomUUID(), 'content-type': 'application/json', 'content-length': String(bytes.length) }, body: bytes };
  };
  const errorResponse = (e: HttpError): WireResponse => {
    const r = respond(e.status, { message: e.message });
    r.headers[p.errorTypeHeader.toLowerCase()] = e.type;
    return r;
  };

  const route = (request: WireRequest): { op: OperationSpec; labels: Record<string, string> } => {
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
    throw fail(p.unknownOperationError.type, pathMatched ? `No operation answers ${request.method} on this path.` : 'No operation matches the request path.');
  };

  const readBody = (request: WireRequest, op: OperationSpec): unknown => {
    if (!op.bodySchema) return undefined;
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      throw fail(p.unsupportedMediaTypeError.type, 'The request body must be application/json.');
    }
    const parsed = validator.parseBody(text(request.body));
    if (!parsed.ok) throw fail(p.deserializationError.type, parsed.finding.message);
    return parsed.value;
  };

  const reject = (op: OperationSpec, findings: Finding[]): HttpError => {
    const deserialization = findings.find((f) => DESERIALIZATION_KEYWORDS.has(f.keyword));
    if (deserialization) return fail(p.deserializationError.type, deserialization.message);
    const constraints = findings.map((f) => f.message.replace(/^1 validation error detected: /, ''));
    const count = constraints.length === 1 ? '1 validation error detected' : `${constraints.length} validation errors detected`;
    return declared(op, 400, `${count}: ${constraints.join('; ')}`);
  };

  const instanceOf = (labels: Record<string, string>) => store.instances.get(labels.InstanceId ?? '');
  const instanceOrNotFound = (call: Call) => {
    if (!call.instance) throw declared(call.op, 404, 'The specified instance was not found.');
    return call.instance;
  };
  const userOf = (call: Call) => {
    const user = instanceOrNotFound(call).users.get(call.labels.UserId ?? '');
    if (!user) throw declared(call.op, 404, 'The specified user was not found in the instance.');
    return user;
  };

  const operations: Record<string, (call: Call) => WireResponse> = {
    UpdateUserIdentityInfo(call) {
      const user = userOf(call);
      const info = identityOf((call.body as Json).IdentityInfo);
      user.IdentityInfo = { ...user.IdentityInfo, ...info };
      user.LastModifiedTime = Math.floor(Date.now() / 1000);
      return respond(200);
    },
    DescribeUser(call) {
      const { Id, Arn, Username, IdentityInfo, PhoneConfig, SecurityProfileIds, RoutingProfileId, Tags, LastModifiedTime, LastModifiedRegion } = userOf(call);
      return respond(200, { User: { Id, Arn, Username, IdentityInfo, PhoneConfig, SecurityProfileIds, RoutingProfileId, Tags, LastModifiedTime, LastModifiedRegion } });
    },
    DeleteUser(call) {
      const user = userOf(call);
      call.instance!.users.delete(user.Id);
      return respond(200);
    },
    CreateUser(call) {
      const instance = instanceOrNotFound(call);
      const body = nullIsAbsent(call.body);
      const username = String(body.Username);
      for (const u of instance.users.values()) {
        if (u.Username === username) throw declared(call.op, 409, 'A user with this username already exists in the instance.');
      }
      const user = store.addUser(instance, {
        Username: username,
        IdentityInfo: identityOf(body.IdentityInfo),
        SecurityProfileIds: body.SecurityProfileIds as string[],
        RoutingProfileId: String(body.RoutingProfileId),
        PhoneConfig: isObject(body.PhoneConfig) ? body.PhoneConfig : undefined,
        Tags: isObject(body.Tags) ? (body.Tags as Record<string, string>) : undefined,
      });
      return respond(200, { UserId: user.Id, UserArn: user.Arn });
    },
    DescribeInstance(call) {
      const { Id, Arn, IdentityManagementType, InstanceAlias, InstanceStatus, CreatedTime } = instanceOrNotFound(call);
      return respond(200, { Instance: { Id, Arn, IdentityManagementType, InstanceAlias, InstanceStatus, CreatedTime } });
    },
  };
  for (const name of Object.keys(spec.operations)) {
    if (!operations[name]) throw new Error(`the reference implements no operation ${name}, which the spec declares`);
  }

  // Nothing in a request's handling waits, so it runs synchronously; `handle` below is the asynchronous interface.
  const handle = (request: WireRequest): WireResponse => {
    if (request.body.length > maxBodyBytes) {
      throw fail(p.requestTooLargeError.type, `The request body is larger than ${maxBodyBytes} bytes.`);
    }
    if (auth) {
      const verdict = verify(request);
      if (!verdict.ok) throw new HttpError(p.authenticationErrors.status, p.authenticationErrors[verdict.reason], verdict.message);
    }
    const { op, labels } = route(request);
    const body = readBody(request, op);
    const instance = instanceOf(labels);
    const verdict = validator.validate(op.name, { labels, body }, instance?.IdentityManagementType);
    const findings = [...verdict.violations, ...verdict.ambiguities];
    if (findings.length) throw reject(op, findings);
    return operations[op.name]!({ op, labels, body, instance });
  };

  return {
    store,
    verify,
    signatureChecks,
    fixtures: options.fixtures,
    async handle(request) {
      try {
        return handle(request);
      } catch (e) {
        if (e instanceof HttpError) return errorResponse(e);
        return errorResponse(internalError());
      }
    },
  };
}
