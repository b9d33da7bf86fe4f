// Loads the spec: reads connect.openapi.yaml and requirements.yaml, validates the document as OpenAPI 3.1,
// checks that every extension is understood and every constraint is claimed by exactly one requirement, and
// hands out the typed views of types.ts. Any problem is a SpecError that names the file and the place.
import { UserError } from '../core/errors.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import { EXTENSIONS, EXTENSIONS_MODULE, findExtensions } from './extensions.ts';
import { cacheKey, readLoaded, writeLoaded, type LoadedInputs } from './load-cache.ts';
import type {
  Constraint,
  ErrorSpec,
  LabelSpec,
  LengthUnit,
  MemberSpec,
  ModelInfo,
  ObservedCombination,
  OperationSpec,
  OutcomeKind,
  PatternReading,
  ProtocolSpec,
  Requirement,
  Spec,
  MemberType,
  TypeRules,
  ValueClasses,
} from './types.ts';
import { INT32, MEMBER_TYPES, OUTCOME_KINDS } from './types.ts';
import type { OperationBinding } from '../core/binding.ts';

export const DEFAULT_DOCUMENT = fileURLToPath(new URL('./connect.openapi.yaml', import.meta.url));
export const DEFAULT_REQUIREMENTS = fileURLToPath(new URL('./requirements.yaml', import.meta.url));
const CATALOGUE_SCHEMA = fileURLToPath(new URL('./catalogue.schema.json', import.meta.url));

export class SpecError extends UserError {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'SpecError';
  }
}

