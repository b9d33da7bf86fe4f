// Deliberately broken variants of the reference: each carries ONE realistic bug, names the requirements that must
// catch it (at least one of them fails) and the suite of suites/plan.ts whose checks are meant to catch it.
import type { Finding } from '../spec/index.ts';
import type { ReferenceService } from '../targets/reference/index.ts';
import { utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';
import {
  acceptDespite,
  afterUpdates,
  errorTypeOf,
  error,
  findingsOf,
  identityManagementTypeOf,
  interceptUpdates,
  internalError,
  invalidParameter,
  isAuthentic,
  isError,
  isObject,
  jsonOf,
  lengthOf,
  mapResponses,
  merge,
  notFound,
  ok,
  rejectValid,
  resign,
  sentIdentity,
  updateOf,
  userOf,
  withJson,
  withErrorType,
  withoutHeader,
  ERROR_TYPE_HEADER,
  type Call,
} from './kit.ts';
import { broken, type Variant } from './variant.ts';
import { signatureWindowOf, verifiedWith } from './kit.ts';
import type { SignatureChecks } from '../targets/reference/auth.ts';

const CONSTRAINT_TYPES = ['InvalidParameterException', 'InvalidRequestException'];
const codePoints = (s: string) => [...s];
const about = (member: string, keyword: string) => (f: Finding) => f.member === `IdentityInfo.${member}` && f.keyword === keyword;
/** An update whose body is not JSON (or is empty). */
const isUnparseableUpdate = (request: WireRequest) => {
  const call = updateOf(request);
  return !!call && call.body === undefined;
};
const stringMember = (call: Call, member: string): string | undefined => {
  const value = sentIdentity(call)[member];
  return typeof value === 'string' ? value : undefined;
};

// ---------------------------------------------------------------- validation

const firstNameMaxOffByOne = broken({
  name: 'first-name-max-off-by-one',
  description:
    'The FirstName length check is off by one (`length > max + 1`): a FirstName one code point longer than the maximum is accepted and stored.',
  caughtBy: ['IN-FIRSTNAME-MAXLEN'],
  suite: 'validation',
  wrap: acceptDespite(async (finding, call, service) => {
    if (!about('FirstName', 'maxLength')(finding)) return false;
    const name = stringMember(call, 'FirstName')!;
    const oneShorter = { IdentityInfo: { ...sentIdentity(call), FirstName: codePoints(name).slice(0, -1).join('') } };
    return !(await findingsOf(service, call, oneShorter)).some(about('FirstName', 'maxLength'));
  }),
});

const nfcNotChecked = broken({
  name: 'nfc-not-checked',
  description: 'Names are never checked for Normalization Form C: decomposed characters and combining marks are accepted and stored.',
  caughtBy: ['IN-FIRSTNAME-NFC', 'IN-LASTNAME-NFC'],
  suite: 'validation',
  wrap: acceptDespite((finding) => finding.keyword === 'x-normalization'),
});

const mobileLeadingZeroAccepted = broken({
  name: 'mobile-leading-zero-accepted',
  description: 'Mobile is checked with `^\\+\\d{1,15}$` instead of `^\\+[1-9]\\d{1,14}$`: a leading 0 (and a single digit) is accepted.',
  caughtBy: ['IN-MOBILE-PATTERN'],
  suite: 'validation',
  wrap: acceptDespite((finding, call) => about('Mobile', 'pattern')(finding) && /^\+\d{1,15}$/.test(stringMember(call, 'Mobile') ?? '')),
});

const samlEmailNotForbidden = broken({
  name: 'saml-email-not-forbidden',
  description: 'The per-type rule that a SAML instance refuses Email is missing: Email is stored on SAML instances.',
  caughtBy: ['IN-SAML-EMAIL-FORBIDDEN'],
  suite: 'validation',
  identityManagementType: 'SAML',
  wrap: acceptDespite((finding) => finding.address === 'SAML:IdentityInfo.Email.forbidden'),
});

const connectManagedEmptyNamesAccepted = broken({
  name: 'connect-managed-empty-names-accepted',
  description:
    "The model's 0..N name bounds are applied on every instance: the Connect-managed minimum of 1 is forgotten and empty names are stored.",
  caughtBy: ['IN-CM-FIRSTNAME-MINLEN', 'IN-CM-LASTNAME-MINLEN'],
  suite: 'validation',
  identityManagementType: 'CONNECT_MANAGED',
  wrap: acceptDespite((finding) => finding.identityManagementType === 'CONNECT_MANAGED' && finding.keyword === 'minLength'),
});

const partialWriteOnRejection = broken({
  name: 'partial-write-on-rejection',
  description:
    'Members are written one by one while they are validated: the valid members of a rejected update are stored before the invalid one stops it.',
  caughtBy: ['NL-REJECTED-UNCHANGED'],
  suite: 'validation',
  wrap: afterUpdates(async ({ call, response, user }, service) => {
    if (!user || response.statusCode !== 400 || !CONSTRAINT_TYPES.includes(errorTypeOf(response) ?? '')) return response;
    const invalid = new Set((await findingsOf(service, call)).map((f) => f.member));
    const valid = Object.entries(sentIdentity(call)).filter(
      ([member, value]) => typeof value === 'string' && !invalid.has(`IdentityInfo.${member}`),
    );
    merge(user, Object.fromEntries(valid));
    return response;
  }),
});

const unparseableBodyCrashes = broken({
  name: 'unparseable-body-crashes',
  description:
    'JSON.parse of the body is not guarded: a body that is not JSON escapes as an unhandled error, 500 InternalServiceException.',
  caughtBy: ['SRV-NO-5XX', 'IN-BODY-JSON'],
  suite: 'validation',
  wrap: mapResponses((response, request) => (response.statusCode === 400 && isUnparseableUpdate(request) ? internalError() : response)),
});

const nullMemberCrashes = broken({
  name: 'null-member-crashes',
  description: 'A member sent as JSON null (which counts as absent) reaches `value.normalize()` and crashes: 500 InternalServiceException.',
  caughtBy: ['SRV-NO-5XX'],
  suite: 'validation',
  wrap: interceptUpdates(async (call) => {
    const info = isObject(call.body) ? call.body.IdentityInfo : undefined;
    return isObject(info) && Object.values(info).includes(null) ? internalError() : undefined;
  }),
});

const unknownMemberCrashes = broken({
  name: 'unknown-member-crashes',
  description:
    'A strict deserializer throws on a member the model does not define (which AWS front ends ignore): 500 InternalServiceException.',
  caughtBy: ['SRV-NO-5XX'],
  suite: 'validation',
  wrap: interceptUpdates(async (call) => {
    const known = ['FirstName', 'LastName', 'Email', 'SecondaryEmail', 'Mobile'];
    const info = isObject(call.body) ? call.body.IdentityInfo : undefined;
    return isObject(info) && Object.keys(info).some((k) => !known.includes(k)) ? internalError() : undefined;
  }),
});

// ---------------------------------------------------------------- the error envelope (met first in validation)

const errorsWithoutType = broken({
  name: 'errors-without-type',
  description: 'The error middleware writes the message but drops the X-Amzn-Errortype header: no error response names its type.',
  caughtBy: ['ERR-TYPE-PRESENT'],
  suite: 'validation',
  wrap: mapResponses((response) => (isError(response) ? withoutHeader(response, ERROR_TYPE_HEADER) : response)),
});

const undeclaredValidationException = broken({
  name: 'undeclared-validation-exception',
  description:
    'Constraint violations are answered with the framework default ValidationException, which UpdateUserIdentityInfo does not declare.',
  caughtBy: ['ERR-TYPE-DECLARED'],
  suite: 'validation',
  wrap: mapResponses((response, request) =>
    updateOf(request) && response.statusCode === 400 && CONSTRAINT_TYPES.includes(errorTypeOf(response) ?? '')
      ? withErrorType(response, 'ValidationException')
      : response,
  ),
});

const errorMessageEchoesInput = broken({
  name: 'error-message-echoes-input',
  description: 'Validation messages quote the identity info that was received, sensitive names and addresses included.',
  caughtBy: ['SENS-NO-ECHO'],
  suite: 'validation',
  wrap: afterUpdates(({ call, response }) => {
    const body = jsonOf(response);
    if (response.statusCode !== 400 || !isObject(body) || typeof body.message !== 'string') return response;
    return withJson(response, { message: `${body.message} (received ${JSON.stringify(sentIdentity(call))})` });
  }),
});

const errorBodyPlainText = broken({
  name: 'error-body-plain-text',
  description:
    'A front-end proxy replaces error bodies with its own plain-text page ("Bad Request"): the type header survives, the JSON message does not.',
  caughtBy: ['ERR-MESSAGE'],
  suite: 'validation',
  wrap: mapResponses((response) => {
    if (!isError(response)) return response;
    const body = utf8(`${response.statusCode} Bad Request`);
    return { ...response, headers: { ...response.headers, 'content-type': 'text/plain', 'content-length': String(body.length) }, body };
  }),
});

const unreadableBodyInternalError400 = broken({
  name: 'unreadable-body-internal-error-400',
  description:
    'The JSON parse failure is caught by a generic handler that answers 400 but names it InternalServiceException, a server fault.',
  caughtBy: ['ERR-FAULT'],
  suite: 'validation',
  wrap: mapResponses((response, request) =>
    response.statusCode === 400 && isUnparseableUpdate(request) ? withErrorType(response, 'InternalServiceException') : response,
  ),
});

/** Every this-many-th authenticated update is throttled. */
const THROTTLE_EVERY = 25;

const throttledWithQuotaType = broken({
  name: 'throttled-with-quota-type',
  description: `The rate limiter answers 429 with LimitExceededException (the account-quota error) instead of ThrottlingException; it throttles every ${THROTTLE_EVERY}th update here.`,
  caughtBy: ['THR-429-TYPE'],
  suite: 'validation',
  wrap: (handler, service) => {
    let updates = 0;
    return interceptUpdates(async () =>
      ++updates % THROTTLE_EVERY === 0 ? error(429, 'LimitExceededException', 'Rate exceeded') : undefined,
    )(handler, service);
  },
});

// ---------------------------------------------------------------- acceptance

const lastNameMaxInUtf16Units = broken({
  name: 'last-name-max-in-utf16-units',
  description:
    "LastName's length is taken as `value.length` (UTF-16 units): a valid LastName of astral characters at the maximum is refused.",
  caughtBy: ['OK-LENGTH-CODEPOINTS'],
  suite: 'acceptance',
  wrap: rejectValid(async (info, call, service) => {
    const name = info.LastName;
    if (typeof name !== 'string') return false;
    const asUnits = { IdentityInfo: { ...info, LastName: 'x'.repeat(name.length) } };
    return (await findingsOf(service, call, asUnits)).some(about('LastName', 'maxLength'));
  }, "Value at 'identityInfo.lastName' failed to satisfy constraint: Member must have length less than or equal to the maximum"),
});

const pre2024NameBounds = broken({
  name: 'pre-2024-name-bounds',
  description: 'Names are checked against the model as it was until October 2024 (at most 100 characters): valid longer names are refused.',
  caughtBy: ['OK-MODEL-BOUNDS'],
  suite: 'acceptance',
  wrap: rejectValid(async (info) => {
    for (const name of [info.FirstName, info.LastName]) if (typeof name === 'string' && (await lengthOf(name)) > 100) return true;
    return false;
  }, 'A name failed to satisfy constraint: Member must have length less than or equal to 100'),
});

const emailFormatEnforced = broken({
  name: 'email-format-enforced',
  description:
    'Email is checked against an address format, although the model gives it no format rule: valid free-text Email values are refused.',
  caughtBy: ['OK-EMAIL-ANY'],
  suite: 'acceptance',
  wrap: rejectValid(
    (info) => typeof info.Email === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(info.Email),
    'Email is not a valid email address.',
  ),
});

const emptyFirstNameCrashes = broken({
  name: 'empty-first-name-crashes',
  description: 'Storing a name capitalises `name[0]`: a valid empty FirstName (SAML allows 0 characters) crashes with 500.',
  caughtBy: ['SRV-NO-5XX', 'OK-ACCEPT-VALID'],
  suite: 'acceptance',
  identityManagementType: 'SAML',
  wrap: interceptUpdates(async (call, service) =>
    sentIdentity(call).FirstName === '' && !(await findingsOf(service, call)).length ? internalError() : undefined,
  ),
});

const successReturnsIdentity = broken({
  name: 'success-returns-identity',
  description: 'A successful update answers with the stored identity info (a REST habit) instead of an empty body.',
  caughtBy: ['OK-SUCCESS-ENVELOPE'],
  suite: 'acceptance',
  wrap: afterUpdates(({ response, user }) =>
    response.statusCode === 200 && user ? withJson(response, { IdentityInfo: user.IdentityInfo }) : response,
  ),
});

const longLastNameTruncated = broken({
  name: 'long-last-name-truncated',
  description: 'The LastName column holds 255 characters: a valid LastName of 256 to 300 characters is accepted and silently truncated.',
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: afterUpdates(({ response, user }) => {
    const name = user?.IdentityInfo.LastName;
    if (response.statusCode === 200 && typeof name === 'string' && codePoints(name).length > 255)
      user!.IdentityInfo.LastName = codePoints(name).slice(0, 255).join('');
    return response;
  }),
});

const updateWrittenToWholeInstance = broken({
  name: 'update-written-to-whole-instance',
  description: 'The UPDATE statement is keyed by instance only: an accepted update is written to every user of the instance.',
  caughtBy: ['NL-OTHER-USERS-UNCHANGED'],
  suite: 'acceptance',
  wrap: afterUpdates(({ call, response }, service) => {
    if (response.statusCode !== 200) return response;
    for (const other of service.store.instances.get(call.instanceId)?.users.values() ?? [])
      if (other.Id !== call.userId) merge(other, sentIdentity(call));
    return response;
  }),
});

// ---------------------------------------------------------------- existence and precedence

const unknownInstanceAccessDenied = broken({
  name: 'unknown-instance-access-denied',
  description: 'An instance ID that does not exist fails the authorization lookup first: 403 AccessDeniedException instead of 404.',
  caughtBy: ['EX-UNKNOWN-INSTANCE'],
  suite: 'existence',
  wrap: afterUpdates(({ call, response }, service) =>
    response.statusCode === 404 && !identityManagementTypeOf(service, call.instanceId)
      ? error(403, 'AccessDeniedException', 'You do not have sufficient access to perform this action.')
      : response,
  ),
});

const unknownUserInvalidParameter = broken({
  name: 'unknown-user-invalid-parameter',
  description: 'A user ID that is not found in the instance is reported as a bad parameter: 400 InvalidParameterException instead of 404.',
  caughtBy: ['EX-UNKNOWN-USER'],
  suite: 'existence',
  wrap: afterUpdates(({ call, response }, service) =>
    response.statusCode === 404 && identityManagementTypeOf(service, call.instanceId)
      ? invalidParameter('The UserId is not valid.')
      : response,
  ),
});

const userFoundInAnyInstance = broken({
  name: 'user-found-in-any-instance',
  description: 'Users are looked up by user ID alone: naming a user under another instance of the account updates that user.',
  caughtBy: ['EX-FOREIGN-USER'],
  suite: 'existence',
  wrap: afterUpdates(({ call, response }, service) => {
    if (response.statusCode !== 404 || !identityManagementTypeOf(service, call.instanceId)) return response;
    const owner = [...service.store.instances.values()].find((i) => i.users.has(call.userId));
    if (!owner) return response;
    merge(owner.users.get(call.userId)!, sentIdentity(call));
    return ok();
  }),
});

const existenceBeforeValidation = broken({
  name: 'existence-before-validation',
  description: 'The handler loads the user before it validates the input: an invalid request naming an unknown user gets 404, not 400.',
  caughtBy: ['PREC-VALIDATION-FIRST'],
  suite: 'existence',
  wrap: interceptUpdates(async (call, service) => (userOf(service, call.instanceId, call.userId) ? undefined : notFound())),
});

const notFoundSentWith400 = broken({
  name: 'not-found-sent-with-400',
  description: 'The exception mapper sends every client error with status 400: ResourceNotFoundException arrives as a 400.',
  caughtBy: ['ERR-STATUS-MATCHES-TYPE'],
  suite: 'existence',
  wrap: mapResponses((response) => (response.statusCode === 404 ? { ...response, statusCode: 400 } : response)),
});

// ---------------------------------------------------------------- repeats (the model-based sequences)

/** Refuses an update whose body is byte for byte the last one accepted for the same user, as a "duplicate". */
function refuseRepeats(handler: WireHandler): WireHandler {
  const lastAccepted = new Map<string, string>();
  return async (request: WireRequest): Promise<WireResponse> => {
    const call = updateOf(request);
    if (!call) return handler(request);
    const key = `${call.instanceId}/${call.userId}`;
    const body = Buffer.from(request.body).toString('base64');
    const response =
      lastAccepted.get(key) === body
        ? error(400, 'InvalidRequestException', 'Duplicate request: this update was already applied.')
        : await handler(request);
    if (response.statusCode === 200) lastAccepted.set(key, body);
    return response;
  };
}

const repeatedUpdateRefused = broken({
  name: 'repeated-update-refused',
  description:
    'A replay guard refuses an update identical to the last one accepted for the user (400 "duplicate request"), so a retried update fails.',
  // A repeat is a valid request too: identical valid requests in the acceptance phase meet the guard first.
  caughtBy: ['OK-ACCEPT-VALID', 'NL-REPEAT-IDEMPOTENT'],
  suite: 'acceptance',
  wrap: (handler: WireHandler, service: ReferenceService) => {
    const guarded = refuseRepeats(handler);
    return async (request) => ((await isAuthentic(service, request)) ? guarded(request) : handler(request));
  },
});

const noOpUpdateReplaces = broken({
  name: 'no-op-update-replaces',
  description:
    'An update that changes no stored value takes the "put" path instead of the "patch" path: repeating an accepted update clears the members it omits.',
  caughtBy: ['NL-REPEAT-IDEMPOTENT'],
  suite: 'statefulModel',
  wrap: afterUpdates(({ call, response, before, user }) => {
    const sent = sentIdentity(call);
    if (response.statusCode === 200 && user && before && Object.entries(sent).every(([member, value]) => before[member] === value))
      user.IdentityInfo = sent;
    return response;
  }),
});

// ---------------------------------------------------------------- authentication

const signatureNotVerified = broken({
  name: 'signature-not-verified',
  description:
    'The front end never verifies SigV4: unsigned and wrongly signed requests are served (a proxy re-signs them with its own key).',
  caughtBy: ['AUTH-UNSIGNED', 'AUTH-BAD-SIGNATURE'],
  suite: 'authentication',
  wrap: (handler, service) => async (request) => handler((await isAuthentic(service, request)) ? request : await resign(service, request)),
});

const anySignatureAccepted = broken({
  name: 'any-signature-accepted',
  description: 'The front end checks that an Authorization header is present but not that its signature is right.',
  caughtBy: ['AUTH-BAD-SIGNATURE'],
  suite: 'authentication',
  wrap: (handler, service) => async (request) =>
    handler(request.headers.authorization && !(await isAuthentic(service, request)) ? await resign(service, request) : request),
});

// ---------------------------------------------------------------- the signature's scope and validity window

/** A front end that serves what `lenient` checks accept and the reference's do not, by re-signing it for the reference. */
const servesWhenSignedFor =
  (lenient: SignatureChecks): Variant['wrap'] =>
  (handler, service) =>
  async (request) =>
    handler(!service.verify(request).ok && verifiedWith(service, request, lenient).ok ? await resign(service, request) : request);

const staleSignatureAccepted = broken({
  name: 'stale-signature-accepted',
  description:
    'The front end allows 30 minutes of clock skew instead of 15 (AWS allows five): a correctly signed request dated 20 minutes in the past or in the future is served.',
  caughtBy: ['AUTH-STALE-SIGNATURE'],
  suite: 'authentication',
  wrap: servesWhenSignedFor({ maxSkewMs: 30 * 60_000 }),
});

const regionAgnosticVerifier = broken({
  name: 'region-agnostic-verifier',
  description:
    'The verifier derives the signing key from the region the credential scope names instead of its own: a request correctly signed for any region is served.',
  caughtBy: ['AUTH-WRONG-SCOPE'],
  suite: 'authentication',
  wrap: servesWhenSignedFor({ region: undefined }),
});

const oneMinuteSignatureWindow = broken({
  name: 'one-minute-signature-window',
  description:
    'The verifier allows one minute of clock skew: a client whose clock is three minutes off is refused 403 "Signature expired", where AWS serves it.',
  caughtBy: ['AUTH-SKEW-TOLERATED'],
  suite: 'authentication',
  wrap: signatureWindowOf(60_000),
});

export const BROKEN: Variant[] = [
  firstNameMaxOffByOne,
  nfcNotChecked,
  mobileLeadingZeroAccepted,
  samlEmailNotForbidden,
  connectManagedEmptyNamesAccepted,
  partialWriteOnRejection,
  unparseableBodyCrashes,
  nullMemberCrashes,
  unknownMemberCrashes,
  errorsWithoutType,
  undeclaredValidationException,
  errorMessageEchoesInput,
  errorBodyPlainText,
  unreadableBodyInternalError400,
  throttledWithQuotaType,
  lastNameMaxInUtf16Units,
  pre2024NameBounds,
  emailFormatEnforced,
  emptyFirstNameCrashes,
  successReturnsIdentity,
  longLastNameTruncated,
  updateWrittenToWholeInstance,
  unknownInstanceAccessDenied,
  unknownUserInvalidParameter,
  userFoundInAnyInstance,
  existenceBeforeValidation,
  notFoundSentWith400,
  repeatedUpdateRefused,
  noOpUpdateReplaces,
  signatureNotVerified,
  anySignatureAccepted,
  staleSignatureAccepted,
  regionAgnosticVerifier,
  oneMinuteSignatureWindow,
];
