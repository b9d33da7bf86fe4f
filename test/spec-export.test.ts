// The exported OpenAPI documents (spec/export/): valid OpenAPI 3.1, self-contained, generated from spec/ alone (a
// change of the spec shows in the export with no other edit), every rule JSON Schema can carry written in schema
// keywords, every x- extension left in a document named in its description; and the `spec --export` command.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_DOCUMENT, defaultSpec, loadSpec, type Spec } from '../spec/index.ts';
import { errorTypePattern, errorTypesByStatus, exportDocument, exportDocuments, exportFileName, exportYaml, openApiProblems } from '../spec/export/write.ts';
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
  const body = (document.paths![spec.operation.pathTemplate]![spec.operation.method.toLowerCase() as 'post']!.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json']!.schema as Json;
  const request = document.components!.schemas![String(body.$ref).split('/').pop()!] as Json;
  const ref = String(((request.properties as Json).IdentityInfo as Json).$ref);
  return { pointer: ref.slice(1), schema: document.components!.schemas![ref.split('/').pop()!] as Json };
};

function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

function extensionsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => extensionsOf(n, out));
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
      for (const r of m.readings) expect(JSON.stringify(prop), `${type} ${m.name} reading ${r.reading}`).toContain(JSON.stringify(r.pattern));
    }
    for (const required of rules.required) expect(schema.required).toContain(required);
    expect(validate({})).toBe(!rules.required.length);
  });

  it('say which error types each status may carry, in the header and in the body, in every form clients accept', () => {
    const document = documents[spec.identityManagementTypes[0]!]!;
    const responses = document.paths![spec.operation.pathTemplate]![spec.operation.method.toLowerCase() as 'post']!.responses as unknown as Record<string, Json>;
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
        for (const form of [type, `com.amazonaws.connect#${type}`, `${type}:http://internal.amazon.com/coral/com.amazonaws.connect/`]) expect(pattern.test(form), form).toBe(true);
      }
      expect(pattern.test('ValidationException'), `${status} ValidationException`).toBe(false);
    }
    // Success: no error type.
    const success = responses[String(spec.operation.successStatus)] as Json;
    expect(((success.headers as Json)[p.errorTypeHeader] as Json).schema).toEqual({ not: {} });
    // The fixture operations accept what the service declares at each status (FX-STATUS, FX-ERROR-ENVELOPE):
    // DescribeInstance's 400.
    const other = Object.values(spec.operations).find((o) => o.name !== spec.operation.name && !o.errors.some((e) => e.type === 'InvalidParameterException'));
    if (other) expect(errorTypesByStatus(spec, other).get(400)?.types).toContain('InvalidParameterException');
  });

  it("describe the other methods of the operation's path: a 4xx with a type, and a 405 with Allow", () => {
    const item = documents[spec.identityManagementTypes[0]!]!.paths![spec.operation.pathTemplate]! as Json;
    for (const method of ['get', 'put', 'delete', 'patch']) {
      const op = item[method] as Json;
      expect(op, method).toBeDefined();
      const responses = op.responses as Record<string, Json>;
      expect(Object.keys(responses).sort()).toEqual([String(spec.protocol.methodNotAllowed.status), '4XX'].sort());
      const allow = (responses[String(spec.protocol.methodNotAllowed.status)]!.headers as Json)[spec.protocol.methodNotAllowed.header] as Json;
      expect(allow.required).toBe(true);
      expect(new RegExp(String((allow.schema as Json).pattern)).test(spec.operation.method)).toBe(true);
    }
  });

  it('name every x- extension they keep in their description, with what no schema can express', () => {
    for (const [type, document] of Object.entries(documents)) {
      const description = String(document.info.description);
      const kept = extensionsOf({ paths: document.paths, components: document.components });
      for (const x of kept) expect(description, `${type}: ${x}`).toContain(x);
      for (const m of spec.members.filter((x) => x.normalization)) expect(description).toContain(`${m.name} must be in ${m.normalization}`);
      for (const id of ['RB-READBACK', 'NL-OTHER-USERS-UNCHANGED', 'SENS-NO-ECHO', 'PREC-VALIDATION-FIRST']) expect(description).toContain(id);
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
    const responses = exportDocument(changed, 'SAML').paths![changed.operation.pathTemplate]!.post!.responses as unknown as Record<string, Json>;
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

  it('errorTypePattern reads a type the way restJson1 clients sanitise it', () => {
    const p = new RegExp(errorTypePattern(['ResourceNotFoundException']));
    expect(['ResourceNotFoundException', 'aws#ResourceNotFoundException', 'ResourceNotFoundException:http://x/y', 'a.b#ResourceNotFoundException:u'].every((t) => p.test(t))).toBe(true);
    expect(['ResourceNotFound', 'XResourceNotFoundException', 'ResourceNotFoundExceptionX', 'a:b#ResourceNotFoundException'].some((t) => p.test(t))).toBe(false);
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
    for (const type of spec.identityManagementTypes) expect(readFileSync(join(dir, exportFileName(spec, type)), 'utf8')).toBe(exportYaml(documents[type]!));
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

  it('has a help text', async () => {
    expect(SPEC_HELP).toMatch(/^Usage: connect-conformance spec --export DIR/);
    const log = quiet();
    expect(await specCommand(['--help'])).toBe(0);
    log.mockRestore();
  });
});
