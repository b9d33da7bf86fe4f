// The spec as an artifact for general-purpose OpenAPI tools (Schemathesis, Prism, Portman, Dredd, response
// validators): one self-contained OpenAPI 3.1 document per identity management type, generated from the loaded
// spec and never edited by hand. Every rule that JSON Schema can carry is written in the schema's own keywords
// (per-type bounds, forbidden and required members, null as absent in requests, pattern readings, the error types
// each status may carry in the header and the body, 403, other methods on the operation's path); what it cannot
// carry stays in x- extensions and is listed in info.description. Written so that tools which generate from a
// document (mocks, stateful testers) produce what the contract allows: a schema is the request form (null counts as
// absent) or the response form (never null), an absent header is an x- list and not a schema no value can match,
// every error type has an example, and links lead from the operations that name a user to the operation under test.
// A pure function of the Spec: no file is read here.
import type { OpenAPIV3_1 } from 'openapi-types';
import type { MemberSpec, OperationSpec, Spec, TypeRules } from '../types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Methods a path item can hold (OpenAPI 3.1), in the order the specification lists them. */
const PATH_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The file name the writer gives the document of one type. */
export const exportFileName = (spec: Spec, identityManagementType: string) =>
  `${spec.model.sdkId.toLowerCase()}.${identityManagementType}.openapi.yaml`;

/** One document per identity management type of the spec (all of them, or the one asked for). */
export function exportDocuments(
  spec: Spec,
  identityManagementTypes: readonly string[] = spec.identityManagementTypes,
): Record<string, OpenAPIV3_1.Document> {
  const out: Record<string, OpenAPIV3_1.Document> = {};
  for (const type of identityManagementTypes) out[type] = exportDocument(spec, type);
  return out;
}