export interface LoadOptions {
  /** Path of the OpenAPI document, or the document itself (for tests that load a modified copy). */
  document?: string | Record<string, unknown>;
  requirements?: string | Record<string, unknown>;
  /** The operation under test and the body member it changes, as its binding names them (core/binding.ts): the
   * document must agree. Without them the document's x-operation-under-test and its member with the member rules. */
  binding?: Pick<OperationBinding, 'name' | 'member' | 'route'>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

async function parseYamlText(file: string, text: string): Promise<Json> {
  // Imported here: a load that the cache answers (load-cache.ts) never needs the parser.
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new SpecError(file, `is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(value)) throw new SpecError(file, 'must hold a mapping at the top level');
  return value;
}

/** One of the two inputs: a file (its text, parsed when needed), or a value given in memory. */
interface Input {
  name: string;
  text?: string;
  value?: Json;
}

function source(input: string | Json | undefined, fallback: string, label: string): Input {
  if (input === undefined || typeof input === 'string') {
    const file = input ?? fallback;
    return { name: file, text: readText(file) };
  }
  return { name: `<${label} given in memory>`, value: clone(input) };
}

/** The source of the loader's own checks: a change to them names other cache entries. */
const LOADER_SOURCES = [import.meta.url, EXTENSIONS_MODULE];

/** Loads and checks the spec. Throws SpecError naming the broken place. */
export async function loadSpec(options: LoadOptions = {}): Promise<Spec> {
  const doc = source(options.document, DEFAULT_DOCUMENT, 'document');
  const req = source(options.requirements, DEFAULT_REQUIREMENTS, 'requirements');
  // Spec files whose every check passed before (same texts, same loader, same tools) are not parsed and validated
  // again (load-cache.ts); values given in memory always are.
  const key =
    doc.text !== undefined && req.text !== undefined
      ? cacheKey([
          doc.text,
          req.text,
          readFileSync(CATALOGUE_SCHEMA, 'utf8'),
          ...LOADER_SOURCES.map((u) => readFileSync(fileURLToPath(u), 'utf8')),
        ])
      : undefined;
  const cached = key === undefined ? undefined : readLoaded(key);
  const checked = cached ?? (await checkInputs(doc, req));
  const spec = buildSpec(doc.name, req.name, checked, cached === undefined, options.binding);
  if (key !== undefined && cached === undefined) writeLoaded(key, checked);
  return spec;
}

/** Parses both inputs and runs the checks whose results the cache keeps: YAML, the OpenAPI 3.1 validator, the
 * extensions, every schema against the JSON Schema meta-schema; then resolves the document's $refs. */
async function checkInputs(doc: Input, req: Input): Promise<LoadedInputs> {
  const raw = doc.value ?? (await parseYamlText(doc.name, doc.text!));
  const requirements = req.value ?? (await parseYamlText(req.name, req.text!));
  if (!String(raw.openapi).startsWith('3.1')) {
    throw new SpecError(`${doc.name}#/openapi`, `must be OpenAPI 3.1 (found ${String(raw.openapi)})`);
  }
  const { dereference, validate: validateOpenApi, compileErrors } = await import('@readme/openapi-parser');
  const result = await validateOpenApi(clone(raw) as never, { validate: { errors: { colorize: false } } });
  if (!result.valid) throw new SpecError(doc.name, `is not a valid OpenAPI document: ${compileErrors(result).trim()}`);
  checkExtensions(doc.name, raw);
  checkSchemas(doc.name, raw);
  const dereferenced = (await dereference(clone(raw) as never)) as unknown as Json;
  return { raw, dereferenced, requirements };
}

/** The typed views of checked inputs; `checkCatalogue` is false when the cache says the catalogue schema passed. */
function buildSpec(
  documentName: string,
  requirementsName: string,
  inputs: LoadedInputs,
  checkCatalogue: boolean,
  binding?: LoadOptions['binding'],
): Spec {
  const doc = { name: documentName, value: inputs.raw };
  const document = inputs.dereferenced as unknown as OpenAPIV3_1.Document;
  const at = (pointer: string) => `${doc.name}#${pointer}`;
  const root = document as unknown as Json;

  const model = root['x-model'] as unknown as ModelInfo;
  const protocol = readProtocol(at('/x-protocol'), root['x-protocol']);
  const lengthUnit = (root['x-length-unit'] ?? 'code-point') as LengthUnit;
  // Checked with the other extensions (extensions.ts); the typed view copies it so that no caller shares the document.
  const valueClasses = readValueClasses(root['x-value-classes']);
  const declared = readOperations(doc.name, document, protocol);
  // The operations the suite tests (a name, or a list of them); a binding chooses one, else the first is tested.
  const underTest = [root['x-operation-under-test']].flat().map(String);
  for (const name of underTest)
    if (!declared[name]) throw new SpecError(at('/x-operation-under-test'), `names no operation of the document (${name})`);
  const chosen = binding?.name ?? underTest[0]!;
  if (!underTest.includes(chosen))
    throw new SpecError(
      at('/x-operation-under-test'),
      `does not list ${chosen}, the operation of the binding (it lists ${underTest.join(', ')})`,
    );
  // The spec of one operation under test: it and the siblings that serve fixtures and read-back. The other operations
  // under test are not its operations (the reference does not answer them; no check sends them).
  const operations = Object.fromEntries(Object.entries(declared).filter(([name]) => name === chosen || !underTest.includes(name)));
  const operation = operations[chosen]!;
  if (binding) checkBinding(at('/x-operation-under-test'), operation, binding);

  const errors: Record<string, ErrorSpec> = {};
  for (const op of Object.values(operations)) for (const e of op.errors) errors[e.type] = e;
  for (const e of protocolErrors(protocol)) errors[e.type] ??= e;

  const identityManagementTypes = readIdentityManagementTypes(doc.name, document);
  const { effectMember, identitySchema, identityPointer } = findEffectSchema(doc.name, operation, doc.value, binding?.member);
  const members = readMembers(at(identityPointer), identitySchema);
  const typeRules = readTypeRules(at(`${identityPointer}/x-identity-management-rules`), identitySchema, members, identityManagementTypes);
  const constraints = collectConstraints(operation, effectMember, members, typeRules);
  const observedCombinations = readObservedCombinations(
    at(`${identityPointer}/x-observed-combinations`),
    identitySchema,
    effectMember,
    members,
  );
  const requirements = readRequirements(
    requirementsName,
    inputs.requirements,
    { tested: operation.name, listed: underTest },
    constraints,
    observedCombinations,
    effectMember,
    members,
    identityManagementTypes,
    checkCatalogue,
    new Map([...protocolPlaceholders(protocol), ['operation.member', effectMember]]),
  );

  return {
    document,
    files: { document: doc.name, requirements: requirementsName },
    model,
    protocol,
    lengthUnit,
    operations,
    operation,
    effectMember,
    errors,
    identityManagementTypes,
    members,
    typeRules,
    constraints,
    requirements,
    valueClasses,
    observedCombinations,
  };
}

/** x-observed-combinations of the operation's member: each combination names members the structure has, with values
 * of their type (an enum's value). */
function readObservedCombinations(
  where: string,
  schema: OpenAPIV3_1.SchemaObject,
  effect: string,
  members: MemberSpec[],
): ObservedCombination[] {
  const raw = (schema as Json)['x-observed-combinations'] as Record<string, { equals?: Json; absent?: string[] }[]> | undefined;
  const byName = new Map(members.map((m) => [m.name, m]));
  return Object.entries(raw ?? {}).map(([name, list]) => ({
    name,
    address: `${effect}.x-observed-combinations.${name}`,
    when: list.map((c, i) => {
      const here = `${where}/${name}/${i}`;
      for (const m of [...Object.keys(c.equals ?? {}), ...(c.absent ?? [])])
        if (!byName.has(m)) throw new SpecError(here, `${m} is not a member of ${effect}`);
      for (const [m, v] of Object.entries(c.equals ?? {})) {
        const member = byName.get(m)!;
        const fits =
          member.type === 'integer'
            ? Number.isSafeInteger(v)
            : typeof v === member.type && (!member.enum || member.enum.includes(v as string));
        if (!fits)
          throw new SpecError(
            `${here}/equals/${m}`,
            `${JSON.stringify(v)} is not a value of ${m} (${member.type}${member.enum ? `: ${member.enum.join(', ')}` : ''})`,
          );
      }
      return { equals: (c.equals ?? {}) as Record<string, string | number | boolean>, absent: [...(c.absent ?? [])] };
    }),
  }));
}

function readValueClasses(value: unknown): ValueClasses {
  if (value === undefined) return { filler: '', classes: [] };
  const v = value as ValueClasses;
  return { filler: v.filler, classes: v.classes.map((c) => ({ name: c.name, description: c.description, values: [...c.values] })) };
}

function checkExtensions(file: string, document: Json): void {
  for (const { key, pointer, value } of findExtensions(document)) {
    const rule = EXTENSIONS[key];
    if (!rule) {
      throw new SpecError(`${file}#${pointer}`, `extension ${key} is not understood (known: ${Object.keys(EXTENSIONS).join(', ')})`);
    }
    if (!rule.where.test(pointer)) throw new SpecError(`${file}#${pointer}`, `extension ${key} belongs on ${rule.whereText}`);
    const problem = rule.check(value);
    if (problem) throw new SpecError(`${file}#${pointer}/${key}`, problem);
  }
}

/**
 * The OpenAPI validator does not check schema objects against the JSON Schema meta-schema, so every component
 * and parameter schema is checked here (a maxLength of "255" or 2.5 must not load).
 */
function checkSchemas(file: string, document: Json): void {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  ajv.addVocabulary([...Object.keys(EXTENSIONS), 'example', 'discriminator', 'xml', 'externalDocs']);
  const components = (document.components ?? {}) as Json;
  const schemas: [string, unknown][] = Object.entries((components.schemas ?? {}) as Json).map(([n, v]) => [`/components/schemas/${n}`, v]);
  for (const [n, p] of Object.entries((components.parameters ?? {}) as Json))
    schemas.push([`/components/parameters/${n}/schema`, (p as Json).schema]);
  for (const [pointer, schema] of schemas) {
    if (schema === undefined) continue;
    // $refs point into the document; the meta-schema check needs no resolution.
    if (!ajv.validateSchema(JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#[^"]*"/g, '"$ref":"#"')) as object)) {
      const e = ajv.errors![0]!;
      throw new SpecError(`${file}#${pointer}${e.instancePath}`, `is not a valid JSON schema: ${e.message ?? 'invalid'}`);
    }
  }
}

const isBound = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);

function readProtocol(where: string, value: unknown): ProtocolSpec {
  if (!isObject(value)) throw new SpecError(where, 'is missing');
  const need = [
    'errorTypeHeader',
    'errorTypeBodyFields',
    'messageFields',
    'nullIsAbsent',
    'throttlingErrors',
    'authenticationErrors',
    'signatureWindow',
    'deserializationError',
    'unknownOperationError',
    'unsupportedMediaTypeError',
    'requestTooLargeError',
    'outcomes',
  ];
  const missing = need.filter((k) => !(k in value));
  if (missing.length) throw new SpecError(where, `needs ${missing.join(', ')}`);
  const outcomes = value.outcomes as Json;
  for (const kind of OUTCOME_KINDS) {
    const o = outcomes[kind];
    if (!isObject(o)) throw new SpecError(`${where}/outcomes`, `needs ${kind}`);
    const statusOk = o.status === '4xx' || (Array.isArray(o.status) && o.status.every((s) => Number.isInteger(s)));
    if (!statusOk) throw new SpecError(`${where}/outcomes/${kind}/status`, 'must be a list of statuses or 4xx');
    if (o.types !== 'operation' && o.types !== 'any') throw new SpecError(`${where}/outcomes/${kind}/types`, 'must be operation or any');
  }
  checkSignatureWindow(`${where}/signatureWindow`, value.signatureWindow);
  return value as unknown as ProtocolSpec;
}

/** 0 < accepted - margin, accepted <= observed from <= observed to <= refused: the skews the suite sends lie apart. */
function checkSignatureWindow(where: string, w: unknown): void {
  const minutes = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!isObject(w) || !minutes(w.acceptedWithinMinutes) || !minutes(w.refusedBeyondMinutes) || !minutes(w.clockMarginSeconds)) {
    throw new SpecError(where, 'needs acceptedWithinMinutes, refusedBeyondMinutes and clockMarginSeconds, each a positive number');
  }
  const observed = w.observedMinutes;
  if (!Array.isArray(observed) || observed.length !== 2 || !observed.every(minutes))
    throw new SpecError(`${where}/observedMinutes`, 'must be [from, to], in minutes');
  const [from, to] = observed as number[];
  const ordered = (w.acceptedWithinMinutes as number) <= from! && from! <= to! && to! <= (w.refusedBeyondMinutes as number);
  if (!ordered)
    throw new SpecError(where, 'must hold acceptedWithinMinutes <= observedMinutes[0] <= observedMinutes[1] <= refusedBeyondMinutes');
  if ((w.clockMarginSeconds as number) >= (w.acceptedWithinMinutes as number) * 60)
    throw new SpecError(
      `${where}/clockMarginSeconds`,
      'must be shorter than acceptedWithinMinutes (the accepted skew the suite sends is the bound minus the margin)',
    );
}

