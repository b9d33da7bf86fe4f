// The exported OpenAPI documents (spec/export/): valid OpenAPI 3.1, self-contained, generated from spec/ alone (a
// change of the spec shows in the export with no other edit), every rule JSON Schema can carry written in schema
// keywords, every x- extension left in a document named in its description; and the `spec --export` command.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_DOCUMENT, defaultSpec, loadSpec, type Spec } from '../spec/index.ts';
import {
  errorTypePattern,
  errorTypesByStatus,
  exportDocument,
  exportDocuments,
  exportFileName,
  exportYaml,
  openApiProblems,
} from '../spec/export/write.ts';
import { ABSENT_HEADERS, OPTIONAL_CONTENT } from '../spec/export/openapi.ts';
import { SPEC_HELP, specCommand } from '../bin/spec-command.ts';
import { UsageError } from '../bin/usage.ts';

type Json = Record<string, unknown>;
const spec = await defaultSpec();
const documents = exportDocuments(spec);

/** A JSON Schema validator over one exported document (its components resolvable by $ref). */
function schemaValidator(document: OpenAPIV3_1.Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...(document as unknown as Json), $id: 'doc' });
  return (pointer: string) => ajv.getSchema(`doc#${pointer}`)!;
}

const identityOf = (document: OpenAPIV3_1.Document) => {
  const body = (
    document.paths![spec.operation.pathTemplate]![spec.operation.method.toLowerCase() as 'post']!
      .requestBody as OpenAPIV3_1.RequestBodyObject
  ).content['application/json']!.schema as Json;
  const request = document.components!.schemas![String(body.$ref).split('/').pop()!] as Json;
  const ref = String(((request.properties as Json).IdentityInfo as Json).$ref);
  return { pointer: ref.slice(1), schema: document.components!.schemas![ref.split('/').pop()!] as Json };
};

function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsOf(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

function extensionsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) extensionsOf(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-')) out.add(k);
      extensionsOf(v, out);
    }
  }
  return out;
}