/** An error type in every form restJson1 clients accept (docs/contract.md A5): `[namespace#]Type[:anything]`. */
export function errorTypePattern(types: readonly string[]): string {
  const names = [...new Set(types)].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(?:[^:#]*#)?\\s*(?:${names.join('|')})\\s*(?::.*)?$`;
}

/**
 * Which side of an exchange a schema describes. A request member sent as JSON null counts as absent
 * (x-protocol.nullIsAbsent), so the request form of an optional member also accepts null; a response member is
 * never null (the model has no null: a serializer leaves an absent member out).
 */
type Form = 'request' | 'response';

interface Context {
  spec: Spec;
  type: string;
  rules: TypeRules;
  /** Component schemas by identity (the loaded document is dereferenced; its shared objects are its components). */
  names: Map<object, string>;
  /** Components a request reaches, and components a response reaches. */
  inRequests: Set<object>;
  inResponses: Set<object>;
  identityName: string;
  identitySchema: Json;
  perTypeIdentityName: string;
  errorBodyName?: string;
}

/** The suffix of a component's request form when responses use the component too. */
const REQUEST_FORM_SUFFIX = '.request';

/** The name a schema is written under in a form: requests use the per-type identity schema, and a component that
 * both sides use has a request form of its own. */
function componentName(ctx: Context, schema: object, form: Form): string | undefined {
  const name = ctx.names.get(schema);
  if (!name || form === 'response') return name;
  if (schema === ctx.identitySchema) return ctx.perTypeIdentityName;
  return ctx.inResponses.has(schema) ? `${name}${REQUEST_FORM_SUFFIX}` : name;
}

/** The component schemas reachable from the given schemas (the loaded document is dereferenced: by identity). */
function reachable(roots: unknown[], names: Map<object, string>): Set<object> {
  const found = new Set<object>();
  const seen = new Set<object>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (names.has(node)) found.add(node);
    for (const value of Object.values(node)) walk(value);
  };
  roots.forEach(walk);
  return found;
}

/** The schemas of an operation's request (body and parameters) and of its responses. */
function schemasOf(op: Json): { request: unknown[]; response: unknown[] } {
  const media = (x: unknown) => Object.values(((x as Json | undefined)?.content ?? {}) as Record<string, Json>).map((m) => m.schema);
  return {
    request: [...media(op.requestBody), ...((op.parameters ?? []) as Json[]).map((p) => p.schema)],
    response: Object.values((op.responses ?? {}) as Record<string, Json>).flatMap((r) => [
      ...media(r),
      ...Object.values((r.headers ?? {}) as Record<string, Json>).map((h) => h.schema),
    ]),
  };
}

export function exportDocument(spec: Spec, identityManagementType: string): OpenAPIV3_1.Document {
  if (!spec.identityManagementTypes.includes(identityManagementType)) {
    throw new Error(
      `${identityManagementType} is not an identity management type of the spec (${spec.identityManagementTypes.join(', ')})`,
    );
  }
  const source = spec.document as unknown as Json;
  const components = (source.components ?? {}) as Json;
  const schemas = (components.schemas ?? {}) as Record<string, Json>;
  const names = new Map<object, string>(Object.entries(schemas).map(([name, s]) => [s, name]));
  const identity = Object.entries(schemas).find(([, s]) => 'x-identity-management-rules' in s);
  if (!identity) throw new Error('the spec has no schema with x-identity-management-rules');
  const sides = Object.values(spec.operations).map((op) => schemasOf(sourceOperation(spec, op)));
  const ctx: Context = {
    spec,
    type: identityManagementType,
    rules: spec.typeRules[identityManagementType] ?? { constraints: {}, forbidden: [], required: [], omissionObserved: [] },
    names,
    inRequests: reachable(
      sides.flatMap((s) => s.request),
      names,
    ),
    inResponses: reachable(
      sides.flatMap((s) => s.response),
      names,
    ),
    identityName: identity[0],
    identitySchema: identity[1],
    perTypeIdentityName: `${identity[0]}.${identityManagementType}`,
  };
  for (const op of Object.values(spec.operations)) {
    const schema = errorContentSchema(sourceOperation(spec, op));
    if (schema && names.has(schema)) ctx.errorBodyName = names.get(schema);
  }

  // Every component in the form its uses need: the response form under the model's name, the request form under
  // the model's name when only requests use it (else with a suffix); requests carry the per-type identity schema.
  const outSchemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (ctx.inResponses.has(schema) || !ctx.inRequests.has(schema)) outSchemas[name] = schemaOut(ctx, schema, 'response', { root: true });
    if (ctx.inRequests.has(schema) && schema !== ctx.identitySchema)
      outSchemas[componentName(ctx, schema, 'request')!] = schemaOut(ctx, schema, 'request', { root: true });
  }
  outSchemas[ctx.perTypeIdentityName] = perTypeIdentitySchema(ctx);

  const paths: Record<string, Json> = {};
  for (const [template, item] of Object.entries((source.paths ?? {}) as Record<string, Json>)) {
    const outItem: Json = {};
    for (const method of PATH_METHODS) {
      const op = Object.values(spec.operations).find((o) => o.pathTemplate === template && o.method === method.toUpperCase());
      if (op) outItem[method] = operationOut(ctx, op, item[method] as Json);
    }
    if (template === spec.operation.pathTemplate) {
      for (const method of PATH_METHODS) if (!outItem[method]) outItem[method] = otherMethodOut(ctx, spec.operation, method, template);
    }
    // A path of another operation under test (not this spec's) is left out.
    if (Object.keys(outItem).length) paths[template] = outItem;
  }

  const root: Json = {
    openapi: '3.1.0',
    info: {
      ...(source.info as Json),
      title: `${String((source.info as Json).title)} — ${identityManagementType} instances`,
      description: describe(ctx),
    },
  };
  for (const [key, value] of Object.entries(source)) if (key.startsWith('x-')) root[key] = structuredClone(value);
  root['x-identity-management-type'] = identityManagementType;
  root['x-generated-from'] = {
    document: basename(spec.files.document),
    requirements: basename(spec.files.requirements),
    generator: 'connect-conformance spec --export',
  };
  if (source.servers) root.servers = structuredClone(source.servers);
  if (source.security) root.security = structuredClone(source.security);
  root.paths = paths;
  root.components = {
    ...(components.securitySchemes ? { securitySchemes: structuredClone(components.securitySchemes) } : {}),
    schemas: outSchemas,
  };
  return root as unknown as OpenAPIV3_1.Document;
}