function protocolErrors(p: ProtocolSpec): ErrorSpec[] {
  const fault = (status: number): 'client' | 'server' => (status >= 500 ? 'server' : 'client');
  const a = p.authenticationErrors;
  return [
    ...[a.unsigned, a.unknownKey, a.badSignature].map((type) => ({ type, status: a.status, fault: fault(a.status) })),
    ...[p.deserializationError, p.unknownOperationError, p.unsupportedMediaTypeError, p.requestTooLargeError].map((e) => ({
      type: e.type,
      status: e.status,
      fault: fault(e.status),
    })),
  ];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function readOperations(file: string, document: OpenAPIV3_1.Document, protocol: ProtocolSpec): Record<string, OperationSpec> {
  const operations: Record<string, OperationSpec> = {};
  for (const [pathTemplate, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method] as OpenAPIV3_1.OperationObject | undefined;
      if (!op) continue;
      const where = `${file}#/paths/${pathTemplate.replace(/\//g, '~1')}/${method}`;
      if (!op.operationId) throw new SpecError(where, 'needs an operationId');
      const labels: LabelSpec[] = (op.parameters ?? [])
        .map((p) => p as OpenAPIV3_1.ParameterObject)
        .filter((p) => p.in === 'path')
        .map((p) => {
          const schema = (p.schema ?? {}) as OpenAPIV3_1.SchemaObject;
          return { name: p.name, required: p.required === true, minLength: schema.minLength, maxLength: schema.maxLength };
        });
      const body = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      const bodySchema = body?.content?.['application/json']?.schema as OpenAPIV3_1.SchemaObject | undefined;
      const errors: ErrorSpec[] = [];
      let successStatus: number | undefined;
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        const status = Number(code);
        if (!Number.isInteger(status)) throw new SpecError(`${where}/responses/${code}`, 'must be a numeric status');
        if (status < 300) {
          successStatus ??= status;
          continue;
        }
        const headers = (response as OpenAPIV3_1.ResponseObject).headers ?? {};
        const header = Object.entries(headers).find(([name]) => name.toLowerCase() === protocol.errorTypeHeader.toLowerCase());
        const types = ((header?.[1] as OpenAPIV3_1.HeaderObject | undefined)?.schema as OpenAPIV3_1.SchemaObject | undefined)?.enum;
        if (!Array.isArray(types) || types.length === 0) {
          throw new SpecError(
            `${where}/responses/${code}`,
            `an error response needs a ${protocol.errorTypeHeader} header with an enum of error types`,
          );
        }
        for (const type of types) errors.push({ type: String(type), status, fault: status >= 500 ? 'server' : 'client' });
      }
      if (successStatus === undefined) throw new SpecError(`${where}/responses`, 'needs a 2xx response');
      operations[op.operationId] = {
        name: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        labels,
        bodySchema,
        errors,
        successStatus,
      };
    }
  }
  return operations;
}

