// Variants of the reference's UpdateUserPhoneConfig (operation UpdateUserPhoneConfig, docs/contract-phone-config.md):
// broken ones, each ONE realistic bug of a phone configuration (a bound not checked, an enum read loosely, a member
// not stored, a wrong JSON type answered 500, seconds stored as milliseconds), and correct-but-different ones, each a
// difference the rules P1-P12 allow (an older model that still requires PhoneType, a desk phone that needs its number,
// an update that replaces the whole configuration, the documented maximum not enforced).
import { UPDATE_USER_PHONE_CONFIG } from '../api/index.ts';
import type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';
import { createValidator, specOf, type Finding, type RequestValidator } from '../spec/index.ts';
import type { ReferenceService } from '../targets/reference/index.ts';
import type { StoredUser } from '../targets/reference/store.ts';
import { error, internalError, invalidParameter, isAuthentic, isObject, jsonOf, ok, userOf, withJson, type Json } from './kit.ts';
import { broken, correct, type Variant, type Wrap } from './variant.ts';

const OPERATION = UPDATE_USER_PHONE_CONFIG.name;

/** An UpdateUserPhoneConfig request, as the reference routes it. */
interface PhoneCall {
  instanceId: string;
  userId: string;
  /** The parsed JSON body; undefined when there is none or it is not JSON. */
  body: unknown;
}

function phoneCallOf(request: WireRequest): PhoneCall | undefined {
  const segments = request.path.split('?', 1)[0]!.split('/');
  if (request.method.toUpperCase() !== 'POST' || segments.length !== 5 || segments[1] !== 'users' || segments[4] !== 'phone-config')
    return undefined;
  let body: unknown;
  try {
    body = request.body.length ? JSON.parse(new TextDecoder().decode(request.body)) : undefined;
  } catch {
    body = undefined;
  }
  try {
    return { instanceId: decodeURIComponent(segments[2]!), userId: decodeURIComponent(segments[3]!), body };
  } catch {
    return undefined;
  }
}

/** The PhoneConfig an update sends, JSON nulls dropped (they count as absent). */
const sentPhone = (call: PhoneCall): Json => {
  const config = isObject(call.body) ? call.body.PhoneConfig : undefined;
  return isObject(config) ? Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null)) : {};
};

let validator: Promise<RequestValidator> | undefined;
/** What the spec's validator (the reference's own rules) finds wrong with an update. */
async function findingsOf(call: PhoneCall, body: unknown = call.body): Promise<Finding[]> {
  validator ??= specOf(UPDATE_USER_PHONE_CONFIG).then(createValidator);
  const verdict = (await validator).validate(OPERATION, { labels: { InstanceId: call.instanceId, UserId: call.userId }, body });
  return [...verdict.violations, ...verdict.ambiguities];
}

const about = (member: string, keyword: string) => (f: Finding) => f.member === `PhoneConfig.${member}` && f.keyword === keyword;

function storeInto(user: StoredUser, config: Json): void {
  user.PhoneConfig = { ...user.PhoneConfig, ...config };
  user.LastModifiedTime = Math.floor(Date.now() / 1000);
}

/** Updates answered by the reference, then post-processed (other requests pass through). */
const afterPhoneUpdates =
  (
    rewrite: (
      call: PhoneCall,
      response: WireResponse,
      user: StoredUser | undefined,
      before: Json | undefined,
    ) => Promise<WireResponse> | WireResponse,
  ): Wrap =>
  (handler, service) =>
  async (request) => {
    const call = phoneCallOf(request);
    if (!call) return handler(request);
    const user = userOf(service, call.instanceId, call.userId);
    const before = user ? structuredClone(user.PhoneConfig) : undefined;
    return rewrite(call, await handler(request), user, before);
  };

/** Authenticated updates answered by the variant first (`undefined`: the reference answers). */
const interceptPhoneUpdates =
  (answer: (call: PhoneCall, service: ReferenceService) => Promise<WireResponse | undefined>): Wrap =>
  (handler, service) =>
  async (request) => {
    const call = phoneCallOf(request);
    if (call && (await isAuthentic(service, request))) {
      const response = await answer(call, service);
      if (response) return response;
    }
    return handler(request);
  };

/** The reference's validation with some findings ignored: such an update is applied as a valid one. */
const acceptPhoneDespite = (ignored: (finding: Finding, call: PhoneCall) => boolean): Wrap =>
  afterPhoneUpdates(async (call, response, user) => {
    if (response.statusCode !== 400 || call.body === undefined) return response;
    const findings = await findingsOf(call);
    if (!findings.length || !findings.every((f) => ignored(f, call))) return response;
    if (!user) return error(404, 'ResourceNotFoundException', 'The specified user was not found in the instance.');
    storeInto(user, sentPhone(call));
    return ok();
  });

