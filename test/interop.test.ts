// The exported OpenAPI documents (spec/export/) seen by general-purpose tools, here openapi-backend: every exchange of
// a full conformance run against the reference, recorded on the wire, is checked against the document of the
// instance's identity management type by openapi-backend's validators (request, response body, response headers; JSON
// Schema 2020-12 through its documented customizeAjv hook). The reference must get no violation at all; a broken
// variant gets the violations expected of it. Prism sees them in test/interop-prism-proxy.test.ts and
// test/interop-prism-mock.test.ts; what the three files share is test/interop-kit.ts.
//
// The runs are the real command (a child process) against servers on 127.0.0.1, so this test knows nothing of the
// run engine.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { ABSENT_HEADERS, OPTIONAL_CONTENT } from '../spec/export/openapi.ts';
import { exportDocuments, exportYaml } from '../spec/export/write.ts';
import { undecodableSegments } from './prism.ts';
import { parse as parseYaml } from 'yaml';
import { createReferenceService, defaultFixtures, startHttpServer } from '../api/reference.ts';
import { BROKEN } from '../variants/broken.ts';
import { CORRECT } from '../variants/correct.ts';
import { text, utf8, type WireRequest } from '../core/wire.ts';
import { fixtures, otherMethods, runSuite, spec, type Exchange, type Wrap } from './interop-kit.ts';

const addFormats = addFormatsModule.default;
interface Violation {
  kind: string;
  operation?: string;
  status: number;
  detail: string;
  request: string;
}