function readIdentityManagementTypes(file: string, document: OpenAPIV3_1.Document): string[] {
  const schema = document.components?.schemas?.IdentityManagementType as OpenAPIV3_1.SchemaObject | undefined;
  if (!Array.isArray(schema?.enum) || schema.enum.length === 0) {
    throw new SpecError(`${file}#/components/schemas/IdentityManagementType`, 'must be a string enum of identity management types');
  }
  return schema.enum.map(String);
}

/** The operation a binding names must be the document's operation under test, on the route the binding gives. */
function checkBinding(where: string, operation: OperationSpec, binding: NonNullable<LoadOptions['binding']>): void {
  if (operation.name !== binding.name)
    throw new SpecError(where, `the operation under test is ${operation.name}; the binding is of ${binding.name}`);
  if (operation.method !== binding.route.method.toUpperCase() || operation.pathTemplate !== binding.route.path) {
    throw new SpecError(
      where,
      `${operation.name} is ${operation.method} ${operation.pathTemplate} here; its binding routes it as ${binding.route.method} ${binding.route.path}`,
    );
  }
}

/**
 * The structure member of the operation's body that carries the change: the one its binding names (`member`), else
 * the one whose schema has x-identity-management-rules. A member with such rules that the binding does not name is a
 * disagreement. Its pointer is where its schema is written (a component schema, reached through the $refs).
 */
