// The exported OpenAPI documents (spec/export/) seen by general-purpose tools.
//
// openapi-backend: every exchange of a full conformance run against the reference, recorded on the wire, is checked
// against the document of the instance's identity management type by openapi-backend's validators (request, response
// body, response headers; JSON Schema 2020-12 through its documented customizeAjv hook). The reference must get no
// violation at all; a broken variant gets the violations expected of it.
//
// Prism (@stoplight/prism-cli 5.14, a separate process started from node_modules/.bin, test/prism.ts): its
// validation proxy with the exported document in front of `connect-conformance serve --no-auth` reports no response
// violation over a full run (and does report one that breaks the document), and the suite run against its mock of
// each exported document fails only for what a stateless mock cannot do.
//
// The runs are the real command (a child process) against servers on 127.0.0.1, so this test knows nothing of the
// run engine.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpec, type Requirement, type Spec } from '../spec/index.ts';
import { ABSENT_HEADERS, OPTIONAL_CONTENT } from '../spec/export/openapi.ts';
import { exportDocuments, exportYaml, writeExport } from '../spec/export/write.ts';
import type { Results } from '../engine/results.ts';
import type { ResultFailure } from '../engine/results-types.ts';
import { responseViolations, startPrism, startRecorder, undecodablePath, undecodableSegments, type PrismExchange } from './prism.ts';
import { parse as parseYaml } from 'yaml';
import { createReferenceService, defaultFixtures, startHttpServer, type ReferenceService } from '../targets/reference/index.ts';
import { signWireRequest } from '../targets/sign.ts';
import { BROKEN } from '../variants/broken.ts';
import { CORRECT } from '../variants/correct.ts';
import { text, utf8, type WireHandler, type WireRequest, type WireResponse } from '../core/wire.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const addFormats = addFormatsModule.default;

interface Exchange {
  request: WireRequest;
  response: WireResponse;
}

interface Violation {
  kind: string;
  operation?: string;
  status: number;
  detail: string;
  request: string;
}

type Json = Record<string, unknown>;
type Wrap = (handler: WireHandler, service: ReferenceService) => WireHandler;

const spec: Spec = await defaultSpec();
const fixtures = defaultFixtures();
const documents = exportDocuments(spec);

/** The fixture flags of a run on an instance of this type: the first instance of the type and its users. */
function fixtureFlags(type: string): string[] {
  const instance = fixtures.instances.find((i) => i.identityManagementType === type)!;
  const [user, second] = instance.users;
  return ['--instance-id', instance.id, '--user-id', user!.id, ...(second ? ['--second-user-id', second.id] : []), '--identity-management', type];
}

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

