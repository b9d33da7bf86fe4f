// The sibling operations the suite relies on for its fixtures and read-back (DescribeUser, DescribeInstance,
// CreateUser, DeleteUser: docs/contract.md A4), judged on every answer: the status is one the model declares
// (FX-STATUS); a body comes as the declared media type (FX-CONTENT-TYPE); a success body is a JSON object
// (FX-JSON-BODY) that holds the members the suite reads (FX-MEMBERS), each member of its modelled JSON type (a body
// timestamp is epoch seconds; FX-BODY-TYPES); an error is a JSON body with a declared type (FX-ERROR-ENVELOPE). Every
// fact (routes, statuses, media types, schemas, the members read) comes from the spec: the members the suite reads are
// found in each operation's success schema by what they are (the identity info schema, the identity management type
// enum, the ID a later operation takes as a label), never by a name written here.
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Observation } from '../core/observation.ts';
import { text, type WireRequest, type WireResponse } from '../core/wire.ts';
import type { OperationSpec, RequirementId, Spec } from '../spec/index.ts';
import { errorTypeOf, jsonOf } from './response-reading.ts';
import type { ResponseRule, SdkOutcome } from './response-rule.ts';
import { fail, pass, type Evidence, type Verdict } from './verdict.ts';

/** The HTTP details these rules read, which an SDK outcome does not have: n/a for a target without the wire. */
const HTTP_ANSWERS: SdkOutcome = {
  notApplicable: 'the HTTP answers of the fixture operations (status, content type, JSON body and its types)',
};

/** The requirements every answer of a fixture operation is judged by. */
export const FIXTURE_RULES: readonly ResponseRule[] = (
  ['FX-STATUS', 'FX-CONTENT-TYPE', 'FX-JSON-BODY', 'FX-MEMBERS', 'FX-BODY-TYPES', 'FX-ERROR-ENVELOPE'] as const
).map((proves) => ({ proves, judges: 'fixture-operation', sdkOutcome: HTTP_ANSWERS }));

type Json = Record<string, unknown>;
type Schema = OpenAPIV3_1.SchemaObject & Json;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a member the suite reads is: how the suite uses it. */
export type NeedKind = 'effect' | 'identity-management-type' | 'created-user-id';

/** A member of a fixture operation's success body that the suite reads. */
export interface Need {
  kind: NeedKind;
  /** Member names from the body's root. */
  path: string[];
  schema: Schema;
}

/** A fixture operation as the spec describes it, with what the suite reads from its success body. */
export interface FixtureOperation {
  op: OperationSpec;
  route: RegExp;
  /** The success body's schema (undefined: the model gives it no body). */
  successSchema?: Schema;
  /** Media types the model declares for a body, by status ('*' for every status the model lists). */
  mediaTypes: Record<string, string[]>;
  needs: Need[];
}

const views = new WeakMap<Spec, FixtureOperation[]>();

function operationObject(spec: Spec, op: OperationSpec): OpenAPIV3_1.OperationObject {
  return (spec.document.paths![op.pathTemplate] as Record<string, unknown>)[op.method.toLowerCase()] as OpenAPIV3_1.OperationObject;
}

/** Every member of a schema, depth first, with its path (properties only; the first levels are enough for a body). */
function membersOf(schema: Schema, path: string[] = [], depth = 3): { path: string[]; schema: Schema }[] {
  if (depth === 0) return [];
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => [
    { path: [...path, name], schema: s as Schema },
    ...membersOf(s as Schema, [...path, name], depth - 1),
  ]);
}