function findEffectSchema(
  file: string,
  operation: OperationSpec,
  raw: Json,
  member: string | undefined,
): { effectMember: string; identitySchema: OpenAPIV3_1.SchemaObject; identityPointer: string } {
  const where = `${file}#/paths (${operation.name} request body)`;
  const properties = operation.bodySchema?.properties ?? {};
  const withRules = Object.entries(properties)
    .filter(([, s]) => isObject(s) && 'x-identity-management-rules' in s)
    .map(([n]) => n);
  if (member === undefined && withRules.length !== 1)
    throw new SpecError(where, 'needs exactly one body member whose schema has x-identity-management-rules');
  if (member !== undefined && withRules.some((n) => n !== member))
    throw new SpecError(
      where,
      `the member with x-identity-management-rules is ${withRules.join(', ')}; the operation's binding names ${member}`,
    );
  const name = member ?? withRules[0]!;
  const schema = properties[name];
  if (!isObject(schema) || (schema as Json).type !== 'object')
    throw new SpecError(where, `has no structure member ${name} (the operation's binding names it)`);
  return { effectMember: name, identitySchema: schema as OpenAPIV3_1.SchemaObject, identityPointer: schemaPointer(raw, operation, name) };
}

/** Where the schema of a body member is written: the component its $ref names, else its place in the path. */
function schemaPointer(raw: Json, operation: OperationSpec, member: string): string {
  const at = (pointer: string | undefined): Json | undefined => {
    if (!pointer?.startsWith('#/')) return undefined;
    let node: unknown = raw;
    for (const seg of pointer.slice(2).split('/')) node = isObject(node) ? node[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return isObject(node) ? node : undefined;
  };
  const pathItem = (raw.paths as Json | undefined)?.[operation.pathTemplate] as Json | undefined;
  const op = pathItem?.[operation.method.toLowerCase()] as Json | undefined;
  const bodyRef = (((op?.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined)
    ?.schema as Json | undefined;
  const body = typeof bodyRef?.$ref === 'string' ? at(bodyRef.$ref) : bodyRef;
  const ref = ((body?.properties as Json | undefined)?.[member] as Json | undefined)?.$ref;
  return typeof ref === 'string' && at(ref) ? ref.slice(1) : `/paths (${operation.name} request body)/properties/${member}`;
}

function readings(value: unknown): PatternReading[] {
  return (value as { reading: string; pattern: string }[]).map((r) => ({ ...r, regex: new RegExp(r.pattern, 'u') }));
}

/** What each member type may carry besides `type` (every schema keyword here is one the code acts on). */
const TYPE_KEYWORDS: Record<MemberType, string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'enum', 'x-normalization', 'x-pattern-readings', 'x-documented-pattern'],
  boolean: [],
  integer: ['minimum', 'maximum', 'format', 'x-documented-maximum'],
};
const NEUTRAL_KEYWORDS = ['type', 'description', 'examples', 'x-sensitive'];

function readMembers(where: string, schema: OpenAPIV3_1.SchemaObject): MemberSpec[] {
  return Object.entries(schema.properties ?? {}).map(([name, raw]) => {
    const s = raw as OpenAPIV3_1.SchemaObject & Json;
    const here = `${where}/properties/${name}`;
    const type = s.type as MemberType;
    if (!(MEMBER_TYPES as readonly string[]).includes(String(s.type)))
      throw new SpecError(here, `a member must be of type ${MEMBER_TYPES.join(', ')} (found ${JSON.stringify(s.type)})`);
    const unknown = Object.keys(s).filter((k) => !NEUTRAL_KEYWORDS.includes(k) && !TYPE_KEYWORDS[type].includes(k));
    if (unknown.length) throw new SpecError(here, `${unknown.join(', ')} not understood on a member of type ${type}`);
    const member: MemberSpec = {
      name,
      type,
      minLength: s.minLength,
      maxLength: s.maxLength,
      pattern: s.pattern,
      readings: [],
      normalization: s['x-normalization'] as MemberSpec['normalization'],
      sensitive: s['x-sensitive'] === true,
      ...(s.enum !== undefined ? { enum: readEnum(`${here}/enum`, s.enum) } : {}),
      ...(s.minimum !== undefined ? { minimum: s.minimum } : {}),
      ...(s.maximum !== undefined ? { maximum: s.maximum } : {}),
      ...(s.format !== undefined ? { format: readFormat(`${here}/format`, s.format) } : {}),
      ...(s['x-documented-maximum'] !== undefined ? { documentedMaximum: s['x-documented-maximum'] as number } : {}),
    };
    checkIntegerBounds(here, member);
    if (s.pattern !== undefined) {
      try {
        new RegExp(s.pattern, 'u');
      } catch (e) {
        throw new SpecError(`${here}/pattern`, (e as Error).message);
      }
    }
    if (s['x-pattern-readings']) {
      if (s.pattern === undefined)
        throw new SpecError(`${here}/x-pattern-readings`, 'readings of a pattern need the schema to have a pattern');
      member.readings = readings(s['x-pattern-readings']);
      member.readingsKeyword = 'pattern';
      if (!member.readings.some((r) => r.pattern === s.pattern)) {
        throw new SpecError(`${here}/x-pattern-readings`, `the schema's pattern ${s.pattern} must be one of its readings`);
      }
    }
    if (s['x-documented-pattern']) {
      if (member.readings.length) throw new SpecError(here, 'a member has either x-pattern-readings or x-documented-pattern');
      member.readings = readings(s['x-documented-pattern']);
      member.readingsKeyword = 'x-documented-pattern';
    }
    if (member.minLength !== undefined && member.maxLength !== undefined && member.minLength > member.maxLength) {
      throw new SpecError(here, `minLength ${member.minLength} is over maxLength ${member.maxLength}`);
    }
    return member;
  });
}

function readEnum(where: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.length || !value.every((v) => typeof v === 'string' && v !== ''))
    throw new SpecError(where, 'must be a list of non-empty strings');
  return value as string[];
}