type Json = Record<string, unknown>;
const documents = exportDocuments(spec);
/** Serves the reference (wrapped) on 127.0.0.1, runs the real command against it, and returns every exchange. */
async function recordRun(type: string, options: { wrap?: Wrap; runArgs?: string[]; extra?: (endpoint: string) => Promise<void> } = {}) {
  const service = createReferenceService(spec, { fixtures: defaultFixtures() });
  const handler = options.wrap ? options.wrap(service.handle, service) : service.handle;
  const exchanges: Exchange[] = [];
  const server = await startHttpServer(
    async (request) => {
      const response = await handler(request);
      exchanges.push({ request, response });
      return response;
    },
    { maxBodyBytes: 1024 * 1024 },
  );
  try {
    const { code, output } = await runSuite(server.endpoint, type, ['--expect-auth', '--runs', '5', ...(options.runArgs ?? [])]);
    await options.extra?.(server.endpoint);
    return { code, output, exchanges };
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------- the general-purpose validator

/**
 * openapi-backend reading the document as a user would (the exported YAML, parsed), with JSON Schema 2020-12 (the
 * dialect of OpenAPI 3.1) through its documented customizeAjv hook. `quick` skips its own definition check, which
 * knows OpenAPI 3.0 only; the documents are checked as OpenAPI 3.1 by @readme/openapi-parser in spec-export.test.ts.
 */
async function toolFor(document: OpenAPIV3_1.Document) {
  const definition = parseYaml(exportYaml(document)) as OpenAPIV3_1.Document;
  // The body a success may carry instead of none (x-optional-content) is validated with the same dialect.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...(definition as unknown as Json), $id: 'doc' });
  const api = new OpenAPIBackend({
    definition,
    strict: true,
    quick: true,
    customizeAjv: (_ajv, ajvOpts) => {
      const ajv = new Ajv2020({ ...ajvOpts, strict: false });
      addFormats(ajv);
      return ajv as never;
    },
  });
  await api.init();
  return { router: api.router, validator: api.validator, optionalBody: (pointer: string) => ajv.getSchema(`doc#${pointer}`)! };
}

const pointerSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
type Tool = Awaited<ReturnType<typeof toolFor>>;

const json = (r: { headers: Record<string, string>; body: Uint8Array }): unknown => {
  if (!r.body.length) return undefined;
  try {
    return JSON.parse(text(r.body));
  } catch {
    return undefined;
  }
};

function statusMatch(responses: Record<string, unknown>, status: number): string | undefined {
  return [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
}

/** Members of the operation's request body that break an x-normalization the document carries (no schema can). */
function unnormalized(operation: Json, body: unknown): string[] {
  const out: string[] = [];
  const walk = (schema: unknown, value: unknown, at: string) => {
    if (typeof schema !== 'object' || schema === null) return;
    const s = schema as Json;
    const form = s['x-normalization'];
    if (typeof form === 'string' && typeof value === 'string' && value.normalize(form as 'NFC') !== value) out.push(`${at} is not ${form}`);
    for (const sub of [...((s.allOf as unknown[]) ?? []), ...((s.anyOf as unknown[]) ?? [])]) walk(sub, value, at);
    if (typeof value === 'object' && value !== null && typeof s.properties === 'object') {
      for (const [name, prop] of Object.entries(s.properties as Json)) walk(prop, (value as Json)[name], `${at}.${name}`);
    }
  };
  const media = ((operation.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
  walk(media?.schema, body, 'body');
  return out;
}

/** What the document finds wrong with a request (the tool throws on a label it cannot decode: that is a problem too). */
function requestProblems(tool: Tool, request: WireRequest): string[] {
  const req = { method: request.method, path: request.path, headers: request.headers, body: text(request.body) };
  try {
    const operation = tool.router.matchOperation(req);
    if (!operation) return ['no operation matches'];
    return (tool.validator.validateRequest(req, operation).errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
  } catch (e) {
    return [`cannot be read: ${(e as Error).message}`];
  }
}

/**
 * Everything the document says about one exchange that does not hold, checked as general-purpose API testers do
 * (Schemathesis' default checks): no server error; the status is documented; documented required headers are there
 * and every documented header matches its schema; the content type is documented and the body matches its schema;
 * a request the document calls valid is not rejected with 400 (positive data acceptance) unless a rule the document
 * lists as beyond JSON Schema explains it; a request it calls invalid is not accepted (negative data rejection).
 * Two x- extensions the document's description asks tools to read are read too: the headers a response never
 * carries (x-absent-headers) and the body a response may carry instead of none (x-optional-content).
 */
function check(tool: Tool, { request, response }: Exchange): Violation[] {
  const out: Violation[] = [];
  const req = { method: request.method, path: request.path, headers: request.headers, body: text(request.body) };
  const summary = `${request.method} ${request.path.slice(0, 120)} ${text(request.body).slice(0, 200)}`;
  const operation = (() => {
    try {
      return tool.router.matchOperation(req);
    } catch {
      return undefined;
    }
  })();
  if (!operation)
    return [{ kind: 'unrouted', status: response.statusCode, detail: 'no operation of the document matches', request: summary }];
  const id = operation.operationId!;
  const add = (kind: string, detail: string) => out.push({ kind, operation: id, status: response.statusCode, detail, request: summary });
  const status = response.statusCode;
  if (status >= 500) add('server-error', `status ${status}`);

  const requestErrors = requestProblems(tool, request);
  if (!requestErrors.length && status === 400) {
    const body = json({ headers: request.headers, body: request.body });
    const explained = [
      ...unnormalized(operation as unknown as Json, body),
      ...undecodableSegments(request.path).map((s) => `label ${s} is not percent-encoded UTF-8`),
    ];
    if (!explained.length) add('valid-request-rejected', 'the document calls the request valid');
  }
  if (requestErrors.length && status >= 200 && status < 300) add('invalid-request-accepted', requestErrors.join('; '));

  const responses = (operation.responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>;
  const key = statusMatch(responses, status);
  if (!key) {
    add('status-undocumented', `status ${status} is not documented (${Object.keys(responses).join(', ')})`);
    return out;
  }
  const documented = responses[key]!;
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    if ((header as OpenAPIV3_1.HeaderObject).required && response.headers[name.toLowerCase()] === undefined)
      add('header-missing', `required header ${name} is missing`);
  }
  const headers = tool.validator.validateResponseHeaders(response.headers, operation, { statusCode: status, setMatchType: 'any' as never });
  for (const e of headers.errors ?? []) add('header-schema', `${e.instancePath} ${e.message ?? ''}`);
  for (const name of ((documented as Json)[ABSENT_HEADERS] ?? []) as string[]) {
    const value = response.headers[name.toLowerCase()];
    if (value !== undefined) add('header-absent', `${name}: ${value} where the document says the header is absent`);
  }
  const contentType = response.headers['content-type'];
  // The exchange is recorded at the handler; on the wire a response to HEAD has no body (RFC 9110), and that is what
  // a tool sees.
  if (response.body.length && request.method !== 'HEAD') {
    const media = (contentType ?? '').split(';')[0]!.trim();
    const optional = !documented.content ? ((documented as Json)[OPTIONAL_CONTENT] as Record<string, unknown> | undefined) : undefined;
    const documentedMedia = Object.keys(documented.content ?? optional ?? {});
    if (!documentedMedia.includes(media))
      add('content-type-undocumented', `${media || 'no Content-Type'} is not documented (${documentedMedia.join(', ') || 'no content'})`);
    else if (media === 'application/json') {
      const body = json(response);
      if (body === undefined) add('body-not-json', 'the body is not JSON');
      else if (optional) {
        const pointer = ['paths', operation.path, operation.method, 'responses', key, OPTIONAL_CONTENT, media, 'schema']
          .map((p) => pointerSegment(String(p)))
          .join('/');
        const validate = tool.optionalBody(`/${pointer}`);
        if (!validate(body)) for (const e of validate.errors ?? []) add('body-schema', `${e.instancePath} ${e.message ?? ''}`);
      } else
        for (const e of tool.validator.validateResponse(body, operation, status).errors ?? [])
          add('body-schema', `${e.instancePath} ${e.message ?? ''}`);
    }
  }
  return out;
}

async function violationsOf(type: string, exchanges: Exchange[]): Promise<Violation[]> {
  const document = documents[type]!;
  const tool = await toolFor(document);
  return exchanges.flatMap((x) => check(tool, x));
}

const byKind = (violations: Violation[]) => {
  const kinds: Record<string, number> = {};
  for (const v of violations) kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
  return kinds;
};
const real = (violations: Violation[]) => violations.filter((v) => v.kind !== 'unrouted');

const variant = (list: { name: string; wrap: Wrap }[], name: string): Wrap => {
  const found = list.find((v) => v.name === name);
  if (!found) throw new Error(`no variant ${name}`);
  return found.wrap;
};

describe('the exported documents seen by a general-purpose validator (openapi-backend)', () => {
  it.each(spec.identityManagementTypes)(
    'a full run against the reference on a %s instance: no violation at all',
    { timeout: 300_000 },
    async (type) => {
      const run = await recordRun(type, { extra: (endpoint) => otherMethods(type, endpoint) });
      expect(run.code, run.output).toBe(0);
      const tool = await toolFor(documents[type]!);
      const violations = run.exchanges.flatMap((x) => check(tool, x));
      expect(real(violations), JSON.stringify(real(violations).slice(0, 5), null, 2)).toEqual([]);
      // Requests outside the document (an empty label: `//`) got the routing outcome, a 4xx.
      for (const v of violations) expect(v.status, v.request).toBeGreaterThanOrEqual(400);
      expect(violations.length).toBeLessThan(10);
      // Not vacuous: the run reached the document's request schemas, its error statuses and the other methods.
      const statuses = new Set(run.exchanges.map((x) => x.response.statusCode));
      for (const s of [200, 400, 403, 404]) expect(statuses, `status ${s}`).toContain(s);
      const invalid = run.exchanges.filter((x) => x.request.method === spec.operation.method && requestProblems(tool, x.request).length);
      expect(invalid.length).toBeGreaterThan(20);
      const others = run.exchanges.filter((x) => x.request.method !== 'POST' && x.request.path.endsWith('/identity-info'));
      expect(others.length).toBeGreaterThanOrEqual(6);
    },
  );

  it('a correct implementation that differs where the contract allows it (all four differences at once): no violation', {
    timeout: 300_000,
  }, async () => {
    const names = [
      'invalid-request-for-constraints',
      'capitalized-message-member',
      'empty-object-success-body',
      'error-type-in-body-with-namespace',
    ];
    const wrap: Wrap = (handler, service) => names.reduce((h, name) => variant(CORRECT, name)(h, service), handler);
    const run = await recordRun('CONNECT_MANAGED', { wrap, extra: (endpoint) => otherMethods('CONNECT_MANAGED', endpoint) });
    expect(run.code, run.output).toBe(0);
    const violations = real(await violationsOf('CONNECT_MANAGED', run.exchanges));
    expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
    // The differences were on the wire: the type only in the body, with a namespace; {} on success.
    expect(
      run.exchanges.some(
        (x) => x.response.statusCode === 400 && !x.response.headers['x-amzn-errortype'] && /#/.test(text(x.response.body)),
      ),
    ).toBe(true);
    expect(run.exchanges.some((x) => x.response.statusCode === 200 && text(x.response.body) === '{}')).toBe(true);
  });

  it.each([
    // [variant, identity management type, the violations a tool must report, requirements the run adds to those the
    // variant names (so that the run sends the requests that meet the bug)]
    ['undeclared-validation-exception', 'CONNECT_MANAGED', ['header-schema'], ['IN-FIRSTNAME-MAXLEN']],
    ['unparseable-body-crashes', 'CONNECT_MANAGED', ['server-error'], []],
    ['connect-managed-empty-names-accepted', 'CONNECT_MANAGED', ['invalid-request-accepted'], []],
    ['saml-email-not-forbidden', 'SAML', ['invalid-request-accepted'], []],
    ['success-returns-identity', 'CONNECT_MANAGED', ['body-schema'], []],
  ] as const)(
    'the broken variant %s on %s gets exactly the violations expected of it',
    { timeout: 300_000 },
    async (name, type, kinds, more) => {
      const broken = BROKEN.find((v) => v.name === name)!;
      const run = await recordRun(type, { wrap: broken.wrap, runArgs: ['--only', [...broken.caughtBy!, ...more].join(',')] });
      expect(run.exchanges.length).toBeGreaterThan(0);
      expect([0, 1], run.output).toContain(run.code);
      const violations = real(await violationsOf(type, run.exchanges));
      expect(Object.keys(byKind(violations)).sort(), JSON.stringify(violations.slice(0, 3), null, 2)).toEqual([...kinds].sort());
      expect(violations.every((v) => v.operation === spec.operation.name)).toBe(true);
    },
  );

  it('reads the two x- extensions a success carries: an error type on a 200 and a body other than {} are violations', async () => {
    const tool = await toolFor(documents.CONNECT_MANAGED!);
    const instance = fixtures.instances.find((i) => i.identityManagementType === 'CONNECT_MANAGED')!;
    const path = spec.operation.pathTemplate.replace('{InstanceId}', instance.id).replace('{UserId}', instance.users[0]!.id);
    const exchange = (headers: Record<string, string>, body: string): Exchange => ({
      request: {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', authorization: 'x' },
        body: utf8('{"IdentityInfo":{}}'),
      },
      response: { statusCode: 200, headers, body: utf8(body) },
    });
    const kinds = (x: Exchange) => check(tool, x).map((v) => v.kind);
    expect(kinds(exchange({}, ''))).toEqual([]);
    expect(kinds(exchange({ 'content-type': 'application/json' }, '{}'))).toEqual([]);
    expect(kinds(exchange({ 'x-amzn-errortype': 'InvalidParameterException' }, ''))).toEqual(['header-absent']);
    expect(kinds(exchange({ 'content-type': 'application/json' }, '{"IdentityInfo":{}}'))).toEqual(['body-schema']);
    expect(kinds(exchange({ 'content-type': 'text/plain' }, 'ok'))).toEqual(['content-type-undocumented']);
  });
});