/** Updates the reference would accept (no finding) that `rejects` picks get a 400 InvalidParameterException. */
const rejectValidPhone = (rejects: (config: Json) => boolean, message: string): Wrap =>
  interceptPhoneUpdates(async (call) => {
    if (call.body === undefined || (await findingsOf(call)).length) return undefined;
    return rejects(sentPhone(call)) ? invalidParameter(message) : undefined;
  });

/** DescribeUser answers with the user's PhoneConfig rewritten (the store keeps what was sent). */
const describedAs =
  (rewrite: (config: Json) => Json): Wrap =>
  (handler: WireHandler) =>
  async (request) => {
    const response = await handler(request);
    const segments = request.path.split('?', 1)[0]!.split('/');
    if (request.method.toUpperCase() !== 'GET' || segments.length !== 4 || segments[1] !== 'users' || response.statusCode !== 200)
      return response;
    const body = jsonOf(response);
    if (!isObject(body) || !isObject(body.User) || !isObject(body.User.PhoneConfig)) return response;
    return withJson(response, { ...body, User: { ...body.User, PhoneConfig: rewrite(body.User.PhoneConfig) } });
  };

// ---------------------------------------------------------------- broken

const acwNegativeAccepted = broken({
  name: 'phone-acw-negative-accepted',
  description: 'AfterContactWorkTimeLimit is read into an unsigned check that never fires: a negative value is accepted and stored.',
  caughtBy: ['PC-IN-ACW-MIN'],
  suite: 'validation',
  wrap: acceptPhoneDespite(about('AfterContactWorkTimeLimit', 'minimum')),
});

const unknownPhoneTypeAccepted = broken({
  name: 'phone-unknown-phone-type-accepted',
  description: 'PhoneType is stored as free text: any string (soft_phone, HARD_PHONE, the empty string) is accepted.',
  caughtBy: ['PC-IN-PHONETYPE-ENUM'],
  suite: 'validation',
  wrap: acceptPhoneDespite(about('PhoneType', 'enum')),
});

const autoAcceptNotStored = broken({
  name: 'phone-auto-accept-not-stored',
  description: 'The update statement forgets the AutoAccept column: the request is accepted, AutoAccept keeps its old value.',
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: afterPhoneUpdates((call, response, user, before) => {
    if (response.statusCode === 200 && user && before && 'AutoAccept' in sentPhone(call)) {
      if ('AutoAccept' in before) user.PhoneConfig.AutoAccept = before.AutoAccept;
      else delete user.PhoneConfig.AutoAccept;
    }
    return response;
  }),
});

const deskPhoneNumberDropped = broken({
  name: 'phone-desk-number-dropped',
  description: 'DeskPhoneNumber is accepted but never written (the column is missing): DescribeUser does not return it.',
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: afterPhoneUpdates((call, response, user, before) => {
    if (response.statusCode === 200 && user && before && 'DeskPhoneNumber' in sentPhone(call)) {
      if ('DeskPhoneNumber' in before) user.PhoneConfig.DeskPhoneNumber = before.DeskPhoneNumber;
      else delete user.PhoneConfig.DeskPhoneNumber;
    }
    return response;
  }),
});

const wrongType500 = broken({
  name: 'phone-wrong-type-500',
  description: 'A member of the wrong JSON type (AutoAccept "true", AfterContactWorkTimeLimit 1.5) makes the handler throw: 500.',
  caughtBy: [
    'SRV-NO-5XX',
    'PC-IN-AUTOACCEPT-TYPE',
    'PC-IN-ACW-TYPE',
    'PC-IN-PHONETYPE-TYPE',
    'PC-IN-PERSISTENTCONNECTION-TYPE',
    'PC-IN-DESKPHONE-TYPE',
  ],
  suite: 'validation',
  wrap: interceptPhoneUpdates(async (call) =>
    (await findingsOf(call)).some((f) => f.member.startsWith('PhoneConfig.') && (f.keyword === 'type' || f.keyword === 'format'))
      ? internalError()
      : undefined,
  ),
});