function readFormat(where: string, value: unknown): 'int32' {
  if (value !== 'int32') throw new SpecError(where, `only int32 is understood (found ${JSON.stringify(value)})`);
  return value;
}

/** An integer's bounds are whole numbers in order; a documented maximum lies inside the model's bounds. */
function checkIntegerBounds(where: string, m: MemberSpec): void {
  const bounds = { minimum: m.minimum, maximum: m.maximum, 'x-documented-maximum': m.documentedMaximum };
  for (const [k, v] of Object.entries(bounds))
    if (v !== undefined && !Number.isSafeInteger(v)) throw new SpecError(`${where}/${k}`, 'must be a whole number');
  const low = m.minimum ?? (m.format === 'int32' ? INT32.min : Number.MIN_SAFE_INTEGER);
  const high = m.maximum ?? (m.format === 'int32' ? INT32.max : Number.MAX_SAFE_INTEGER);
  if (low > high) throw new SpecError(where, `minimum ${low} is over maximum ${high}`);
  if (m.documentedMaximum !== undefined && (m.documentedMaximum < low || m.documentedMaximum >= high))
    throw new SpecError(`${where}/x-documented-maximum`, `must lie within the model's bounds ${low}..${high}, below the upper one`);
}

function readTypeRules(where: string, schema: OpenAPIV3_1.SchemaObject, members: MemberSpec[], types: string[]): Record<string, TypeRules> {
  // A structure without per-type rules (UserPhoneConfig) is the same for every identity management type.
  const raw = ((schema as Json)['x-identity-management-rules'] ?? {}) as Record<string, Json>;
  const byName = new Map(members.map((m) => [m.name, m]));
  const rules: Record<string, TypeRules> = {};
  for (const type of types) rules[type] = { constraints: {}, forbidden: [], required: [], omissionObserved: [] };
  for (const [type, r] of Object.entries(raw)) {
    if (!types.includes(type)) throw new SpecError(`${where}/${type}`, `is not an identity management type (${types.join(', ')})`);
    const target = rules[type]!;
    for (const key of ['forbidden', 'required', 'omissionObserved'] as const) {
      const list = r[key] ?? [];
      if (!Array.isArray(list)) throw new SpecError(`${where}/${type}/${key}`, 'must be a list of members');
      for (const name of list) {
        if (!byName.has(String(name))) throw new SpecError(`${where}/${type}/${key}`, `${String(name)} is not a member`);
        target[key].push(String(name));
      }
    }
    for (const [name, c] of Object.entries((r.constraints ?? {}) as Record<string, Json>)) {
      const member = byName.get(name);
      if (!member) throw new SpecError(`${where}/${type}/constraints/${name}`, 'is not a member');
      const unknown = Object.keys(c).filter((k) => k !== 'minLength' && k !== 'maxLength');
      if (unknown.length)
        throw new SpecError(`${where}/${type}/constraints/${name}`, `${unknown.join(', ')} not understood (minLength, maxLength)`);
      const { minLength, maxLength } = c as { minLength?: number; maxLength?: number };
      for (const [k, v] of Object.entries({ minLength, maxLength })) {
        if (!isBound(v))
          throw new SpecError(
            `${where}/${type}/constraints/${name}/${k}`,
            `must be a whole number of at least 0 (found ${JSON.stringify(v)})`,
          );
      }
      const effectiveMin = minLength ?? member.minLength ?? 0;
      const effectiveMax = maxLength ?? member.maxLength;
      if (effectiveMax !== undefined && effectiveMin > effectiveMax) {
        throw new SpecError(
          `${where}/${type}/constraints/${name}`,
          `no value fits: minLength ${effectiveMin} is over maxLength ${effectiveMax}`,
        );
      }
      if (minLength !== undefined && minLength <= (member.minLength ?? 0)) {
        throw new SpecError(
          `${where}/${type}/constraints/${name}/minLength`,
          `must be stricter than the schema's minLength ${member.minLength ?? 0}`,
        );
      }
      if (maxLength !== undefined && member.maxLength !== undefined && maxLength >= member.maxLength) {
        throw new SpecError(
          `${where}/${type}/constraints/${name}/maxLength`,
          `must be stricter than the schema's maxLength ${member.maxLength}`,
        );
      }
      target.constraints[name] = { minLength, maxLength };
    }
  }
  return rules;
}

