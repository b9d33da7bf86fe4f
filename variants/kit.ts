// What variants are built from: reading a request the way the reference routes it, answering in the restJson1
// envelope, reading and writing the reference's store, re-signing, and a few wrappers that put a bug (or an allowed
// difference) at one place of the reference's request path. Kept generic: the variants themselves say what differs.
import { randomUUID } from 'node:crypto';
import { createValidator, defaultSpec, type Finding, type RequestValidator } from '../spec/index.ts';
import type { ReferenceService } from '../targets/reference/index.ts';
import { verifySignatureNow, type SignatureChecks } from '../targets/reference/auth.ts';
import type { StoredUser } from '../targets/reference/store.ts';
import { signWireRequest } from '../targets/sign.ts';
import { text, utf8, type WireRequest, type WireResponse } from '../core/wire.ts';
import type { Wrap } from './variant.ts';

export const UPDATE = 'UpdateUserIdentityInfo';
export const DESCRIBE = 'DescribeUser';
export const ERROR_TYPE_HEADER = 'x-amzn-errortype';

export type Json = Record<string, unknown>;
export type IdentityInfo = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------- requests

/** An UpdateUserIdentityInfo or DescribeUser request, as the reference routes it. */
export interface Call {
  operation: typeof UPDATE | typeof DESCRIBE;
  instanceId: string;
  userId: string;
  /** The parsed JSON body; undefined when there is none or it is not JSON. */
  body: unknown;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return bytes.length ? JSON.parse(text(bytes)) : undefined;
  } catch {
    return undefined;
  }
}

/** The call a request makes, or undefined for other operations and paths the reference does not route. */
export function callOf(request: WireRequest): Call | undefined {
  const segments = request.path.split('?', 1)[0]!.split('/');
  const method = request.method.toUpperCase();
  const operation =
    method === 'POST' && segments.length === 5 && segments[4] === 'identity-info'
      ? UPDATE
      : method === 'GET' && segments.length === 4
        ? DESCRIBE
        : undefined;
  if (!operation || segments[1] !== 'users') return undefined;
  try {
    return {
      operation,
      instanceId: decodeURIComponent(segments[2]!),
      userId: decodeURIComponent(segments[3]!),
      body: parseJson(request.body),
    };
  } catch {
    return undefined;
  }
}

export const updateOf = (request: WireRequest): Call | undefined => {
  const call = callOf(request);
  return call?.operation === UPDATE ? call : undefined;
};

/** The identity info an update sends, JSON nulls dropped (they count as absent, OBS-NULL-MEMBER). */
export function sentIdentity(call: Call): IdentityInfo {
  const info = isObject(call.body) ? call.body.IdentityInfo : undefined;
  return isObject(info) ? Object.fromEntries(Object.entries(info).filter(([, v]) => v !== null)) : {};
}

// ---------------------------------------------------------------- responses

export function ok(): WireResponse {
  return { statusCode: 200, headers: { 'x-amzn-requestid': randomUUID(), 'content-length': '0' }, body: new Uint8Array() };
}

export function withJson(response: WireResponse, value: unknown): WireResponse {
  const body = utf8(JSON.stringify(value));
  return { ...response, headers: { ...response.headers, 'content-type': 'application/json', 'content-length': String(body.length) }, body };
}

export function error(status: number, type: string, message: string): WireResponse {
  return withJson(
    { statusCode: status, headers: { 'x-amzn-requestid': randomUUID(), [ERROR_TYPE_HEADER]: type }, body: new Uint8Array() },
    { message },
  );
}

export const jsonOf = (response: WireResponse): unknown => parseJson(response.body);
export const errorTypeOf = (response: WireResponse): string | undefined => response.headers[ERROR_TYPE_HEADER];
export const isError = (response: WireResponse) => response.statusCode >= 400;

export const withErrorType = (response: WireResponse, type: string): WireResponse => ({
  ...response,
  headers: { ...response.headers, [ERROR_TYPE_HEADER]: type },
});

export function withoutHeader(response: WireResponse, name: string): WireResponse {
  const headers = { ...response.headers };
  delete headers[name];
  return { ...response, headers };
}

export const notFound = () => error(404, 'ResourceNotFoundException', 'The specified user was not found in the instance.');
export const invalidParameter = (message: string) => error(400, 'InvalidParameterException', message);
export const internalError = () =>
  error(500, 'InternalServiceException', 'Request processing failed because of an error or failure with the service.');

// ---------------------------------------------------------------- the reference's state

export const userOf = (service: ReferenceService, instanceId: string, userId: string): StoredUser | undefined =>
  service.store.instances.get(instanceId)?.users.get(userId);

export const identityManagementTypeOf = (service: ReferenceService, instanceId: string): string | undefined =>
  service.store.instances.get(instanceId)?.IdentityManagementType;

/** Writes members into a stored user the way the reference does (merge). */
export function merge(user: StoredUser, info: IdentityInfo): void {
  user.IdentityInfo = { ...user.IdentityInfo, ...info };
  user.LastModifiedTime = Math.floor(Date.now() / 1000);
}

