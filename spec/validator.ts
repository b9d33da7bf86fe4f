// The spec as an executable request validator: ajv compiled from the OpenAPI schemas (types, lengths, patterns,
// required members) plus the x- extensions (normal form, readings of ambiguous patterns, the stricter rules per
// identity management type: validator-extensions.ts). The reference implementation rejects what it finds; the
// generators use it as the oracle that re-checks every case. It knows constraint addresses, not requirements (see
// catalogue.ts); its findings and their messages are validator-findings.ts.
//
// One request is validated in order: its labels (each against its parameter's schema), then its body (nulls left out
// when the protocol reads them as absent; ajv; then the extensions). What an operation needs is compiled on its first
// request and kept, in the validator's state.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import { EXTENSIONS } from './extensions.ts';
import type { OperationSpec, Spec } from './types.ts';
import {
  checkExtensions,
  isObject,
  lengthOf,
  notesOf,
  schemaExtensions,
  type Json,
  type SchemaExtensions,
} from './validator-extensions.ts';
import { failed, finding, findingOfAjvError, type Finding, type ValidationResult } from './validator-findings.ts';

export type { Finding, ValidationResult } from './validator-findings.ts';

// ajv-formats is CommonJS: its plugin is the default export's default.
const addFormats = addFormatsModule.default;

/** Keywords that fail a value during deserialization (its JSON type, or an integer beyond its width): a value that
 * fails one is not a value of the member at all, so no other constraint of that member is judged on it. */
const DESERIALIZATION_KEYWORDS = new Set(['type', 'format']);

interface RequestInput {
  /** Decoded label values by name. */
  labels: Record<string, string>;
  /** The parsed JSON body; undefined when the operation takes none. */
  body?: unknown;
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; finding: Finding };

export interface RequestValidator {
  /** Parses a request body; text that is not one JSON document is a `$body.json` violation. */
  parseBody(text: string): ParsedBody;
  /** Validates one request of an operation, for an instance of the given identity management type (if known). */
  validate(operation: string, input: RequestInput, identityManagementType?: string): ValidationResult;
  /** Length of a string in the spec's unit. */
  lengthOf(value: string): number;
}

/** An operation's schemas, compiled. */
interface CompiledOperation {
  op: OperationSpec;
  labels: { name: string; required: boolean; check: ValidateFunction }[];
  body?: ValidateFunction;
}

/** The state of one spec's validator: its ajv instance, what the extensions say, the operations compiled so far. */
interface ValidatorState {
  spec: Spec;
  ajv: Ajv2020;
  extensions: SchemaExtensions;
  operations: Map<string, CompiledOperation>;
}

export function createValidator(spec: Spec): RequestValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addVocabulary([...Object.keys(EXTENSIONS), 'example', 'discriminator', 'xml', 'externalDocs']);
  // The one format the spec's members use: a Smithy integer is 32-bit signed (int32, as OpenAPI names it).
  addFormats(ajv, ['int32']);
  const state: ValidatorState = { spec, ajv, extensions: schemaExtensions(spec.typeRules), operations: new Map() };
  return { lengthOf, parseBody, validate: (operation, input, type) => validate(state, operation, input, type) };
}

function parseBody(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, finding: finding('$body', 'json', 'The request body is not a JSON document') };
  }
}

function validate(state: ValidatorState, operation: string, input: RequestInput, type: string | undefined): ValidationResult {
  const c = compiledOperation(state, operation);
  const verdict: ValidationResult = { violations: [], ambiguities: [] };
  validateLabels(c, input.labels, verdict);
  if (c.body) validateBody(state, c.op, c.body, input.body, type, verdict);
  return verdict;
}

function validateLabels(c: CompiledOperation, labels: Record<string, string>, verdict: ValidationResult): void {
  for (const label of c.labels) {
    const value = labels[label.name] ?? '';
    if (label.required && value === '')
      verdict.violations.push(finding(label.name, 'required', failed(label.name, 'Member must not be null')));
    if (label.check(value)) continue;
    for (const e of label.check.errors ?? []) verdict.violations.push(findingOfAjvError(e, [label.name]));
  }
}

function validateBody(
  state: ValidatorState,
  op: OperationSpec,
  check: ValidateFunction,
  input: unknown,
  type: string | undefined,
  verdict: ValidationResult,
): void {
  const body = state.spec.protocol.nullIsAbsent ? stripNulls(input) : input;
  const schema = op.bodySchema as Json;
  if (!check(body)) {
    const errors = check.errors ?? [];
    const undeserializable = new Set(errors.filter((e) => DESERIALIZATION_KEYWORDS.has(e.keyword)).map((e) => e.instancePath));
    for (const e of errors) {
      if (undeserializable.has(e.instancePath) && !DESERIALIZATION_KEYWORDS.has(e.keyword)) continue;
      const f = findingOfBodyError(state, e, schema);
      if (f) verdict.violations.push(f);
    }
  }
  checkExtensions(state.extensions, schema, body, type, verdict);
}

function compiledOperation(state: ValidatorState, name: string): CompiledOperation {
  let c = state.operations.get(name);
  if (c) return c;
  const { spec, ajv } = state;
  const op = spec.operations[name];
  if (!op) throw new Error(`unknown operation ${name}`);
  const params = ((spec.document.paths![op.pathTemplate] as Json)[op.method.toLowerCase()] as OpenAPIV3_1.OperationObject).parameters ?? [];
  c = {
    op,
    labels: params
      .map((p) => p as OpenAPIV3_1.ParameterObject)
      .filter((p) => p.in === 'path')
      .map((p) => ({ name: p.name, required: p.required === true, check: ajv.compile((p.schema ?? {}) as object) })),
    body: op.bodySchema ? ajv.compile(op.bodySchema as object) : undefined,
  };
  state.operations.set(name, c);
  return c;
}

/** An ajv error of a body as a finding; none for a pattern with several readings (the extensions decide it). */
function findingOfBodyError(state: ValidatorState, e: ErrorObject, schema: Json): Finding | undefined {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') {
    const member = [...segments, String((e.params as { missingProperty: string }).missingProperty)].join('.');
    return finding(member, 'required', failed(member, 'Member must not be null'));
  }
  if (segments.length === 0 && e.keyword === 'type') return finding('$body', 'type', 'The request body must be a JSON object');
  if (e.keyword === 'pattern') {
    let s: Json | undefined = schema;
    for (const seg of segments) s = (s?.properties as Record<string, Json> | undefined)?.[seg];
    if (s && notesOf(state.extensions, s).readings) return undefined;
  }
  return findingOfAjvError(e, segments);
}

/** Whether copyWithoutNulls would give anything but an equal value: a null member somewhere, an own "__proto__" member
 * (JSON.parse makes one; the copy's assignment does not), or an object that is not a plain one. */
function needsCopy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(needsCopy);
  if (!isObject(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return true;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (k === '__proto__' || value[k] === null || needsCopy(value[k])) return true;
  }
  return false;
}

function copyWithoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyWithoutNulls);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = copyWithoutNulls(v);
  return out;
}

/** The value without its null members (the protocol's nullIsAbsent). Nothing validates by mutating, so a value with
 * none is itself: copied only when there is a null to leave out. */
const stripNulls = (value: unknown): unknown => (needsCopy(value) ? copyWithoutNulls(value) : value);