/** Every constraint a request can violate, with its address. */
function collectConstraints(
  operation: OperationSpec,
  identity: string,
  members: MemberSpec[],
  typeRules: Record<string, TypeRules>,
): Constraint[] {
  const out: Constraint[] = [];
  const add = (member: string, keyword: string, value: unknown, identityManagementType?: string) =>
    out.push({
      address: `${identityManagementType ? `${identityManagementType}:` : ''}${member}.${keyword}`,
      member,
      keyword,
      value,
      identityManagementType,
    });
  for (const label of operation.labels) {
    // A label travels percent-encoded; its bytes must decode as UTF-8 (Smithy httpLabel). Every label has this
    // constraint whatever its schema says, so a label that does not decode is a violation, not an anomaly.
    add(label.name, 'encoding', 'utf-8');
    if (label.required) add(label.name, 'required', true);
    if (label.minLength) add(label.name, 'minLength', label.minLength);
    if (label.maxLength !== undefined) add(label.name, 'maxLength', label.maxLength);
  }
  const body = operation.bodySchema!;
  add('$body', 'json', true);
  if (body.type) add('$body', 'type', body.type);
  if (body.required?.includes(identity)) add(identity, 'required', true);
  add(identity, 'type', 'object');
  for (const m of members) {
    const name = `${identity}.${m.name}`;
    add(name, 'type', m.type);
    if (m.enum) add(name, 'enum', m.enum.join(', '));
    if (m.format) add(name, 'format', m.format);
    if (m.minimum !== undefined) add(name, 'minimum', m.minimum);
    if (m.maximum !== undefined) add(name, 'maximum', m.maximum);
    if (m.documentedMaximum !== undefined) add(name, 'x-documented-maximum', m.documentedMaximum);
    if (m.minLength) add(name, 'minLength', m.minLength);
    if (m.maxLength !== undefined) add(name, 'maxLength', m.maxLength);
    if (m.pattern !== undefined) add(name, 'pattern', m.pattern);
    if (m.readingsKeyword === 'x-documented-pattern')
      add(
        name,
        'x-documented-pattern',
        m.readings.map((r) => r.pattern),
      );
    if (m.normalization) add(name, 'x-normalization', m.normalization);
  }
  for (const [type, rules] of Object.entries(typeRules)) {
    for (const [member, c] of Object.entries(rules.constraints)) {
      if (c.minLength) add(`${identity}.${member}`, 'minLength', c.minLength, type);
      if (c.maxLength !== undefined) add(`${identity}.${member}`, 'maxLength', c.maxLength, type);
    }
    for (const member of rules.forbidden) add(`${identity}.${member}`, 'forbidden', true, type);
    for (const member of rules.required) add(`${identity}.${member}`, 'required', true, type);
  }
  return out;
}

let catalogueValidator: ReturnType<Ajv2020['compile']> | undefined;

/** Protocol values a requirement's title or text may name as {x-protocol.KEY.MEMBER} (a range as FROM–TO). */
function protocolPlaceholders(p: ProtocolSpec): Map<string, string> {
  return new Map(
    Object.entries(p.signatureWindow).map(([k, v]) => [`x-protocol.signatureWindow.${k}`, Array.isArray(v) ? v.join('–') : String(v)]),
  );
}