const acwInMilliseconds = broken({
  name: 'phone-acw-read-back-in-milliseconds',
  description:
    'DescribeUser shares the SearchUsers serializer: AfterContactWorkTimeLimit comes back in milliseconds (1000 times the seconds sent).',
  caughtBy: ['RB-READBACK'],
  suite: 'acceptance',
  wrap: describedAs((config) =>
    typeof config.AfterContactWorkTimeLimit === 'number' && config.AfterContactWorkTimeLimit !== 0
      ? { ...config, AfterContactWorkTimeLimit: config.AfterContactWorkTimeLimit * 1000 }
      : config,
  ),
});

const phoneTypeCaseInsensitive = broken({
  name: 'phone-type-case-insensitive',
  description: 'PhoneType is upper-cased before the enum check: soft_phone is accepted (and stored as SOFT_PHONE).',
  caughtBy: ['PC-IN-PHONETYPE-ENUM'],
  suite: 'validation',
  wrap: afterPhoneUpdates(async (call, response, user) => {
    const sent = sentPhone(call);
    if (response.statusCode !== 400 || typeof sent.PhoneType !== 'string') return response;
    const upper = { ...sent, PhoneType: sent.PhoneType.toUpperCase() };
    if ((await findingsOf(call, { PhoneConfig: upper })).length) return response;
    if (!user) return response;
    storeInto(user, upper);
    return ok();
  }),
});

// ---------------------------------------------------------------- correct but different

const phoneTypeRequired = correct({
  name: 'phone-type-required',
  description:
    'Built from a model older than February 2026: a PhoneConfig without PhoneType is refused with 400 InvalidParameterException (PC-OBS-PHONETYPE-OMITTED: observed).',
  wrap: rejectValidPhone((config) => !('PhoneType' in config), 'PhoneType is required.'),
});

const deskPhoneNeedsNumber = correct({
  name: 'phone-desk-needs-number',
  description:
    'A desk phone must have a number, and the softphone features are refused for it: DESK_PHONE without a DeskPhoneNumber, or with AutoAccept or PersistentConnection true, gets 400 (P8, P9: observed).',
  wrap: rejectValidPhone(
    (config) =>
      config.PhoneType === 'DESK_PHONE' &&
      (!('DeskPhoneNumber' in config) || config.AutoAccept === true || config.PersistentConnection === true),
    'A desk phone needs a DeskPhoneNumber and takes neither AutoAccept nor PersistentConnection.',
  ),
});

const replacesWholeConfig = correct({
  name: 'phone-update-replaces',
  description:
    'An update replaces the whole phone configuration: the members it omits are cleared (OBS-OMITTED-MEMBERS: merge and replace are both conformant).',
  wrap: afterPhoneUpdates((call, response, user) => {
    if (response.statusCode === 200 && user) user.PhoneConfig = { ...sentPhone(call) };
    return response;
  }),
});

const documentedMaximumNotEnforced = correct({
  name: 'phone-acw-documented-maximum-not-enforced',
  description:
    'AfterContactWorkTimeLimit is checked against the model only (min 0, 32 bits): a value above the documented 2,000,000 seconds is accepted (PC-IN-ACW-MAX is a SHOULD).',
  allowedShouldFailures: ['PC-IN-ACW-MAX'],
  wrap: acceptPhoneDespite(about('AfterContactWorkTimeLimit', 'x-documented-maximum')),
});

const deskNumberAnchored = correct({
  name: 'phone-desk-number-anchored',
  description:
    'DeskPhoneNumber is checked with the anchored E.164 reading only: abc+15555550100 is refused (PC-OBS-DESKPHONE-READINGS: either reading is conformant).',
  wrap: rejectValidPhone(
    (config) => typeof config.DeskPhoneNumber === 'string' && !/^\+[1-9]\d{1,14}$/.test(config.DeskPhoneNumber),
    'DeskPhoneNumber must be an E.164 number.',
  ),
});

/** The variants of UpdateUserPhoneConfig, each run with that operation. */
const ofPhoneConfig = (v: Variant): Variant => ({ ...v, operation: OPERATION });

export const PHONE_BROKEN: Variant[] = [
  acwNegativeAccepted,
  unknownPhoneTypeAccepted,
  autoAcceptNotStored,
  deskPhoneNumberDropped,
  wrongType500,
  acwInMilliseconds,
  phoneTypeCaseInsensitive,
].map(ofPhoneConfig);

export const PHONE_CORRECT: Variant[] = [
  phoneTypeRequired,
  deskPhoneNeedsNumber,
  replacesWholeConfig,
  documentedMaximumNotEnforced,
  deskNumberAnchored,
].map(ofPhoneConfig);