const basename = (file: string) => file.split(/[\\/]/).pop() ?? file;

function sourceOperation(spec: Spec, op: OperationSpec): Json {
  const item = (spec.document.paths?.[op.pathTemplate] ?? {}) as Json;
  return (item[op.method.toLowerCase()] ?? {}) as Json;
}

function errorContentSchema(op: Json): unknown {
  for (const [code, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    if (Number(code) < 400) continue;
    const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (schema) return schema;
  }
  return undefined;
}

// ---------------------------------------------------------------- schemas

/**
 * A schema of the loaded document, written out in a form: component schemas become $refs again (to the form's
 * component), and in the request form every optional member of an object also accepts null when the protocol says
 * that null counts as absent (x-protocol.nullIsAbsent). x-identity-management-rules is dropped: its rules are
 * written into the per-type schema.
 */
function schemaOut(ctx: Context, schema: unknown, form: Form, opts: { root?: boolean } = {}): unknown {
  if (!isObject(schema)) return structuredClone(schema);
  if (!opts.root) {
    const name = componentName(ctx, schema, form);
    if (name) return { $ref: `#/components/schemas/${name}` };
  }
  const out: Json = {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-identity-management-rules') continue;
    if (key === 'properties' && isObject(value)) {
      const props: Json = {};
      for (const [name, prop] of Object.entries(value)) {
        const written = schemaOut(ctx, prop, form);
        props[name] = required.has(name) || form === 'response' ? written : nullable(ctx, written);
      }
      out.properties = props;
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = schemaOut(ctx, value, form);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((s) => schemaOut(ctx, s, form));
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}

/** The schema, or null (an optional member of a request sent as JSON null counts as absent). */
function nullable(ctx: Context, schema: unknown): unknown {
  if (!ctx.spec.protocol.nullIsAbsent || !isObject(schema)) return schema;
  if (typeof schema.type === 'string' && !('$ref' in schema)) {
    const out: Json = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.type) || !('type' in schema || '$ref' in schema)) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * UserIdentityInfo as the operation under test accepts it on an instance of this type: the stricter bounds,
 * forbidden members (only null, which counts as absent), required members, and a value of a member whose
 * pattern has several readings must match every reading (the values they disagree on are left to the target).
 */
function perTypeIdentitySchema(ctx: Context): Json {
  const { spec, rules, type } = ctx;
  const base = schemaOut(ctx, ctx.identitySchema, 'request', { root: true }) as Json;
  const props = { ...(base.properties as Json) };
  const members = new Map(spec.members.map((m) => [m.name, m]));
  for (const [name, prop] of Object.entries(props)) {
    const member = members.get(name);
    if (!member || !isObject(prop)) continue;
    let written: Json = { ...prop };
    const c = rules.constraints[name];
    if (c?.minLength !== undefined) written.minLength = c.minLength;
    if (c?.maxLength !== undefined) written.maxLength = c.maxLength;
    const readings = member.readings.filter((r) => r.pattern !== member.pattern);
    if (readings.length) written.allOf = readings.map((r) => ({ pattern: r.pattern, description: `the ${r.reading} reading` }));
    if (rules.required.includes(name) && Array.isArray(written.type)) written.type = written.type.filter((t) => t !== 'null')[0];
    if (rules.forbidden.includes(name)) written = forbidden(ctx, member, written);
    props[name] = written;
  }
  const out: Json = { ...base, properties: props };
  const required = [...new Set([...(Array.isArray(base.required) ? (base.required as string[]) : []), ...rules.required])];
  if (required.length) out.required = required;
  const absent = rules.forbidden.filter(() => !spec.protocol.nullIsAbsent);
  if (absent.length) out.not = { anyOf: absent.map((m) => ({ required: [m] })) };
  out.description = [base.description, `As UpdateUserIdentityInfo accepts it on ${type} instances.`].filter(Boolean).join(' ');
  return out;
}

function forbidden(ctx: Context, member: MemberSpec, prop: Json): Json {
  const why = `Forbidden on ${ctx.type} instances: a request that includes ${member.name} is rejected.`;
  if (!ctx.spec.protocol.nullIsAbsent) return { ...prop, description: why };
  const kept = Object.fromEntries(Object.entries(prop).filter(([k]) => k.startsWith('x-')));
  return { type: 'null', description: `${why} Only null, which counts as absent, is allowed.`, ...kept };
}

// ---------------------------------------------------------------- operations and responses

interface ProtocolError {
  type: string;
  status: number;
  why: string;
}

/** The error types AWS front ends answer before an operation reads its input (x-protocol). */
function protocolErrors(spec: Spec): ProtocolError[] {
  const p = spec.protocol;
  const a = p.authenticationErrors;
  const throttleStatus = p.throttlingErrors.map((t) => spec.errors[t]?.status).find((s) => s !== undefined);
  return [
    ...[a.unsigned, a.unknownKey, a.badSignature].map((type) => ({ type, status: a.status, why: 'an authentication failure' })),
    { ...p.deserializationError, why: 'a request that cannot be read' },
    { ...p.unknownOperationError, why: 'a request that matches no operation' },
    { ...p.unsupportedMediaTypeError, why: 'an unsupported content type' },
    { ...p.requestTooLargeError, why: 'a body that is too large' },
    ...(throttleStatus === undefined ? [] : p.throttlingErrors.map((type) => ({ type, status: throttleStatus, why: 'throttling' }))),
  ];
}

/**
 * The error types each status may carry: the operation's own, the protocol-level ones, and for the fixture
 * operations (FX-STATUS, FX-ERROR-ENVELOPE: their deviations are findings, not gates) every type the spec declares at a
 * status.
 */
export function errorTypesByStatus(spec: Spec, op: OperationSpec): Map<number, { types: string[]; protocol: string[] }> {
  const byStatus = new Map<number, { types: string[]; protocol: string[] }>();
  const add = (status: number, type: string, protocol: boolean) => {
    const entry = byStatus.get(status) ?? { types: [], protocol: [] };
    const list = protocol ? entry.protocol : entry.types;
    if (!entry.types.includes(type) && !entry.protocol.includes(type)) list.push(type);
    byStatus.set(status, entry);
  };
  for (const e of op.errors) add(e.status, e.type, false);
  for (const e of protocolErrors(spec)) add(e.status, e.type, true);
  if (op.name !== spec.operation.name) {
    for (const e of Object.values(spec.errors)) if (byStatus.has(e.status)) add(e.status, e.type, false);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

function operationOut(ctx: Context, op: OperationSpec, source: Json): Json {
  const { spec } = ctx;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'responses') continue;
    if (key === 'requestBody' && isObject(value)) {
      const content: Json = {};
      for (const [media, m] of Object.entries((value.content ?? {}) as Record<string, Json>)) {
        content[media] = { ...m, schema: schemaOut(ctx, m.schema, 'request') };
      }
      out.requestBody = { ...value, content };
    } else if (key === 'parameters' && Array.isArray(value)) {
      out.parameters = value.map((p: Json) => ({ ...p, schema: schemaOut(ctx, p.schema, 'request', { root: true }) }));
    } else out[key] = structuredClone(value);
  }
  const responses: Json = {};
  const sourceResponses = (source.responses ?? {}) as Record<string, Json>;
  for (const [code, response] of Object.entries(sourceResponses)) {
    if (Number(code) >= 300) continue;
    responses[code] = successOut(ctx, response);
  }
  for (const [status, { types, protocol }] of errorTypesByStatus(spec, op)) {
    const declared = sourceResponses[String(status)];
    const lines = [declared?.description ? String(declared.description) : undefined];
    if (types.length) lines.push(`Error types of ${op.name}: ${types.join(', ')}.`);
    if (protocol.length) {
      const why = protocolErrors(spec).filter((e) => protocol.includes(e.type));
      lines.push(
        `Protocol-level types (AWS front ends, before the operation reads its input): ${why.map((e) => `${e.type} for ${e.why}`).join(', ')}.`,
      );
    }
    responses[String(status)] = errorResponse(ctx, lines.filter(Boolean).join(' '), [...types, ...protocol]);
  }
  out.responses = responses;
  return out;
}

/** The extension that lists the headers a response never carries (no schema can say "absent" without a generator
 * turning it into a value). */
export const ABSENT_HEADERS = 'x-absent-headers';
/** The extension that holds the body a response may carry instead of none (OpenAPI cannot make a body optional). */
export const OPTIONAL_CONTENT = 'x-optional-content';

/** A body schema that admits only the empty JSON object: the body says nothing, so restJson1 may leave it out. */
const saysNothing = (schema: unknown) => isObject(schema) && schema.type === 'object' && schema.maxProperties === 0;

/**
 * A success response: its body in the response form; a body that can say nothing ({}) is optional, so `content` is
 * left out (an empty body with no Content-Type is what the document describes) and the {} a server may send
 * instead is in x-optional-content; the error type header is listed as absent (OK-SUCCESS-ENVELOPE).
 */
function successOut(ctx: Context, response: Json): Json {
  const { content, headers, ...rest } = response;
  const r: Json = structuredClone(rest);
  // A link to an operation this spec does not hold (another operation under test) is left out.
  if (isObject(r.links)) {
    const kept = Object.entries(r.links as Record<string, Json>).filter(([, l]) => String(l.operationId) in ctx.spec.operations);
    if (kept.length) r.links = Object.fromEntries(kept);
    else delete r.links;
  }
  if (headers) r.headers = structuredClone(headers);
  if (isObject(content)) {
    const written = Object.fromEntries(
      Object.entries(content as Record<string, Json>).map(([m, c]) => [
        m,
        { ...structuredClone(c), schema: schemaOut(ctx, c.schema, 'response') },
      ]),
    );
    const optional = Object.values(content as Record<string, Json>).every((c) => saysNothing(c.schema));
    if (optional) {
      r[OPTIONAL_CONTENT] = written;
      r.description = [
        r.description,
        `The body is optional: none (no Content-Type needed), or ${Object.keys(written).join(' or ')} as ${OPTIONAL_CONTENT} gives it.`,
      ]
        .filter(Boolean)
        .join(' ');
    } else r.content = written;
  }
  r[ABSENT_HEADERS] = [ctx.spec.protocol.errorTypeHeader];
  return r;
}

/**
 * An error response whose type, in the header or in the body's type fields, is one of `types` (any, when undefined);
 * every type schema has an example (the first type, or the routing type when any is allowed), so that a generator's
 * value is a type. A response to HEAD has no body: the type can only be in the header.
 */
function errorResponse(ctx: Context, description: string, types: string[] | undefined, opts: { body?: boolean } = {}): Json {
  const p = ctx.spec.protocol;
  const example = types?.[0] ?? p.unknownOperationError.type;
  const typeSchema: Json = types
    ? { type: 'string', pattern: errorTypePattern(types), examples: [example] }
    : { type: 'string', minLength: 1, examples: [example] };
  const fields: [string, unknown][] = p.errorTypeBodyFields.map((f) => [f, typeSchema]);
  // The message fields are the error body component's; without one, they are written here.
  if (!ctx.errorBodyName) fields.push(...p.messageFields.map((f): [string, unknown] => [f, { type: 'string' }]));
  const body: Json = { type: 'object', properties: Object.fromEntries(fields) };
  const where =
    opts.body === false
      ? 'The response has no body, so the type is here.'
      : `It may be in the body instead (${p.errorTypeBodyFields.join(', ')}).`;
  return {
    description,
    headers: {
      [p.errorTypeHeader]: {
        description: `The error type${types ? ` (${types.join(', ')})` : ''}, possibly as namespace#Type or Type:uri. ${where}`,
        schema: typeSchema,
        example,
      },
    },
    ...(opts.body === false
      ? {}
      : {
          content: {
            'application/json': {
              schema: ctx.errorBodyName ? { allOf: [{ $ref: `#/components/schemas/${ctx.errorBodyName}` }, body] } : body,
            },
          },
        }),
  };
}

/**
 * A method the operation's path does not have: not an operation; what it gets is the routing outcome
 * (docs/contract.md B20).
 */
function otherMethodOut(ctx: Context, op: OperationSpec, method: string, template: string): Json {
  const { spec } = ctx;
  const p = spec.protocol;
  const outcome = p.outcomes.routing;
  const allowed = Object.values(spec.operations)
    .filter((o) => o.pathTemplate === template)
    .map((o) => o.method);
  const types = outcome.types === 'operation' ? op.errors.map((e) => e.type) : undefined;
  const responses: Json = {};
  const statuses = outcome.status === '4xx' ? ['4XX'] : outcome.status.map(String);
  const what = `Not an operation: ${method.toUpperCase()} on the path of ${op.name} matches no operation of the service`;
  // docs/contract.md B20: any 4xx that carries an error type. A 405 is one of them; its Allow header (RFC 9110) is
  // what AWS front ends send, not a rule of the contract, so it is described and not required.
  for (const status of statuses) {
    responses[status] = errorResponse(
      ctx,
      `${what}, so it gets ${status === '4XX' ? 'a client error' : status}${types ? '' : ' that carries an error type (any type)'} and changes nothing; AWS front ends answer ${p.unknownOperationError.status} ${p.unknownOperationError.type}, and a ${p.methodNotAllowed.status} usually names the path's methods (${allowed.join(', ')}) in ${p.methodNotAllowed.header}.`,
      types,
      { body: method !== 'head' },
    );
  }
  const source = sourceOperation(spec, op);
  return {
    operationId: `${op.name}.${method.toUpperCase()}`,
    summary: `${method.toUpperCase()} is not an operation on this path (${op.name} is ${op.method}).`,
    description: `${what}. docs/contract.md B20: any ${outcome.status === '4xx' ? '4xx' : outcome.status.join(' or ')} that carries an error type, never a 5xx, and nothing changes.`,
    ...(source.parameters
      ? {
          parameters: (source.parameters as Json[]).map((prm) => ({
            ...prm,
            schema: schemaOut(ctx, prm.schema, 'request', { root: true }),
          })),
        }
      : {}),
    responses,
  };
}

// ---------------------------------------------------------------- description

const range = (min: number | undefined, max: number | undefined) => `${min ?? 0}..${max ?? '∞'}`;

/** The links of the spec's responses, as `Operation status → Target`. */
function linksOf(spec: Spec): string[] {
  const out: string[] = [];
  for (const op of Object.values(spec.operations)) {
    for (const [code, response] of Object.entries((sourceOperation(spec, op).responses ?? {}) as Record<string, Json>)) {
      for (const link of Object.values((response.links ?? {}) as Record<string, Json>))
        if (String(link.operationId) in spec.operations) out.push(`${op.name} ${code} → ${String(link.operationId)}`);
    }
  }
  return out;
}

/** Every x-documented-maximum of the document's component schemas, as `Schema.Member up to N`. */
function documentedMaxima(spec: Spec): string[] {
  const out: string[] = [];
  for (const [name, schema] of Object.entries((spec.document.components?.schemas ?? {}) as Record<string, Json>))
    for (const [member, sub] of Object.entries((schema.properties ?? {}) as Record<string, Json>))
      if (sub['x-documented-maximum'] !== undefined) out.push(`${name}.${member} up to ${String(sub['x-documented-maximum'])}`);
  return out;
}

/** Every x-observed-combinations of the document's component schemas, as `Schema: name, name`. */
function observedCombinations(spec: Spec): string[] {
  return Object.entries((spec.document.components?.schemas ?? {}) as Record<string, Json>)
    .filter(([, schema]) => isObject(schema['x-observed-combinations']))
    .map(([name, schema]) => `${name}: ${Object.keys(schema['x-observed-combinations'] as Json).join(', ')}`);
}

/** What the schemas of this document express, and what they cannot (kept in x- and checked by the suite only). */
function describe(ctx: Context): string {
  const { spec, rules, type } = ctx;
  const sourceDescription = String(((spec.document as unknown as Json).info as Json).description ?? '');
  const p = spec.protocol;
  const expressed: string[] = [];
  for (const m of spec.members) {
    const c = rules.constraints[m.name];
    const parts: string[] = [];
    if (rules.forbidden.includes(m.name)) parts.push('forbidden (only null)');
    else {
      if (m.minLength !== undefined || m.maxLength !== undefined || c)
        parts.push(`length ${range(c?.minLength ?? m.minLength, c?.maxLength ?? m.maxLength)} code points`);
      if (m.pattern || m.readings.length)
        parts.push(
          `must match ${m.readings.length ? `every reading of its pattern (${m.readings.map((r) => r.reading).join(', ')})` : `\`${m.pattern}\``}`,
        );
      if (rules.required.includes(m.name)) parts.push('required');
    }
    if (parts.length) expressed.push(`IdentityInfo.${m.name}: ${parts.join('; ')}.`);
  }
  const perType = Object.values(spec.operations)
    .filter((op) => reachable([op.bodySchema], new Map([[ctx.identitySchema, ctx.identityName]])).size)
    .map((op) => op.name);
  expressed.push(
    `Requests (${perType.join(', ')}) carry ${ctx.identityName} as ${ctx.perTypeIdentityName}, with the rules of ${type} instances; responses carry ${ctx.identityName} as the model has it.`,
  );
  if (p.nullIsAbsent) {
    expressed.push(
      `A member of a request sent as JSON null counts as absent: every optional member of a request also accepts null (a component that responses use too has a request form, NAME${REQUEST_FORM_SUFFIX}). A response member is never null: the model has no null, and a serializer leaves an absent member out.`,
    );
  }
  expressed.push(`Lengths count Unicode code points (x-length-unit: ${spec.lengthUnit}), as JSON Schema's minLength and maxLength do.`);
  expressed.push(
    `Every error status lists the error types it may carry, in the ${p.errorTypeHeader} header and in the body's ${p.errorTypeBodyFields.join(' and ')} fields, in every form restJson1 clients accept (Type, namespace#Type, Type:uri); the protocol-level types (x-protocol) are included: ${p.authenticationErrors.status} for authentication, ${p.deserializationError.status} ${p.deserializationError.type}, ${p.unknownOperationError.status} ${p.unknownOperationError.type}, ${p.unsupportedMediaTypeError.status}, ${p.requestTooLargeError.status}, ${p.throttlingErrors.join('/')}.`,
  );
  expressed.push(
    `A success carries no error type: ${ABSENT_HEADERS} lists the headers a response never carries (${p.errorTypeHeader}), since a header schema that no value matches becomes a value in generated responses.`,
  );
  expressed.push(
    `${spec.operation.name}'s ${spec.operation.successStatus} has no body or the empty JSON object: OpenAPI cannot make a response body optional, so the response declares no content (an empty body needs no Content-Type) and ${OPTIONAL_CONTENT} holds the {} a server may send instead.`,
  );
  expressed.push(
    'Every error type schema has an example (the first type its status lists), so that generated error responses carry a type.',
  );
  expressed.push(
    `The other methods of the path ${spec.operation.pathTemplate} are described as operations ${spec.operation.name}.METHOD: any 4xx with an error type (docs/contract.md B20; a ${p.methodNotAllowed.status} usually names the path's methods in ${p.methodNotAllowed.header}, which is not required); a response to HEAD has no body.`,
  );
  const links = linksOf(spec);
  if (links.length) expressed.push(`Links lead from the operations that name a user to the operations that take one: ${links.join('; ')}.`);

  const notExpressed: string[] = [];
  const normalized = spec.members.filter((m) => m.normalization);
  if (normalized.length)
    notExpressed.push(
      `x-normalization: ${normalized.map((m) => `${m.name} must be in ${m.normalization}`).join(', ')} (where the member is allowed); a value that is not is rejected with 400.`,
    );
  const documented = documentedMaxima(spec);
  if (documented.length)
    notExpressed.push(
      `x-documented-maximum: ${documented.join(', ')}: a bound of the documentation, not of the model; a request to the operation under test over it SHOULD be rejected with 400, and this document does not reject it.`,
    );
  const combinations = observedCombinations(spec);
  if (combinations.length)
    notExpressed.push(
      `x-observed-combinations: ${combinations.join(', ')}: requests the material leaves open; a request of the operation under test that matches one may be accepted or rejected (observed, not judged), and this document accepts it.`,
    );
  const sensitive = spec.members.filter((m) => m.sensitive);
  if (sensitive.length)
    notExpressed.push(`x-sensitive: the values of ${sensitive.map((m) => m.name).join(', ')} never appear in an error response.`);
  for (const m of spec.members.filter((x) => x.readings.length && !rules.forbidden.includes(x.name))) {
    notExpressed.push(
      `${m.readingsKeyword === 'pattern' ? 'x-pattern-readings' : 'x-documented-pattern'}: a ${m.name} on which the readings disagree may be accepted or rejected (observed, not judged); this document calls it invalid${m.readingsKeyword === 'x-documented-pattern' ? `, and the pattern is documentation, not a model trait (a SHOULD)` : ''}.`,
    );
  }
  notExpressed.push(
    `x-protocol: an error response carries its type in the ${p.errorTypeHeader} header or in the body (${p.errorTypeBodyFields.join(', ')}) — at least one, which no schema can require across header and body; the header form is a SHOULD.`,
  );
  notExpressed.push(
    `x-protocol.outcomes: a request that cannot be read (deserialization) or matches no operation (routing) may get any error type; this document lists the ones AWS front ends use, so a tool flags another one where the suite does not.`,
  );
  const encoded = spec.operation.labels
    .filter((l) => spec.constraints.some((c) => c.member === l.name && c.keyword === 'encoding'))
    .map((l) => l.name);
  if (encoded.length) {
    notExpressed.push(
      `The labels ${encoded.join(' and ')} travel percent-encoded as UTF-8; a label whose bytes do not decode gets a 4xx with an error type (a URL rule, not a schema one).`,
    );
  }
  const open = spec.requirements.filter((r) => r.level === 'OBSERVE' && r.appliesTo.includes(type));
  if (open.length) {
    notExpressed.push(
      `Left open by the contract, observed and never judged (a tool's positive or negative tests may flag either answer): ${open.map((r) => `${r.id} (${r.title})`).join('; ')}.`,
    );
  }
  const byArea = new Map<string, string[]>();
  for (const r of spec.requirements.filter((x) => !x.constrains.length && x.appliesTo.includes(type) && x.level !== 'OBSERVE')) {
    byArea.set(r.area, [...(byArea.get(r.area) ?? []), `${r.id} (${r.level})`]);
  }
  const beyond = [...byArea.entries()].map(([area, ids]) => `${area}: ${ids.join(', ')}`);

  return [
    sourceDescription,
    '',
    `Generated by \`connect-conformance spec --export\` from ${basename(spec.files.document)} and ${basename(spec.files.requirements)} (model: botocore ${spec.model.botocore}, ${spec.model.year}); do not edit: change spec/ and export again.`,
    `This document is for instances whose identity management type is ${type}.`,
    '',
    'What the schemas express:',
    ...expressed.map((l) => `- ${l}`),
    '',
    'What no schema can express (kept in x- extensions; connect-conformance checks them, a general-purpose tool does not):',
    ...notExpressed.map((l) => `- ${l}`),
    `- Requirements beyond one exchange or beyond a schema (read-back, nothing lost on rejection, isolation of users and instances, repetition, validation before existence, no 5xx for client input, authentication that changes nothing, sensitive echo): ${beyond.join('; ')}.`,
  ].join('\n');
}