function readRequirements(
  file: string,
  raw: Json,
  operation: { tested: string; listed: string[] },
  constraints: Constraint[],
  combinations: ObservedCombination[],
  effectMember: string,
  members: MemberSpec[],
  types: string[],
  checkCatalogue: boolean,
  named: Map<string, string>,
): Requirement[] {
  if (checkCatalogue) catalogueValidator ??= new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(CATALOGUE_SCHEMA, 'utf8')));
  if (checkCatalogue && !catalogueValidator!(raw)) {
    const e = catalogueValidator!.errors![0]!;
    const list = raw.requirements as Json[] | undefined;
    const index = /^\/requirements\/(\d+)/.exec(e.instancePath)?.[1];
    const id = index !== undefined ? list?.[Number(index)]?.id : undefined;
    throw new SpecError(
      `${file}${id ? ` (${String(id)})` : ''} at ${e.instancePath || '/'}`,
      `${e.message ?? 'is not well formed'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  }
  const byAddress = new Map(constraints.map((c) => [c.address, c]));
  const claimedBy = new Map<string, string>();
  const ambiguityOf = new Map<string, string>();
  const observedBy = new Map<string, string>();
  const combinationAddresses = new Set(combinations.map((c) => c.address));
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  for (const r of raw.requirements as Json[]) {
    const id = String(r.id);
    const where = `${file} (${id})`;
    if (seen.has(id)) throw new SpecError(where, 'the id is used twice');
    seen.add(id);
    // A requirement of other operations (its `operations`) is not this operation's; one without applies to every one.
    const operations = r.operations as string[] | undefined;
    for (const name of operations ?? [])
      if (!operation.listed.includes(name))
        throw new SpecError(where, `operations names ${name}, which is not an operation under test (${operation.listed.join(', ')})`);
    if (operations && !operations.includes(operation.tested)) continue;
    const constrains = (r.constrains as string[] | undefined) ?? [];
    for (const address of constrains) {
      if (!byAddress.has(address))
        throw new SpecError(
          where,
          `constrains ${address}, which is not a constraint of the schema (known: ${[...byAddress.keys()].join(', ')})`,
        );
      const other = claimedBy.get(address);
      if (other) throw new SpecError(where, `constrains ${address}, already claimed by ${other}`);
      claimedBy.set(address, id);
    }
    if (constrains.length && !r.outcome) throw new SpecError(where, 'an input requirement needs an outcome');
    if (!constrains.length && r.outcome) throw new SpecError(where, 'an outcome belongs to an input requirement (one with constrains)');
    const appliesTo = (r.appliesTo as string[] | undefined) ?? [...types];
    for (const t of appliesTo)
      if (!types.includes(t)) throw new SpecError(where, `appliesTo ${t}, which is not an identity management type`);
    const typed = [...new Set(constrains.map((a) => byAddress.get(a)!.identityManagementType).filter((t): t is string => !!t))];
    if (typed.length && (typed.length !== appliesTo.length || typed.some((t) => !appliesTo.includes(t)))) {
      throw new SpecError(where, `claims rules of ${typed.join(', ')}, so appliesTo must be exactly [${typed.join(', ')}]`);
    }
    if (r.ambiguityOf !== undefined) {
      const address = String(r.ambiguityOf);
      const c = byAddress.get(address);
      const member = c && members.find((m) => `${effectMember}.${m.name}` === c.member);
      if (!c || !member?.readings.length || member.readingsKeyword !== c.keyword) {
        throw new SpecError(where, `ambiguityOf ${address}: not a constraint with several readings`);
      }
      if (ambiguityOf.has(address)) throw new SpecError(where, `ambiguityOf ${address} is already recorded by ${ambiguityOf.get(address)}`);
      ambiguityOf.set(address, id);
    }
    if (r.observes !== undefined) {
      const address = String(r.observes);
      if (!combinationAddresses.has(address))
        throw new SpecError(
          where,
          `observes ${address}, which is not an observed combination (${[...combinationAddresses].join(', ') || 'none'})`,
        );
      if (r.level !== 'OBSERVE') throw new SpecError(where, 'a requirement that observes a combination is OBSERVE');
      if (observedBy.has(address)) throw new SpecError(where, `observes ${address}, already observed by ${observedBy.get(address)}`);
      observedBy.set(address, id);
    }
    for (const address of (r.accepts as string[] | undefined) ?? []) {
      const c = byAddress.get(address);
      if (!c || c.identityManagementType) throw new SpecError(where, `accepts ${address}, which is not a constraint of a member`);
      if (constrains.length)
        throw new SpecError(where, 'an input requirement accepts nothing (accepts belongs to an acceptance requirement)');
    }
    const title = fillPlaceholders(where, String(r.title), byAddress, named);
    const text = fillPlaceholders(where, String(r.text), byAddress, named);
    requirements.push({
      id,
      level: r.level as Requirement['level'],
      area: String(r.area),
      title,
      text,
      source: String(r.source),
      constrains,
      outcome: r.outcome as OutcomeKind | undefined,
      appliesTo,
      needs: (r.needs as Requirement['needs'] | undefined) ?? [],
      ambiguityOf: r.ambiguityOf as string | undefined,
      ...(operations ? { operations } : {}),
      ...(r.observes !== undefined ? { observes: String(r.observes) } : {}),
      ...(r.accepts !== undefined ? { accepts: [...(r.accepts as string[])] } : {}),
    });
  }
  const unobserved = [...combinationAddresses].filter((a) => !observedBy.has(a));
  if (unobserved.length) throw new SpecError(file, `no requirement observes the combination(s) ${unobserved.join(', ')}`);
  const unclaimed = constraints.filter((c) => !claimedBy.has(c.address)).map((c) => c.address);
  if (unclaimed.length) throw new SpecError(file, `no requirement claims the constraint(s) ${unclaimed.join(', ')}`);
  for (const m of members) {
    if (!m.readings.length) continue;
    const address = `${effectMember}.${m.name}.${m.readingsKeyword}`;
    if (!ambiguityOf.has(address))
      throw new SpecError(file, `no requirement records the disagreements of the readings of ${address} (ambiguityOf)`);
  }
  return requirements;
}

function fillPlaceholders(where: string, text: string, byAddress: Map<string, Constraint>, named: Map<string, string>): string {
  return text.replace(/\{([^{}\s]+)\}/g, (whole, address: string) => {
    const c = byAddress.get(address);
    const value = c ? String(c.value) : named.get(address);
    if (value === undefined)
      throw new SpecError(
        where,
        `the placeholder ${whole} names no constraint (nor a value of x-protocol.signatureWindow, nor operation.member)`,
      );
    return value;
  });
}
