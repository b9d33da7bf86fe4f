// Correct-but-different variants of the reference: each differs from it in one way the contract allows. The suite
// must pass every one of them: no failing MUST, and no failing SHOULD except those it declares.
import type { WireHandler } from '../core/wire.ts';
import {
  afterUpdates,
  callOf,
  errorTypeOf,
  ERROR_TYPE_HEADER,
  identityManagementTypeOf,
  interceptUpdates,
  invalidParameter,
  isError,
  isObject,
  jsonOf,
  mapResponses,
  resign,
  sentIdentity,
  signatureWindowOf,
  updateOf,
  userOf,
  withJson,
  withErrorType,
  withoutHeader,
  UPDATE,
  type IdentityInfo,
} from './kit.ts';
import { correct, type Variant, type Wrap } from './variant.ts';

const invalidRequestForConstraints = correct({
  name: 'invalid-request-for-constraints',
  description:
    'Constraint violations are answered 400 InvalidRequestException instead of InvalidParameterException (docs/contract.md B7: either is conformant).',
  wrap: mapResponses((response, request) =>
    updateOf(request) && errorTypeOf(response) === 'InvalidParameterException'
      ? withErrorType(response, 'InvalidRequestException')
      : response,
  ),
});

const emptyObjectSuccessBody = correct({
  name: 'empty-object-success-body',
  description: 'A successful update answers 200 with the body {} instead of an empty body (OK-SUCCESS-ENVELOPE).',
  wrap: afterUpdates(({ response }) => (response.statusCode === 200 ? withJson(response, {}) : response)),
});

const errorTypeInBodyWithNamespace = correct({
  name: 'error-type-in-body-with-namespace',
  description:
    'A legacy server: the error type is only in the body, as `__type` with the Smithy namespace (`com.amazonaws.connect#X`), never in the header (docs/contract.md A5; ERR-HEADER-FORM is a SHOULD).',
  allowedShouldFailures: ['ERR-HEADER-FORM'],
  wrap: mapResponses((response) => {
    const type = errorTypeOf(response);
    const body = jsonOf(response);
    if (!isError(response) || !type) return response;
    return withJson(withoutHeader(response, ERROR_TYPE_HEADER), {
      ...(isObject(body) ? body : {}),
      __type: `com.amazonaws.connect#${type}`,
    });
  }),
});

const capitalizedMessageMember = correct({
  name: 'capitalized-message-member',
  description:
    'Error bodies carry the modelled member `Message` instead of `message` (docs/contract.md A5: clients read both; ERR-MESSAGE).',
  wrap: mapResponses((response) => {
    const body = jsonOf(response);
    if (!isError(response) || !isObject(body) || typeof body.message !== 'string') return response;
    const { message, ...rest } = body;
    return withJson(response, { ...rest, Message: message });
  }),
});

const replaceInsteadOfMerge = correct({
  name: 'replace-instead-of-merge',
  description:
    'An accepted update replaces the whole identity info: members it omits are cleared (OBS-OMITTED-MEMBERS: merge and replace are both conformant).',
  wrap: afterUpdates(({ call, response, user }) => {
    if (response.statusCode === 200 && user) user.IdentityInfo = sentIdentity(call);
    return response;
  }),
});

/**
 * DescribeUser answers from replicas that catch up asynchronously: the first read of a user after an accepted
 * update still returns the identity info from before it; the reads after that are current. Deterministic, so that
 * a run does not depend on how fast the machine is.
 */
function firstReadStale(): Wrap {
  return (handler: WireHandler, service) => {
    const unread = new Map<string, IdentityInfo>();
    return async (request) => {
      const call = callOf(request);
      if (!call) return handler(request);
      const key = `${call.instanceId}/${call.userId}`;
      const user = userOf(service, call.instanceId, call.userId);
      if (call.operation === UPDATE) {
        const before = user && structuredClone(user.IdentityInfo);
        const response = await handler(request);
        if (response.statusCode === 200 && before && !unread.has(key)) unread.set(key, before);
        return response;
      }
      const response = await handler(request);
      const previous = unread.get(key);
      const body = jsonOf(response);
      if (response.statusCode !== 200 || !previous || !isObject(body) || !isObject(body.User)) return response;
      unread.delete(key);
      return withJson(response, { ...body, User: { ...body.User, IdentityInfo: previous } });
    };
  };
}

const eventuallyConsistentReadBack = correct({
  name: 'eventually-consistent-read-back',
  description:
    'DescribeUser reads a replica that has not applied the latest update yet: the first read after an update returns the previous identity info, later reads the current one (RB-READBACK: read-back may be eventually consistent, and is polled).',
  lagsReadBack: true,
  // Every accepted update costs the suite one poll interval; the lag does not depend on the type.
  identityManagementType: 'CONNECT_MANAGED',
  wrap: firstReadStale(),
});

const badRequestForUnreadableBody = correct({
  name: 'bad-request-for-unreadable-body',
  description:
    'The front end answers bodies it cannot deserialize with its own 400 BadRequestException instead of SerializationException (IN-BODY-JSON and the other deserialization requirements: any 400 with a type).',
  wrap: mapResponses((response) =>
    response.statusCode === 400 && errorTypeOf(response) === 'SerializationException'
      ? withErrorType(response, 'BadRequestException')
      : response,
  ),
});

const lenientContentType = correct({
  name: 'lenient-content-type',
  description: 'Any Content-Type is read as JSON instead of being refused with 415 (OBS-CONTENT-TYPE: either is allowed).',
  wrap: (handler, service) => async (request) => {
    const response = await handler(request);
    if (response.statusCode !== 415) return response;
    return handler(await resign(service, { ...request, headers: { ...request.headers, 'content-type': 'application/json' } }));
  },
});

const namesRequiredOnUpdate = correct({
  name: 'names-required-on-update',
  description:
    'On CONNECT_MANAGED and SAML instances an update must include FirstName and LastName (the documentation says they are "required"; OBS-OMITTED-NAMES: whether an omitted name is an error on update is never asserted).',
  wrap: interceptUpdates(async (call, service) => {
    if (!['CONNECT_MANAGED', 'SAML'].includes(identityManagementTypeOf(service, call.instanceId) ?? '') || call.body === undefined)
      return undefined;
    const info = sentIdentity(call);
    return 'FirstName' in info && 'LastName' in info
      ? undefined
      : invalidParameter('FirstName and LastName are required for this instance.');
  }),
});

const fiveMinuteSignatureWindow = correct({
  name: 'five-minute-signature-window',
  description:
    'Like most AWS front ends, the verifier allows five minutes of clock skew, not 15: a signature dated 10 minutes away is refused 403 "Signature expired" (OBS-SIGNATURE-SKEW: 5 to 15 minutes is observed, not judged; under 4 is still accepted).',
  wrap: signatureWindowOf(5 * 60_000),
});

export const CORRECT: Variant[] = [
  invalidRequestForConstraints,
  emptyObjectSuccessBody,
  errorTypeInBodyWithNamespace,
  capitalizedMessageMember,
  replaceInsteadOfMerge,
  eventuallyConsistentReadBack,
  badRequestForUnreadableBody,
  lenientContentType,
  namesRequiredOnUpdate,
  fiveMinuteSignatureWindow,
];