describe('the exported documents', () => {
  it('are one per identity management type, each valid OpenAPI 3.1 and self-contained', async () => {
    expect(Object.keys(documents).sort()).toEqual([...spec.identityManagementTypes].sort());
    for (const [type, document] of Object.entries(documents)) {
      expect(document.openapi).toBe('3.1.0');
      expect(await openApiProblems(document), type).toBeUndefined();
      for (const ref of refsOf(document)) {
        expect(ref, type).toMatch(/^#\/components\/schemas\/[A-Za-z0-9._-]+$/);
        expect(document.components!.schemas![ref.split('/').pop()!], ref).toBeDefined();
      }
      // Through YAML and back, as a tool reads the file: the same document.
      expect(parseYaml(exportYaml(document))).toEqual(JSON.parse(JSON.stringify(document)));
    }
  });

  it.each(spec.identityManagementTypes)('carry the %s rules of the spec in schema keywords', (type) => {
    const document = documents[type]!;
    const { pointer, schema } = identityOf(document);
    const validate = schemaValidator(document)(pointer);
    const rules = spec.typeRules[type]!;
    const props = schema.properties as Record<string, Json>;
    for (const m of spec.members) {
      const prop = props[m.name]!;
      if (rules.forbidden.includes(m.name)) {
        expect(validate({ [m.name]: 'x' }), `${type} ${m.name} forbidden`).toBe(false);
        if (spec.protocol.nullIsAbsent) expect(validate({ [m.name]: null }), `${type} ${m.name}: null is absent`).toBe(true);
        continue;
      }
      const min = rules.constraints[m.name]?.minLength ?? m.minLength ?? 0;
      const max = rules.constraints[m.name]?.maxLength ?? m.maxLength;
      expect(prop.minLength ?? 0, `${type} ${m.name} minLength`).toBe(min);
      expect(prop.maxLength, `${type} ${m.name} maxLength`).toBe(max);
      if (max !== undefined && !m.pattern && !m.readings.length) {
        // Code points, as the spec counts them: max astral characters fit, one more does not.
        expect(validate({ [m.name]: '😀'.repeat(max) }), `${type} ${m.name} at max`).toBe(true);
        expect(validate({ [m.name]: '😀'.repeat(max + 1) }), `${type} ${m.name} over max`).toBe(false);
        if (min > 0) expect(validate({ [m.name]: 'a'.repeat(min - 1) }), `${type} ${m.name} under min`).toBe(false);
      }
      if (spec.protocol.nullIsAbsent) expect(validate({ [m.name]: null }), `${type} ${m.name} null`).toBe(true);
      for (const r of m.readings)
        expect(JSON.stringify(prop), `${type} ${m.name} reading ${r.reading}`).toContain(JSON.stringify(r.pattern));
    }
    for (const required of rules.required) expect(schema.required).toContain(required);
    expect(validate({})).toBe(!rules.required.length);
  });

  it('say which error types each status may carry, in the header and in the body, in every form clients accept', () => {
    const document = documents[spec.identityManagementTypes[0]!]!;
    const responses = document.paths![spec.operation.pathTemplate]![spec.operation.method.toLowerCase() as 'post']!
      .responses as unknown as Record<string, Json>;
    const byStatus = errorTypesByStatus(spec, spec.operation);
    for (const e of spec.operation.errors) expect(byStatus.get(e.status)!.types).toContain(e.type);
    const p = spec.protocol;
    expect(byStatus.get(p.deserializationError.status)!.protocol).toContain(p.deserializationError.type);
    expect(byStatus.get(p.authenticationErrors.status)!.protocol).toEqual(
      expect.arrayContaining([p.authenticationErrors.unsigned, p.authenticationErrors.unknownKey, p.authenticationErrors.badSignature]),
    );
    for (const [status, { types, protocol }] of byStatus) {
      const header = ((responses[String(status)]!.headers as Json)[p.errorTypeHeader] as Json).schema as Json;
      const pattern = new RegExp(String(header.pattern), 'u');
      for (const type of [...types, ...protocol]) {
        for (const form of [type, `com.amazonaws.connect#${type}`, `${type}:http://internal.amazon.com/coral/com.amazonaws.connect/`])
          expect(pattern.test(form), form).toBe(true);
      }
      expect(pattern.test('ValidationException'), `${status} ValidationException`).toBe(false);
    }
    // Every error type schema has an example of its own status, so that a generated response carries a type.
    for (const [status, { types, protocol }] of byStatus) {
      const header = (responses[String(status)]!.headers as Json)[p.errorTypeHeader] as Json;
      expect([...types, ...protocol], `${status}`).toContain(header.example);
      expect((header.schema as Json).examples).toEqual([header.example]);
      expect(new RegExp(String((header.schema as Json).pattern)).test(String(header.example))).toBe(true);
    }
    // The fixture operations accept what the service declares at each status (FX-STATUS, FX-ERROR-ENVELOPE):
    // DescribeInstance's 400.
    const other = Object.values(spec.operations).find(
      (o) => o.name !== spec.operation.name && !o.errors.some((e) => e.type === 'InvalidParameterException'),
    );
    if (other) expect(errorTypesByStatus(spec, other).get(400)?.types).toContain('InvalidParameterException');
  });

  it("describe the other methods of the operation's path as the contract does: any 4xx with a type, no Allow required, no body on HEAD", () => {
    const item = documents[spec.identityManagementTypes[0]!]!.paths![spec.operation.pathTemplate]! as Json;
    for (const method of ['get', 'put', 'delete', 'options', 'head', 'patch', 'trace']) {
      const op = item[method] as Json;
      expect(op, method).toBeDefined();
      const responses = op.responses as Record<string, Json>;
      // docs/contract.md B20 (the routing outcome): any 4xx that carries an error type; a 405 is one of them.
      expect(Object.keys(responses), method).toEqual(['4XX']);
      const headers = responses['4XX']!.headers as Record<string, Json>;
      expect(Object.keys(headers)).toEqual([spec.protocol.errorTypeHeader]);
      expect(Object.values(headers).some((h) => h.required)).toBe(false);
      expect(JSON.stringify(op)).not.toContain(`"${spec.protocol.methodNotAllowed.header}"`);
      if (method === 'head') expect(responses['4XX']!.content, 'HEAD has no body').toBeUndefined();
      else expect(responses['4XX']!.content, method).toBeDefined();
    }
  });

  it.each(spec.identityManagementTypes)('%s: the success of the operation is an empty body or {}, with no content required', (type) => {
    const document = documents[type]!;
    const success = (document.paths![spec.operation.pathTemplate]!.post!.responses as unknown as Record<string, Json>)[
      String(spec.operation.successStatus)
    ]!;
    // No content: a tool then neither requires a Content-Type nor a JSON body of an empty answer.
    expect(success.content).toBeUndefined();
    const optional = (success[OPTIONAL_CONTENT] as Record<string, Json>)['application/json']!.schema as Json;
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(optional, {})).toBe(true);
    expect(ajv.validate(optional, { IdentityInfo: {} })).toBe(false);
    expect(String(document.info.description)).toContain(OPTIONAL_CONTENT);
    // A success whose body says something keeps its content (DescribeUser).
    const describeUser = (document.paths!['/users/{InstanceId}/{UserId}']!.get!.responses as unknown as Record<string, Json>)['200']!;
    expect(describeUser.content).toBeDefined();
    expect(describeUser[OPTIONAL_CONTENT]).toBeUndefined();
  });

  it.each(spec.identityManagementTypes)('%s: say "absent" with x-absent-headers, never with a schema no value matches', (type) => {
    const document = documents[type]!;
    const notAnything: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) for (const [i, n] of node.entries()) walk(n, `${at}/${i}`);
      else if (typeof node === 'object' && node !== null) {
        if ('not' in node && JSON.stringify((node as Json).not) === '{}') notAnything.push(at);
        for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
      }
    };
    walk(document, '');
    expect(notAnything).toEqual([]);
    for (const [template, item] of Object.entries(document.paths!)) {
      for (const [method, op] of Object.entries(item as Record<string, Json>)) {
        for (const [code, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
          if (!code.startsWith('2')) continue;
          expect(response[ABSENT_HEADERS], `${method} ${template} ${code}`).toEqual([spec.protocol.errorTypeHeader]);
          expect(Object.keys((response.headers ?? {}) as Json)).not.toContain(spec.protocol.errorTypeHeader);
        }
      }
    }
  });

  it.each(spec.identityManagementTypes)(
    '%s: responses never carry null (the model has none); optional request members accept it (null is absent)',
    (type) => {
      const document = documents[type]!;
      const validate = schemaValidator(document);
      const schemas = document.components!.schemas! as Record<string, Json>;
      // Every schema a response reaches, followed through $refs: no null type, no anyOf wrapper around a $ref.
      const reached = new Set<string>();
      const nulls: string[] = [];
      const walk = (node: unknown, at: string) => {
        if (Array.isArray(node)) for (const [i, n] of node.entries()) walk(n, `${at}/${i}`);
        else if (typeof node === 'object' && node !== null) {
          const o = node as Json;
          if (o.type === 'null' || (Array.isArray(o.type) && o.type.includes('null'))) nulls.push(at);
          if (typeof o.$ref === 'string') {
            const name = o.$ref.split('/').pop()!;
            if (!reached.has(name)) {
              reached.add(name);
              walk(schemas[name], `#/components/schemas/${name}`);
            }
          }
          for (const [k, v] of Object.entries(o)) if (k !== '$ref') walk(v, `${at}/${k}`);
        }
      };
      for (const [template, item] of Object.entries(document.paths!)) {
        for (const [method, op] of Object.entries(item as Record<string, Json>)) {
          for (const [code, response] of Object.entries((op.responses ?? {}) as Record<string, Json>))
            walk(response, `${method} ${template} ${code}`);
        }
      }
      expect(nulls).toEqual([]);
      expect([...reached]).toEqual(
        expect.arrayContaining(['DescribeUserResponse', 'User', 'UserIdentityInfo', 'UserPhoneConfig', 'CreateUserResponse']),
      );
      expect(reached.has(`UserIdentityInfo.${type}`)).toBe(false);
      const describeUser = validate('/components/schemas/DescribeUserResponse');
      expect(describeUser({ User: { Id: 'u', IdentityInfo: { FirstName: 'Ada' } } })).toBe(true);
      expect(describeUser({ User: null })).toBe(false);
      expect(describeUser({ User: { IdentityInfo: null } })).toBe(false);
      expect(describeUser({ User: { PhoneConfig: { AutoAccept: null } } })).toBe(false);
      // Requests: CreateUser's optional members accept null, through the request form of the shared UserPhoneConfig.
      const createUser = validate('/components/schemas/CreateUserRequest');
      const minimal = { Username: 'ada', SecurityProfileIds: ['p'], RoutingProfileId: 'r' };
      expect(createUser({ ...minimal, Password: null, PhoneConfig: null, IdentityInfo: null })).toBe(true);
      expect(createUser({ ...minimal, PhoneConfig: { PhoneType: null, AutoAccept: null } })).toBe(true);
      expect(createUser({ ...minimal, Username: null })).toBe(false);
    },
  );

  it.each(spec.identityManagementTypes)(
    "%s: CreateUser's request carries the per-type identity rules, as UpdateUserIdentityInfo's does",
    (type) => {
      const document = documents[type]!;
      const createBody = (
        (document.paths!['/users/{InstanceId}']!.put!.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json']!
          .schema as Json
      ).$ref as string;
      const createUser = document.components!.schemas![createBody.split('/').pop()!] as Json;
      expect(JSON.stringify((createUser.properties as Json).IdentityInfo)).toContain(`"#/components/schemas/UserIdentityInfo.${type}"`);
      expect(identityOf(document).pointer).toBe(`/components/schemas/UserIdentityInfo.${type}`);
      const validate = schemaValidator(document)(`/components/schemas/${createBody.split('/').pop()!}`);
      const minimal = { Username: 'ada', SecurityProfileIds: ['p'], RoutingProfileId: 'r' };
      const rules = spec.typeRules[type]!;
      for (const m of rules.forbidden) expect(validate({ ...minimal, IdentityInfo: { [m]: 'x' } }), `${type} ${m} forbidden`).toBe(false);
      for (const [m, c] of Object.entries(rules.constraints)) {
        if (c.minLength)
          expect(validate({ ...minimal, IdentityInfo: { [m]: 'a'.repeat(c.minLength - 1) } }), `${type} ${m} under its minLength`).toBe(
            false,
          );
        if (c.maxLength)
          expect(validate({ ...minimal, IdentityInfo: { [m]: 'a'.repeat(c.maxLength + 1) } }), `${type} ${m} over its maxLength`).toBe(
            false,
          );
      }
      expect(validate({ ...minimal, IdentityInfo: {} })).toBe(true);
      // The per-type schema is this document's only UserIdentityInfo request form.
      expect(Object.keys(document.components!.schemas!).filter((n) => n.startsWith('UserIdentityInfo.'))).toEqual([
        `UserIdentityInfo.${type}`,
      ]);
    },
  );

  it('link CreateUser and DescribeUser to UpdateUserIdentityInfo (and the update to its read-back), each link complete', () => {
    const document = documents[spec.identityManagementTypes[0]!]!;
    const ops = new Map<string, { template: string; op: Json }>();
    for (const [template, item] of Object.entries(document.paths!))
      for (const op of Object.values(item as Record<string, Json>)) ops.set(String(op.operationId), { template, op });
    const links: [string, string][] = [];
    for (const [source, { op }] of ops) {
      for (const response of Object.values((op.responses ?? {}) as Record<string, Json>)) {
        for (const [name, link] of Object.entries((response.links ?? {}) as Record<string, Json>)) {
          const target = ops.get(String(link.operationId));
          expect(target, `${source} ${name}`).toBeDefined();
          links.push([source, String(link.operationId)]);
          const labels = ((target!.op.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => String(p.name));
          const given = link.parameters as Record<string, string>;
          expect(Object.keys(given).sort(), `${source} → ${String(link.operationId)}`).toEqual(labels.sort());
          for (const expression of Object.values(given)) {
            const path = /^\$request\.path\.(\w+)$/.exec(expression);
            const body = /^\$response\.body#\/(.+)$/.exec(expression);
            expect(path ?? body, expression).not.toBeNull();
            if (path)
              expect(
                ((op.parameters ?? []) as Json[]).map((p) => p.name),
                expression,
              ).toContain(path[1]);
            if (body) {
              // The pointer names a member of the response schema, a plain (non-null) string there.
              let schema = (response.content as Record<string, Json>)['application/json']!.schema as Json;
              for (const segment of body[1]!.split('/')) {
                while (schema.$ref) schema = document.components!.schemas![String(schema.$ref).split('/').pop()!] as Json;
                schema = (schema.properties as Record<string, Json>)[segment]!;
                expect(schema, `${expression}: ${segment}`).toBeDefined();
              }
              expect(schema.type, expression).toBe('string');
            }
          }
        }
      }
    }
    expect(links).toEqual(
      expect.arrayContaining([
        ['CreateUser', spec.operation.name],
        ['DescribeUser', spec.operation.name],
        [spec.operation.name, 'DescribeUser'],
      ]),
    );
  });

  it('name every x- extension they keep in their description, with what no schema can express', () => {
    for (const [type, document] of Object.entries(documents)) {
      const description = String(document.info.description);
      const kept = extensionsOf({ paths: document.paths, components: document.components });
      for (const x of kept) expect(description, `${type}: ${x}`).toContain(x);
      for (const m of spec.members.filter((x) => x.normalization)) expect(description).toContain(`${m.name} must be in ${m.normalization}`);
      for (const id of ['RB-READBACK', 'NL-OTHER-USERS-UNCHANGED', 'SENS-NO-ECHO', 'PREC-VALIDATION-FIRST'])
        expect(description).toContain(id);
    }
  });
});

describe('spec/ stays the single source', () => {
  const yaml = () => parseYaml(readFileSync(DEFAULT_DOCUMENT, 'utf8')) as Json;
  const tweaked = async (edit: (doc: Json) => void): Promise<Spec> => {
    const doc = yaml();
    edit(doc);
    return loadSpec({ document: doc });
  };
  const schemas = (doc: Json) => (doc.components as Json).schemas as Record<string, Json>;
  const rulesOf = (doc: Json) => schemas(doc).UserIdentityInfo!['x-identity-management-rules'] as Record<string, Json>;

  it('a changed per-type bound, a new error type and a renamed protocol-level type show in the export with no other edit', async () => {
    const changed = await tweaked((doc) => {
      const rules = rulesOf(doc);
      ((rules.CONNECT_MANAGED!.constraints as Json).LastName as Json).maxLength = 200;
      ((rules.CONNECT_MANAGED!.constraints as Json).FirstName as Json).minLength = 2;
      ((doc['x-protocol'] as Json).deserializationError as Json).type = 'BadRequestException';
      const header = ((((doc.components as Json).responses as Json).InvalidInput as Json).headers as Json)['X-Amzn-Errortype'] as Json;
      (header.schema as Json).enum = [...((header.schema as Json).enum as string[]), 'ValidationException'];
    });
    const before = identityOf(documents.CONNECT_MANAGED!).schema.properties as Record<string, Json>;
    const after = identityOf(exportDocument(changed, 'CONNECT_MANAGED')).schema.properties as Record<string, Json>;
    expect(before.LastName!.maxLength).not.toBe(200);
    expect(after.LastName!.maxLength).toBe(200);
    expect(after.FirstName!.minLength).toBe(2);
    const responses = exportDocument(changed, 'SAML').paths![changed.operation.pathTemplate]!.post!.responses as unknown as Record<
      string,
      Json
    >;
    const pattern = new RegExp(String((((responses['400']!.headers as Json)['X-Amzn-Errortype'] as Json).schema as Json).pattern));
    for (const type of ['ValidationException', 'BadRequestException']) expect(pattern.test(type), type).toBe(true);
    expect(pattern.test('SerializationException')).toBe(false);
    expect(exportYaml(exportDocument(changed, 'CONNECT_MANAGED'))).not.toEqual(exportYaml(documents.CONNECT_MANAGED!));
  });

  it('null as absent comes from x-protocol.nullIsAbsent: without it, forbidden means absent and nothing accepts null', async () => {
    const changed = await tweaked((doc) => {
      (doc['x-protocol'] as Json).nullIsAbsent = false;
    });
    const document = exportDocument(changed, 'EXISTING_DIRECTORY');
    const { pointer, schema } = identityOf(document);
    const validate = schemaValidator(document)(pointer);
    expect(validate({ Mobile: null })).toBe(false);
    expect(validate({ FirstName: null })).toBe(false);
    expect(validate({ FirstName: 'Ada' })).toBe(false);
    expect(schema.not).toBeDefined();
  });

  it('the success body, the links and the sides a component is used on come from the spec', async () => {
    const changed = await tweaked((doc) => {
      const post = ((doc.paths as Json)['/users/{InstanceId}/{UserId}/identity-info'] as Json).post as Json;
      const ok = (post.responses as Json)['200'] as Json;
      ((ok.content as Json)['application/json'] as Json).schema = { type: 'object', properties: { Updated: { type: 'boolean' } } };
      delete ok.links;
      const create = ((doc.paths as Json)['/users/{InstanceId}'] as Json).put as Json;
      delete (((create.responses as Json)['200'] as Json).links as Json).UpdateIdentityInfo;
      // CreateUser no longer takes a PhoneConfig: UserPhoneConfig is a response component only.
      delete (schemas(doc).CreateUserRequest!.properties as Json).PhoneConfig;
    });
    const document = exportDocument(changed, 'CONNECT_MANAGED');
    const ok = (document.paths![changed.operation.pathTemplate]!.post!.responses as unknown as Record<string, Json>)['200']!;
    expect(ok.content).toBeDefined();
    expect(ok[OPTIONAL_CONTENT]).toBeUndefined();
    expect(ok.links).toBeUndefined();
    expect(
      Object.keys(
        ((document.paths!['/users/{InstanceId}']!.put!.responses as unknown as Record<string, Json>)['200']!.links ?? {}) as Json,
      ),
    ).toEqual(['Describe']);
    expect(Object.keys(document.components!.schemas!)).not.toContain('UserPhoneConfig.request');
    expect(Object.keys(documents.CONNECT_MANAGED!.components!.schemas!)).toContain('UserPhoneConfig.request');
  });

  it('errorTypePattern reads a type the way restJson1 clients sanitise it', () => {
    const p = new RegExp(errorTypePattern(['ResourceNotFoundException']));
    expect(
      [
        'ResourceNotFoundException',
        'aws#ResourceNotFoundException',
        'ResourceNotFoundException:http://x/y',
        'a.b#ResourceNotFoundException:u',
      ].every((t) => p.test(t)),
    ).toBe(true);
    expect(
      ['ResourceNotFound', 'XResourceNotFoundException', 'ResourceNotFoundExceptionX', 'a:b#ResourceNotFoundException'].some((t) =>
        p.test(t),
      ),
    ).toBe(false);
  });
});

describe('connect-conformance spec --export', () => {
  const quiet = () => vi.spyOn(console, 'log').mockImplementation(() => undefined);

  it('writes exactly what the exporter produces now, one file per type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-export-'));
    const log = quiet();
    expect(await specCommand(['--export', dir])).toBe(0);
    log.mockRestore();
    expect(readdirSync(dir).sort()).toEqual(spec.identityManagementTypes.map((t) => exportFileName(spec, t)).sort());
    for (const type of spec.identityManagementTypes)
      expect(readFileSync(join(dir, exportFileName(spec, type)), 'utf8')).toBe(exportYaml(documents[type]!));
  });

  it('--identity-management TYPE writes that type only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-export-'));
    const log = quiet();
    expect(await specCommand(['--export', dir, '--identity-management', 'SAML'])).toBe(0);
    log.mockRestore();
    expect(readdirSync(dir)).toEqual([exportFileName(spec, 'SAML')]);
  });

  it.each([
    [[], /--export DIR is required/],
    [['--export', '/tmp/x', '--identity-management', 'LDAP'], /--identity-management must be one of/],
    [['--export', '/tmp/x', 'extra'], /unexpected argument extra/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error (one line, exit 2)', async (args, message) => {
    const error = await specCommand(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String((error as Error).message)).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it("docs/export.md's worked example (openapi-backend) runs as written and prints what the page says", { timeout: 120_000 }, async () => {
    const page = readFileSync(join(import.meta.dirname, '..', 'docs', 'export.md'), 'utf8');
    const section = page.slice(page.indexOf('## Worked example'));
    const script = /```ts\n(\/\/ check-response\.mts[\s\S]*?)```/.exec(section)![1]!;
    const commands = /```sh\n([\s\S]*?)```/.exec(section)![1]!.trim().split('\n');
    expect(commands[0]).toBe('npx connect-conformance spec --export openapi');
    // A folder inside the project's node_modules, so that the script's imports resolve to the project's packages.
    const cache = join(import.meta.dirname, '..', 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'cc-docs-export-'));
    try {
      writeFileSync(join(dir, 'check-response.mts'), script);
      const log = quiet();
      expect(await specCommand(['--export', join(dir, 'openapi')])).toBe(0);
      log.mockRestore();
      const pairs = commands.slice(1);
      expect(pairs.length).toBe(4);
      for (let i = 0; i < pairs.length; i += 2) {
        const args = [...pairs[i]!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
        expect(args.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
        const { stdout } = await promisify(execFile)(process.execPath, args.slice(1), { cwd: dir, timeout: 60_000 });
        expect(stdout.trim(), pairs[i]).toBe(pairs[i + 1]!.replace(/^# /, ''));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a help text', async () => {
    expect(SPEC_HELP).toMatch(/^Usage: connect-conformance spec --export DIR/);
    const log = quiet();
    expect(await specCommand(['--help'])).toBe(0);
    log.mockRestore();
  });
});