function needsOf(spec: Spec, op: OperationSpec, schema: Schema | undefined, all: OperationSpec[]): Need[] {
  if (!schema) return [];
  const types = [...spec.identityManagementTypes].sort().join(',');
  // The ID of a created resource: a top-level member named like a label that other operations take and this one lacks.
  const laterLabels = new Set(all.filter((o) => o !== op).flatMap((o) => o.labels.map((l) => l.name)));
  for (const l of op.labels) laterLabels.delete(l.name);
  const needs: Need[] = [];
  for (const m of membersOf(schema)) {
    // The structure the operation under test changes, where the answer holds it (DescribeUser's User.<the binding's member>).
    if (m.path.at(-1) === spec.effectMember && m.schema.type === 'object') needs.push({ kind: 'effect', ...m });
    else if (Array.isArray(m.schema.enum) && [...m.schema.enum].map(String).sort().join(',') === types)
      needs.push({ kind: 'identity-management-type', ...m });
    else if (m.path.length === 1 && laterLabels.has(m.path[0]!) && m.schema.type === 'string')
      needs.push({ kind: 'created-user-id', ...m });
  }
  return needs;
}

/** The fixture operations of the spec: every operation but the one under test. */
export function fixtureOperations(spec: Spec): FixtureOperation[] {
  let list = views.get(spec);
  if (list) return list;
  const all = Object.values(spec.operations);
  list = all
    .filter((op) => op.name !== spec.operation.name)
    .map((op) => {
      const responses = (operationObject(spec, op).responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>;
      const mediaTypes: Record<string, string[]> = {};
      for (const [status, r] of Object.entries(responses)) mediaTypes[status] = Object.keys(r.content ?? {});
      mediaTypes['*'] = [...new Set(Object.values(mediaTypes).flat())];
      const successSchema = responses[String(op.successStatus)]?.content?.['application/json']?.schema as Schema | undefined;
      const route = new RegExp(`^${op.pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return { op, route, successSchema, mediaTypes, needs: needsOf(spec, op, successSchema, all) };
    });
  views.set(spec, list);
  return list;
}

/** The fixture operation a request calls, by method and route; undefined for the operation under test and the rest. */
export function fixtureOperationOf(spec: Spec, request: WireRequest): FixtureOperation | undefined {
  const path = request.path.split('?', 1)[0]!;
  return fixtureOperations(spec).find((f) => f.op.method === request.method.toUpperCase() && f.route.test(path));
}

/** The fixture operation of that name. */
export function fixtureOperation(spec: Spec, name: string): FixtureOperation {
  const f = fixtureOperations(spec).find((x) => x.op.name === name);
  if (!f) throw new Error(`the spec has no fixture operation ${name}`);
  return f;
}

/** The member the suite reads for this purpose from an operation's success body. */
export function needOf(spec: Spec, operation: string, kind: NeedKind): Need {
  const need = fixtureOperation(spec, operation).needs.find((n) => n.kind === kind);
  if (!need) throw new Error(`the spec's ${operation} answer has no member of kind ${kind}: the spec and the code disagree`);
  return need;
}

// ---------------------------------------------------------------- reading an answer

const mediaTypeOf = (response: WireResponse): string | undefined =>
  response.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase() || undefined;

/** A value as it reads in a message: JSON, shortened. */
function shown(value: unknown, max = 60): string {
  const s = value === undefined ? 'absent' : typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The start of a body that is not JSON, for messages. */
export const bodyStart = (response: WireResponse) => shown(text(response.body).replace(/\s+/g, ' ').trim(), 50);

/** "200 text/html, 1532 bytes": what the answer was, in a few words. */
export function describeAnswer(spec: Spec, response: WireResponse | undefined): string {
  if (!response) return 'no response';
  const type = response.statusCode >= 300 ? errorTypeOf(spec, response)?.type : undefined;
  return `${response.statusCode}${type ? ` ${type}` : ''} ${mediaTypeOf(response) ?? 'without a content type'}, ${response.body.length} bytes`;
}

const jsonTypeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

const typeFits = (type: string, v: unknown) => {
  const actual = jsonTypeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
};

/** The member at a path of a parsed body; undefined when any step is missing. */
export function memberAt(body: unknown, path: readonly string[]): unknown {
  let here = body;
  for (const name of path) here = isObject(here) ? here[name] : undefined;
  return here;
}

/** Members whose JSON type is not the schema's (JSON null counts as absent), with the schema's description. */
function typeProblems(schema: Schema, value: unknown, path: string[] = []): string[] {
  if (value === null || value === undefined) return [];
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  if (type && !typeFits(type, value)) {
    const where = path.join('.') || 'the body';
    return [
      `${where} is ${shown(value)} (a JSON ${jsonTypeOf(value)}) where the model has a ${type}${schema.description ? ` (${schema.description})` : ''}`,
    ];
  }
  if (Array.isArray(value) && schema.items)
    return value.flatMap((v, i) => typeProblems(schema.items as Schema, v, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`]));
  if (!isObject(value)) return [];
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const extra = isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
  return Object.entries(value).flatMap(([k, v]) =>
    props[k] ? typeProblems(props[k]!, v, [...path, k]) : extra ? typeProblems(extra, v, [...path, k]) : [],
  );
}

/** Why a member the suite reads cannot be used as it is (undefined: it can). */
export function needProblem(spec: Spec, need: Need, value: unknown): string | undefined {
  const where = need.path.join('.');
  if (value === undefined || value === null) return `${where} is absent`;
  switch (need.kind) {
    case 'effect':
      return isObject(value) ? undefined : `${where} is ${shown(value)}, not an object`;
    case 'identity-management-type':
      return typeof value === 'string' && spec.identityManagementTypes.includes(value)
        ? undefined
        : `${where} is ${shown(value)}, not one of ${spec.identityManagementTypes.join(', ')}`;
    case 'created-user-id':
      return typeof value === 'string' && value.length > 0 ? undefined : `${where} is ${shown(value)}, not a non-empty string`;
  }
}

// ---------------------------------------------------------------- the checks

export interface FixtureResponseContext {
  caseId: string;
  /** What was asked (the labels), for the report. */
  input: unknown;
}

const evidence = (
  spec: Spec,
  f: FixtureOperation,
  obs: Observation,
  ctx: FixtureResponseContext,
  expected: string,
  problem: string,
): Evidence => ({
  caseId: ctx.caseId,
  input: ctx.input,
  observation: obs,
  expected: { summary: `${f.op.name}: ${expected}` },
  problem: `${f.op.name}: ${problem} (got ${describeAnswer(spec, obs.response)})`,
});

/** A verdict whose evidence (the answer described: its error type read from the body) is built only when it fails:
 * every fixture read is judged by six checks, and nearly all pass. */
const judged = (requirementId: RequirementId, ok: boolean, ctx: FixtureResponseContext, evidenceOf: () => Evidence): Verdict =>
  ok ? pass(requirementId, ctx.caseId) : fail(requirementId, evidenceOf());

const isSuccess = (r: WireResponse) => r.statusCode >= 200 && r.statusCode < 300;

/** The status is the operation's success status, or that of an error it declares (authentication and throttling too). */
function statusIsDeclared(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const status = obs.response!.statusCode;
  const throttling = spec.protocol.throttlingErrors.map((t) => spec.errors[t]?.status).filter((s): s is number => s !== undefined);
  const declared = [
    ...new Set([f.op.successStatus, ...f.op.errors.map((e) => e.status), spec.protocol.authenticationErrors.status, ...throttling]),
  ].sort();
  return [
    judged('FX-STATUS', declared.includes(status), ctx, () =>
      evidence(spec, f, obs, ctx, `a status of ${declared.join(', ')}`, `${status} is not a status the model declares`),
    ),
  ];
}

/** A body comes with a media type the model declares for it. */
function bodyHasDeclaredMediaType(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const response = obs.response!;
  if (response.body.length === 0) return [];
  const declared = f.mediaTypes[String(response.statusCode)]?.length ? f.mediaTypes[String(response.statusCode)]! : f.mediaTypes['*']!;
  const media = mediaTypeOf(response);
  return [
    judged('FX-CONTENT-TYPE', !!media && declared.includes(media), ctx, () =>
      evidence(spec, f, obs, ctx, `Content-Type ${declared.join(' or ')}`, `the body came as ${media ?? 'no content type at all'}`),
    ),
  ];
}

/** A success body is a JSON object (empty where the model gives the success no body). */
function successBodyIsJsonObject(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const response = obs.response!;
  if (!isSuccess(response)) return [];
  const body = jsonOf(response);
  const ok = isObject(body) || (!f.successSchema && response.body.length === 0);
  const problem =
    response.body.length === 0
      ? 'the body is empty'
      : body === undefined
        ? `the body is not JSON (${bodyStart(response)})`
        : `the body is a JSON ${jsonTypeOf(body)}, not an object`;
  return [
    judged('FX-JSON-BODY', ok, ctx, () =>
      evidence(spec, f, obs, ctx, f.successSchema ? 'a JSON object' : 'an empty body or a JSON object', problem),
    ),
  ];
}

/** The members the suite reads are there and usable (identity info an object, a known type, a created ID). */
function readMembersPresent(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const response = obs.response!;
  const body = jsonOf(response);
  if (!isSuccess(response) || !isObject(body) || !f.needs.length) return [];
  const problems = f.needs.map((n) => needProblem(spec, n, memberAt(body, n.path))).filter((p): p is string => !!p);
  const expected = f.needs.map((n) => n.path.join('.')).join(', ');
  return [
    judged('FX-MEMBERS', problems.length === 0, ctx, () => evidence(spec, f, obs, ctx, `a body with ${expected}`, problems.join('; '))),
  ];
}

/** Every member of a success body has its schema's JSON type (a timestamp is epoch seconds, a JSON number). */
function membersHaveModelledTypes(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const response = obs.response!;
  const body = jsonOf(response);
  if (!isSuccess(response) || !isObject(body) || !f.successSchema) return [];
  const problems = typeProblems(f.successSchema, body);
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return [
    judged('FX-BODY-TYPES', problems.length === 0, ctx, () =>
      evidence(spec, f, obs, ctx, 'every member of its modelled JSON type', `${problems.slice(0, 3).join('; ')}${more}`),
    ),
  ];
}

/** An error is a JSON body with a type the operation declares at that status (protocol-level types included). */
function errorEnvelopeDeclared(spec: Spec, f: FixtureOperation, obs: Observation, ctx: FixtureResponseContext): Verdict[] {
  const response = obs.response!;
  if (response.statusCode < 400) return [];
  const status = response.statusCode;
  const declared = f.op.errors.filter((e) => e.status === status).map((e) => e.type);
  const auth = spec.protocol.authenticationErrors;
  if (status === auth.status) declared.push(auth.unsigned, auth.unknownKey, auth.badSignature);
  if (spec.protocol.throttlingErrors.some((t) => spec.errors[t]?.status === status)) declared.push(...spec.protocol.throttlingErrors);
  const expected = declared.length ? `a JSON body with ${[...new Set(declared)].join(' or ')}` : `no ${status} at all`;
  const body = jsonOf(response);
  const type = errorTypeOf(spec, response)?.type;
  const problem =
    response.body.length > 0 && body === undefined
      ? `the error body is not JSON (${bodyStart(response)})`
      : !type
        ? 'the error has no type'
        : !declared.includes(type)
          ? `${type} is not an error ${f.op.name} declares at ${status}`
          : undefined;
  return [judged('FX-ERROR-ENVELOPE', !problem, ctx, () => evidence(spec, f, obs, ctx, expected, problem ?? ''))];
}

const CHECKS = [
  statusIsDeclared,
  bodyHasDeclaredMediaType,
  successBodyIsJsonObject,
  readMembersPresent,
  membersHaveModelledTypes,
  errorEnvelopeDeclared,
];

/** Every verdict one answer of a fixture operation gives; none for other requests, or when nothing answered. */
export function fixtureResponseVerdicts(spec: Spec, obs: Observation, ctx?: FixtureResponseContext): Verdict[] {
  if (!obs.response) return [];
  const f = fixtureOperationOf(spec, obs.request);
  if (!f) return [];
  const context = ctx ?? { caseId: `fixture:${f.op.name}`, input: { method: obs.request.method, path: obs.request.path } };
  return CHECKS.flatMap((check) => check(spec, f, obs, context));
}
