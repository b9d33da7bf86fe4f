// Variants whose sibling operations deviate from the model (FX-STATUS, FX-CONTENT-TYPE, FX-JSON-BODY, FX-MEMBERS,
// FX-BODY-TYPES, FX-ERROR-ENVELOPE): emulators as they exist, whose DescribeUser or DescribeInstance differ from what
// the SDK reads. The suite must report each deviation as its FX- finding and still judge UpdateUserIdentityInfo: a
// correct operation passes its MUSTs, a broken one is caught. The deviations are the ones measured on an open-source
// emulator (ISO-8601 timestamps, a DescribeInstance without the identity management type) and the ones web frameworks
// make by default (text/html, HTML error pages).
import { randomUUID } from 'node:crypto';
import { text, utf8, type WireRequest, type WireResponse } from '../core/wire.ts';
import { callOf, DESCRIBE, isAuthentic, isObject, jsonOf, merge, notFound, ok, updateOf, userOf, withJson, type Json } from './kit.ts';
import { broken, correctExceptSiblings, type Variant, type Wrap } from './variant.ts';

const isDescribeUser = (request: WireRequest) => callOf(request)?.operation === DESCRIBE;
const isDescribeInstance = (request: WireRequest) =>
  request.method.toUpperCase() === 'GET' && /^\/instance\/[^/?]+(\?.*)?$/.test(request.path);

/** A success body rewritten as JSON (other answers pass through). */
const rewriteSuccess =
  (applies: (request: WireRequest) => boolean, rewrite: (body: Json) => Json): Wrap =>
  (handler) =>
  async (request) => {
    const response = await handler(request);
    const body = jsonOf(response);
    if (!applies(request) || response.statusCode !== 200 || !isObject(body)) return response;
    return withJson(response, rewrite(body));
  };

/** DescribeUser's LastModifiedTime as an ISO-8601 string instead of epoch seconds (what the measured emulator sends). */
const isoTimestamps = (body: Json): Json => {
  const user = body.User;
  if (!isObject(user) || typeof user.LastModifiedTime !== 'number') return body;
  return { ...body, User: { ...user, LastModifiedTime: new Date(user.LastModifiedTime * 1000).toISOString() } };
};

const html = (status: number, title: string): WireResponse => {
  const body = utf8(
    `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1><p>The requested URL was not found on the server.</p></body></html>\n`,
  );
  return {
    statusCode: status,
    headers: { 'x-amzn-requestid': randomUUID(), 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) },
    body,
  };
};

const isoTimestampsInDescribeUser = correctExceptSiblings({
  name: 'iso-timestamps-in-describe-user',
  description:
    'DescribeUser answers LastModifiedTime as an ISO-8601 string instead of epoch seconds (a JSON number): the SDK refuses the whole answer, the suite reads the identity info from the raw response.',
  findings: ['FX-BODY-TYPES'],
  identityManagementType: 'CONNECT_MANAGED',
  wrap: rewriteSuccess(isDescribeUser, isoTimestamps),
});

const describeInstanceWithoutType = correctExceptSiblings({
  name: 'describe-instance-without-identity-management-type',
  description:
    'DescribeInstance answers the instance without IdentityManagementType (the run is told the type, or has it from the fixtures).',
  findings: ['FX-MEMBERS'],
  identityManagementType: 'CONNECT_MANAGED',
  wrap: rewriteSuccess(isDescribeInstance, (body) => {
    if (!isObject(body.Instance)) return body;
    const { IdentityManagementType: _, ...instance } = body.Instance;
    return { ...body, Instance: instance };
  }),
});

const textHtmlOnSuccess = correctExceptSiblings({
  name: 'text-html-content-type-on-success',
  description: "DescribeUser and DescribeInstance answer their JSON bodies with Content-Type text/html (a web framework's default).",
  findings: ['FX-CONTENT-TYPE'],
  identityManagementType: 'CONNECT_MANAGED',
  wrap: (handler) => async (request) => {
    const response = await handler(request);
    if (response.statusCode !== 200 || !(isDescribeUser(request) || isDescribeInstance(request))) return response;
    return { ...response, headers: { ...response.headers, 'content-type': 'text/html; charset=utf-8' } };
  },
});

const htmlErrorPageForUnknownRoute = correctExceptSiblings({
  name: 'html-error-page-for-unknown-route',
  description:
    "The emulator has no DescribeInstance: its route is unknown, and unknown routes get the web framework's HTML 404 page instead of a JSON error with a type (the run is told the type, or has it from the fixtures).",
  findings: ['FX-ERROR-ENVELOPE', 'FX-CONTENT-TYPE'],
  identityManagementType: 'CONNECT_MANAGED',
  wrap: (handler) => async (request) => (isDescribeInstance(request) ? html(404, 'Not Found') : handler(request)),
});

/**
 * The emulator as measured: DescribeUser answers ISO-8601 timestamps, and UpdateUserIdentityInfo validates nothing —
 * every authenticated update with a JSON body is stored as sent (404 for a user that does not exist), and a body
 * without an IdentityInfo object crashes it (500 text/html).
 */
const isoTimestampsAndNoValidation = broken({
  name: 'iso-timestamps-and-no-validation',
  description:
    'DescribeUser answers ISO-8601 timestamps (an FX- finding) and UpdateUserIdentityInfo validates no member: a JSON body is stored as sent, one without IdentityInfo gets 500 text/html.',
  caughtBy: [
    'IN-FIRSTNAME-MAXLEN',
    'IN-LASTNAME-MAXLEN',
    'IN-MOBILE-PATTERN',
    'IN-FIRSTNAME-NFC',
    'IN-IDENTITYINFO-REQUIRED',
    'IN-CM-FIRSTNAME-MINLEN',
  ],
  suite: 'validation',
  findings: ['FX-BODY-TYPES'],
  wrap: (handler, service) => {
    const reference = rewriteSuccess(isDescribeUser, isoTimestamps)(handler, service);
    return async (request) => {
      const call = updateOf(request);
      if (!call || !(await isAuthentic(service, request))) return reference(request);
      if (call.body === undefined && text(request.body).trim() !== '') return reference(request);
      const info = isObject(call.body) ? call.body.IdentityInfo : undefined;
      if (!isObject(info)) {
        const page = utf8('<html><body><h1>Internal Server Error</h1></body></html>');
        return { statusCode: 500, headers: { 'content-type': 'text/html', 'content-length': String(page.length) }, body: page };
      }
      const user = userOf(service, call.instanceId, call.userId);
      if (!user) return notFound();
      merge(user, info);
      return ok();
    };
  },
});

/** Correct operations with deviating siblings: each must get its findings and pass its MUSTs. */
export const SIBLINGS_CORRECT: Variant[] = [
  isoTimestampsInDescribeUser,
  describeInstanceWithoutType,
  textHtmlOnSuccess,
  htmlErrorPageForUnknownRoute,
];

/** Broken operations with deviating siblings: each must be caught as before. */
export const SIBLINGS_BROKEN: Variant[] = [isoTimestampsAndNoValidation];