// ---------------------------------------------------------------- validation and authentication

let validator: Promise<RequestValidator> | undefined;
const specValidator = () => (validator ??= defaultSpec().then(createValidator));

/** What the spec's validator (the reference's own rules) finds wrong with an update, for the instance it names. */
export async function findingsOf(service: ReferenceService, call: Call, body: unknown = call.body): Promise<Finding[]> {
  const labels = { InstanceId: call.instanceId, UserId: call.userId };
  const verdict = (await specValidator()).validate(UPDATE, { labels, body }, identityManagementTypeOf(service, call.instanceId));
  return [...verdict.violations, ...verdict.ambiguities];
}

/** A string's length in the spec's unit (code points). */
export const lengthOf = async (value: string): Promise<number> => (await specValidator()).lengthOf(value);

/** The reference's own verdict on a signature: its key, region, service and validity window. */
export const isAuthentic = async (service: ReferenceService, request: WireRequest) => service.verify(request).ok;

const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'];

/** The request signed anew with the reference's own credentials (what a proxy that trusts its callers would do). */
export function resign(service: ReferenceService, request: WireRequest): Promise<WireRequest> {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !SIGNATURE_HEADERS.includes(k)));
  const host = headers.host ?? `connect.${service.fixtures.region}.amazonaws.com`;
  return signWireRequest({ ...request, headers }, { credentials: service.fixtures.credentials, region: service.fixtures.region, host });
}

/** The reference's verdict with some of its signature checks replaced (a window of another width, any region...). */
export const verifiedWith = (service: ReferenceService, request: WireRequest, checks: SignatureChecks) =>
  verifySignatureNow(request, [service.fixtures.credentials], { ...service.signatureChecks, ...checks });

/** A verifier with a window of `maxSkewMs` where the reference's is wider: what it refuses is 403, as AWS words it. */
export const signatureWindowOf =
  (maxSkewMs: number): Wrap =>
  (handler, service) =>
  async (request) => {
    const verdict = verifiedWith(service, request, { maxSkewMs });
    return service.verify(request).ok && !verdict.ok ? error(403, 'InvalidSignatureException', verdict.message) : handler(request);
  };

// ---------------------------------------------------------------- wrappers

/** Every response rewritten (the request is there to tell operations apart). */
export const mapResponses =
  (rewrite: (response: WireResponse, request: WireRequest) => WireResponse | Promise<WireResponse>): Wrap =>
  (handler) =>
  async (request) =>
    rewrite(await handler(request), request);

/**
 * Authenticated updates answered by the variant before the reference sees them (`undefined`: let the reference
 * answer). Unauthenticated requests always reach the reference, so that authentication still comes first.
 */
export const interceptUpdates =
  (answer: (call: Call, service: ReferenceService) => Promise<WireResponse | undefined>): Wrap =>
  (handler, service) =>
  async (request) => {
    const call = updateOf(request);
    if (call && (await isAuthentic(service, request))) {
      const response = await answer(call, service);
      if (response) return response;
    }
    return handler(request);
  };

/** What the reference answered to an update, and the identity info the named user had before it. */
export interface Answered {
  call: Call;
  response: WireResponse;
  /** A copy of the user's identity info before the request; undefined when the user does not exist. */
  before?: IdentityInfo;
  user?: StoredUser;
}

/** Updates answered by the reference, then post-processed by the variant (other requests pass through). */
export const afterUpdates =
  (rewrite: (answered: Answered, service: ReferenceService) => WireResponse | Promise<WireResponse>): Wrap =>
  (handler, service) =>
  async (request) => {
    const call = updateOf(request);
    if (!call) return handler(request);
    const user = userOf(service, call.instanceId, call.userId);
    const before = user ? structuredClone(user.IdentityInfo) : undefined;
    const response = await handler(request);
    return rewrite({ call, response, before, user }, service);
  };

/**
 * The reference's validation with some findings ignored: an update the reference rejected (400) only for findings
 * that `ignored` picks is applied as a valid one (404 when the user does not exist).
 */
export const acceptDespite = (ignored: (finding: Finding, call: Call, service: ReferenceService) => boolean | Promise<boolean>): Wrap =>
  afterUpdates(async ({ call, response, user }, service) => {
    if (response.statusCode !== 400 || call.body === undefined) return response;
    const findings = await findingsOf(service, call);
    if (!findings.length) return response;
    for (const finding of findings) if (!(await ignored(finding, call, service))) return response;
    if (!user) return notFound();
    merge(user, sentIdentity(call));
    return ok();
  });

/** Updates the reference would accept (no finding at all) whose identity info `rejects` picks get a 400. */
export const rejectValid = (
  rejects: (info: IdentityInfo, call: Call, service: ReferenceService) => boolean | Promise<boolean>,
  message: string,
): Wrap =>
  interceptUpdates(async (call, service) => {
    if (call.body === undefined || (await findingsOf(service, call)).length) return undefined;
    return (await rejects(sentIdentity(call), call, service)) ? invalidParameter(message) : undefined;
  });