/** `connect-conformance run --target endpoint` against an endpoint, on the fixtures of a type, with seed 1. */
async function runSuite(endpoint: string, type: string, runArgs: string[]): Promise<{ code: number; output: string; results?: Results }> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-interop-'));
  const args = ['--import', 'tsx', 'bin/cli.ts', 'run', '--target', 'endpoint', '--endpoint-url', endpoint, ...fixtureFlags(type)];
  args.push('--report-dir', dir, '--seed', '1', ...runArgs);
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: fixtures.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fixtures.credentials.secretAccessKey,
    AWS_REGION: fixtures.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  let code = 0;
  let output = '';
  try {
    const r = await exec(process.execPath, args, { cwd: ROOT, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    output = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    code = err.code;
    output = err.stdout + err.stderr;
  }
  const file = join(dir, 'results.json');
  return { code, output, ...(existsSync(file) ? { results: JSON.parse(readFileSync(file, 'utf8')) as Results } : {}) };
}

/** Requests the run never sends: the other methods of the operation's path, signed, on the run's own user. */
async function otherMethods(type: string, endpoint: string): Promise<void> {
  const instance = fixtures.instances.find((i) => i.identityManagementType === type)!;
  const path = spec.operation.pathTemplate.replace('{InstanceId}', instance.id).replace('{UserId}', instance.users[0]!.id);
  const host = new URL(endpoint).host;
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    const body = method === 'PUT' || method === 'PATCH' ? utf8('{"IdentityInfo":{}}') : new Uint8Array();
    const headers: Record<string, string> = { host, ...(body.length ? { 'content-type': 'application/json' } : {}) };
    const signed = await signWireRequest({ method, path, headers, body }, { credentials: fixtures.credentials, region: fixtures.region, host });
    await fetch(`${endpoint}${path}`, { method, headers: Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host')), body: body.length ? body : undefined });
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
  if (!operation) return [{ kind: 'unrouted', status: response.statusCode, detail: 'no operation of the document matches', request: summary }];
  const id = operation.operationId!;
  const add = (kind: string, detail: string) => out.push({ kind, operation: id, status: response.statusCode, detail, request: summary });
  const status = response.statusCode;
  if (status >= 500) add('server-error', `status ${status}`);

  const requestErrors = requestProblems(tool, request);
  if (!requestErrors.length && status === 400) {
    const body = json({ headers: request.headers, body: request.body });
    const explained = [...unnormalized(operation as unknown as Json, body), ...undecodableSegments(request.path).map((s) => `label ${s} is not percent-encoded UTF-8`)];
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
    if ((header as OpenAPIV3_1.HeaderObject).required && response.headers[name.toLowerCase()] === undefined) add('header-missing', `required header ${name} is missing`);
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
    if (!documentedMedia.includes(media)) add('content-type-undocumented', `${media || 'no Content-Type'} is not documented (${documentedMedia.join(', ') || 'no content'})`);
    else if (media === 'application/json') {
      const body = json(response);
      if (body === undefined) add('body-not-json', 'the body is not JSON');
      else if (optional) {
        const pointer = ['paths', operation.path, operation.method, 'responses', key, OPTIONAL_CONTENT, media, 'schema'].map((p) => pointerSegment(String(p))).join('/');
        const validate = tool.optionalBody(`/${pointer}`);
        if (!validate(body)) for (const e of validate.errors ?? []) add('body-schema', `${e.instancePath} ${e.message ?? ''}`);
      } else for (const e of tool.validator.validateResponse(body, operation, status).errors ?? []) add('body-schema', `${e.instancePath} ${e.message ?? ''}`);
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
  it.each(spec.identityManagementTypes)('a full run against the reference on a %s instance: no violation at all', { timeout: 300_000 }, async (type) => {
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
  });

  it('a correct implementation that differs where the contract allows it (all four differences at once): no violation', { timeout: 300_000 }, async () => {
    const names = ['invalid-request-for-constraints', 'capitalized-message-member', 'empty-object-success-body', 'error-type-in-body-with-namespace'];
    const wrap: Wrap = (handler, service) => names.reduce((h, name) => variant(CORRECT, name)(h, service), handler);
    const run = await recordRun('CONNECT_MANAGED', { wrap, extra: (endpoint) => otherMethods('CONNECT_MANAGED', endpoint) });
    expect(run.code, run.output).toBe(0);
    const violations = real(await violationsOf('CONNECT_MANAGED', run.exchanges));
    expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
    // The differences were on the wire: the type only in the body, with a namespace; {} on success.
    expect(run.exchanges.some((x) => x.response.statusCode === 400 && !x.response.headers['x-amzn-errortype'] && /#/.test(text(x.response.body)))).toBe(true);
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
  ] as const)('the broken variant %s on %s gets exactly the violations expected of it', { timeout: 300_000 }, async (name, type, kinds, more) => {
    const broken = BROKEN.find((v) => v.name === name)!;
    const run = await recordRun(type, { wrap: broken.wrap, runArgs: ['--only', [...broken.caughtBy!, ...more].join(',')] });
    expect(run.exchanges.length).toBeGreaterThan(0);
    expect([0, 1], run.output).toContain(run.code);
    const violations = real(await violationsOf(type, run.exchanges));
    expect(Object.keys(byKind(violations)).sort(), JSON.stringify(violations.slice(0, 3), null, 2)).toEqual([...kinds].sort());
    expect(violations.every((v) => v.operation === spec.operation.name)).toBe(true);
  });

  it('reads the two x- extensions a success carries: an error type on a 200 and a body other than {} are violations', async () => {
    const tool = await toolFor(documents.CONNECT_MANAGED!);
    const instance = fixtures.instances.find((i) => i.identityManagementType === 'CONNECT_MANAGED')!;
    const path = spec.operation.pathTemplate.replace('{InstanceId}', instance.id).replace('{UserId}', instance.users[0]!.id);
    const exchange = (headers: Record<string, string>, body: string): Exchange => ({
      request: { method: 'POST', path, headers: { 'content-type': 'application/json', authorization: 'x' }, body: utf8('{"IdentityInfo":{}}') },
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

// ---------------------------------------------------------------- Prism

/** Every process and server a Prism test started, stopped in afterAll whatever happened. */
const running: { stop(): Promise<void> }[] = [];
const started = <T extends { stop(): Promise<void> }>(x: T): T => {
  running.push(x);
  return x;
};
afterAll(async () => {
  for (const x of running.reverse()) await x.stop();
});

/** `connect-conformance serve --no-auth` as a child process; resolves with the endpoint it prints. */
async function serveNoAuth(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'serve', '--no-auth'], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  let output = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no endpoint within 60 s:\n${output}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('\n')) {
        clearTimeout(timer);
        resolve(output.split('\n')[0]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its endpoint:\n${output}`));
    });
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, stop };
}

/** Areas of requirements a stateless mock cannot meet: it knows no users and keeps nothing that was sent. */
const STATELESS_AREAS = new Set(['existence', 'precedence', 'read-back', 'nothing-lost']);
/** Constraint keywords the documents list as beyond JSON Schema (their description says so). */
const BEYOND_SCHEMA = ['x-normalization', 'encoding'];

const isJsonRequest = (f: ResultFailure) => /json/i.test(Object.entries(f.request?.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
const parses = (body: string) => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

/** Why a failure the suite reports against Prism's mock is not the document's, or undefined when nothing explains it. */
function notTheDocument(requirement: Requirement, failure: ResultFailure): string | undefined {
  if (STATELESS_AREAS.has(requirement.area)) return `${requirement.area}: a stateless mock knows no users and keeps nothing`;
  if (requirement.constrains.some((c) => BEYOND_SCHEMA.some((k) => c.endsWith(`.${k}`)))) return 'a rule the document lists as beyond JSON Schema';
  if (!failure.response && failure.request && undecodablePath(failure.request.path)) return 'Prism never answers a label that is not percent-encoded UTF-8';
  if (failure.request && isJsonRequest(failure) && !parses(failure.request.body)) return "Prism's HTTP server answers a JSON body it cannot parse itself, before it reads the document";
  return undefined;
}

/** The requirements the suite failed against a mock for a reason that is not one of those above. */
function documentFailures(results: Results, exchanges: PrismExchange[]): string[] {
  const out: string[] = [];
  const unanswered = exchanges.filter((x) => x.status === 0);
  for (const r of results.requirements.filter((x) => x.status === 'fail' || x.status === 'error')) {
    const requirement = spec.requirements.find((x) => x.id === r.id)!;
    if (r.status === 'error') {
      // A requirement whose only cases got no response is not checked (never a skip): explained only when every
      // request Prism left unanswered was one with an undecodable label.
      const onlyUnansweredLabels = (r.errors ?? []).every((e) => /request\(s\) of this step got no response/.test(e.message)) && unanswered.length > 0 && unanswered.every((x) => undecodablePath(x.path));
      if (!onlyUnansweredLabels) out.push(`${r.id}: a step did not finish (${JSON.stringify(r.errors)})`);
      continue;
    }
    for (const f of r.failures) if (!notTheDocument(requirement, f)) out.push(`${r.id}: ${f.problem} (${f.request?.method} ${f.request?.path} → ${f.response?.status ?? 'no answer'})`);
    // results.json lists the first failures; the others of a requirement failed only for unanswered labels are
    // the recorder's unanswered exchanges.
    if (r.failureCount > r.failures.length && !STATELESS_AREAS.has(requirement.area)) {
      const onlyUnanswered = r.failures.every((f) => !f.response) && unanswered.length === r.failureCount && unanswered.every((x) => undecodablePath(x.path));
      if (!onlyUnanswered) out.push(`${r.id}: ${r.failureCount - r.failures.length} failure(s) not listed and not explained`);
    }
  }
  return out;
}

const statusOf = (results: Results, id: string) => results.requirements.find((r) => r.id === id)?.status;

describe('the exported documents seen by Prism 5.14 (@stoplight/prism-cli), a separate process on 127.0.0.1', () => {
  let files: Record<string, string>;
  beforeAll(async () => {
    const written = await writeExport(spec, mkdtempSync(join(tmpdir(), 'cc-prism-')));
    files = Object.fromEntries(written.map((w) => [w.identityManagementType, w.file]));
  });

  it('its validation proxy with the CONNECT_MANAGED document in front of `serve --no-auth`, over a full run: no response violation', { timeout: 300_000 }, async () => {
    const served = started(await serveNoAuth());
    // Request validation is off: the suite sends invalid requests on purpose, and what is judged here is the
    // responses. (Prism's request validator also leaves undecodable labels unanswered, test/prism.ts.)
    const prism = started(await startPrism(['proxy', files.CONNECT_MANAGED!, served.endpoint, '--validate-request=false', '--cors=false', '--errors=false']));
    const recorder = started(await startRecorder(prism.endpoint));
    const run = await runSuite(recorder.endpoint, 'CONNECT_MANAGED', ['--runs', '3']);
    await otherMethods('CONNECT_MANAGED', recorder.endpoint);
    expect(run.results, run.output).toBeDefined();
    const violations = responseViolations(recorder.exchanges);
    expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
    // Not vacuous: Prism saw the whole run — accepted updates (the empty 200 the issue was about), rejections,
    // unknown users, read-backs, and the other methods of the path, HEAD included — and answered each one.
    const seen = (method: string, path: RegExp, status: number) => recorder.exchanges.filter((x) => x.method === method && path.test(x.path) && x.status === status).length;
    expect(seen('POST', /\/identity-info$/, 200)).toBeGreaterThan(20);
    expect(recorder.exchanges.some((x) => x.method === 'POST' && x.status === 200 && x.body === '' && x.headers['content-type'] === undefined)).toBe(true);
    expect(seen('POST', /\/identity-info$/, 400)).toBeGreaterThan(20);
    expect(seen('POST', /\/identity-info$/, 404)).toBeGreaterThan(0);
    expect(seen('GET', /^\/users\/[^/]+\/[^/]+$/, 200)).toBeGreaterThan(20);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
      expect(recorder.exchanges.find((x) => x.method === method && x.path.endsWith('/identity-info'))?.status, method).toBeGreaterThanOrEqual(400);
    }
    expect(run.results!.fixtures.every((f) => f.restored), JSON.stringify(run.results!.fixtures)).toBe(true);
  });

  it('its validation proxy reports a response that breaks the document (a control: ValidationException on a 400)', { timeout: 300_000 }, async () => {
    const broken = BROKEN.find((v) => v.name === 'undeclared-validation-exception')!;
    const service = createReferenceService(spec, { fixtures: defaultFixtures(), auth: false });
    const server = await startHttpServer(broken.wrap(service.handle, service), { maxBodyBytes: 1024 * 1024 });
    started({ stop: () => server.close() });
    const prism = started(await startPrism(['proxy', files.CONNECT_MANAGED!, server.endpoint, '--validate-request=false', '--cors=false', '--errors=false']));
    const recorder = started(await startRecorder(prism.endpoint));
    await runSuite(recorder.endpoint, 'CONNECT_MANAGED', ['--runs', '2', '--only', 'IN-FIRSTNAME-MAXLEN']);
    const violations = responseViolations(recorder.exchanges);
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.location, v.message).toEqual(['response', 'header', 'x-amzn-errortype']);
      expect(v.exchange).toMatch(/→ 400$/);
    }
  });

  it.each([...spec.identityManagementTypes.map((t) => [t, 'static'] as const), ['CONNECT_MANAGED', 'dynamic'] as const])(
    'the suite against its mock of the %s document (%s): failures only for what a stateless mock cannot do',
    { timeout: 300_000 },
    async (type, mode) => {
      const prism = started(await startPrism(['mock', files[type]!, '--cors=false', ...(mode === 'dynamic' ? ['--dynamic', '--seed', '1'] : [])]));
      const recorder = started(await startRecorder(prism.endpoint, { unanswered: { when: undecodablePath, afterMs: 500 } }));
      const run = await runSuite(recorder.endpoint, type, ['--runs', '3', '--read-back-window', '200']);
      expect(run.results, run.output).toBeDefined();
      const results = run.results!;
      // Prism finds its own answers valid against the document (every generated value matches its schema).
      const violations = responseViolations(recorder.exchanges);
      expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
      const failures = documentFailures(results, recorder.exchanges);
      expect(failures, failures.join('\n')).toEqual([]);
      // Not vacuous: what the document decides, a mock of it gets right — the success envelope (no error type, no
      // body), declared error types with a message, the per-type rules, and DescribeUser read as a user.
      const decided = ['OK-SUCCESS-ENVELOPE', 'OK-ACCEPT-VALID', 'ERR-TYPE-DECLARED', 'ERR-STATUS-MATCHES-TYPE', 'FX-MEMBERS', 'FX-BODY-TYPES', 'FX-JSON-BODY'];
      const perType = spec.requirements.filter((r) => r.constrains.some((c) => c.startsWith(`${type}:`))).map((r) => r.id);
      expect(perType.length).toBeGreaterThan(0);
      for (const id of [...decided, ...perType]) expect(statusOf(results, id), id).toBe('pass');
      expect(recorder.exchanges.filter((x) => x.method === 'POST' && x.status === 200).length).toBeGreaterThan(20);
    },
  );
});
