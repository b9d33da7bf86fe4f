// The JSON Schema (draft 2020-12) of results.json, shared by its writer (reports/write.ts: a results.json that does
// not match is never written) and every reader (`report`, `compare`, `compare --merge`: reports/read.ts). Every
// status the tool writes is one it reads. The parts the reports are rendered from — the run's facts, the
// requirements, the summary and the baseline — are closed (no member the schema does not name); the evidence of a
// failure and the run's execution record may carry more than the schema names.
//
// A file without schemaVersion was written before the verdict was recorded with its headline and reasons; it is
// still read (the readers compute the verdict again from its facts: reports/verdict.ts judged). A file of
// schemaVersion 3 and later names the operation under test (`operation`, the same as spec.operation); an older one is
// read as the operation its spec names (operationOf, below). A file with a schemaVersion newer than this
// tool's is refused with one line.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { BASELINE_STATES, RESULTS_SCHEMA_VERSION, RUN_VERDICTS, STATUSES, type Results } from '../engine/results.ts';
import { LEVELS } from '../spec/types.ts';

const string = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const strings = { type: 'array', items: string } as const;
const headers = { type: 'object', additionalProperties: string } as const;

const levelSummary = {
  type: 'object',
  required: ['passed', 'failed', 'errors', 'skipped', 'notApplicable'],
  additionalProperties: false,
  properties: { passed: count, failed: count, errors: count, skipped: count, notApplicable: count },
} as const;

const stepError = { type: 'object', required: ['stepId', 'message'], properties: { stepId: string, message: string } } as const;

const failure = {
  type: 'object',
  required: ['caseId', 'problem', 'expected', 'replay'],
  properties: {
    caseId: string,
    problem: string,
    replay: string,
    expected: { type: 'object', required: ['summary'], properties: { summary: string } },
    request: {
      type: 'object',
      required: ['method', 'path', 'headers', 'body'],
      properties: { method: string, path: string, headers, body: string },
    },
    response: {
      type: 'object',
      required: ['status', 'headers', 'body'],
      properties: { status: { type: 'integer' }, headers, body: string },
    },
    transportError: string,
    seed: { type: 'integer' },
    path: string,
    generator: string,
    identityManagementType: string,
    stepId: string,
  },
} as const;

const requirement = {
  type: 'object',
  required: ['id', 'level', 'area', 'title', 'status', 'cases', 'failures', 'failureCount'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    level: { enum: LEVELS },
    area: string,
    title: string,
    status: { enum: STATUSES },
    reason: string,
    cases: count,
    failures: { type: 'array', items: failure },
    failureCount: count,
    observed: strings,
    errors: { type: 'array', items: stepError },
  },
} as const;

const entry = {
  type: 'object',
  required: ['id', 'reason'],
  additionalProperties: false,
  properties: { id: string, reason: string, link: string, expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
} as const;

const baseline = {
  type: 'object',
  required: ['file', 'today', 'marks'],
  additionalProperties: false,
  properties: {
    file: string,
    today: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    marks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['state', 'entry', 'note', 'failsGate'],
        additionalProperties: false,
        properties: {
          state: { enum: BASELINE_STATES },
          entry,
          note: string,
          failsGate: { type: 'boolean' },
        },
      },
    },
    // Written before the verdict was recorded in the summary; ignored (the verdict is computed again).
    gate: { type: 'object', required: ['passed', 'reasons'], properties: { passed: { type: 'boolean' }, reasons: strings } },
  },
} as const;

const summary = {
  type: 'object',
  required: ['verdict', 'must', 'should', 'observe', 'score'],
  additionalProperties: false,
  properties: {
    verdict: { enum: RUN_VERDICTS },
    headline: string,
    passed: { type: 'boolean' },
    reasons: strings,
    expectedFailures: count,
    must: levelSummary,
    should: levelSummary,
    observe: levelSummary,
    score: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    stopped: string,
  },
} as const;

const execution = {
  type: 'object',
  required: ['policy', 'requests', 'steps', 'stepErrors', 'ended', 'ms'],
  properties: {
    policy: { enum: ['local', 'sandbox'] },
    requestTimeoutMs: count,
    requests: count,
    steps: {
      type: 'object',
      required: ['planned', 'done'],
      properties: { planned: count, done: count, errors: count, ended: count, notRun: count },
    },
    stopped: string,
    stepErrors: { type: 'array', items: stepError },
    ended: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stepId', 'kind', 'requirementIds', 'message'],
        properties: { stepId: string, kind: string, requirementIds: strings, message: string },
      },
    },
    ms: { type: 'number', minimum: 0 },
  },
} as const;

const RESULTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'results.json of connect-conformance',
  type: 'object',
  required: ['tool', 'target', 'spec', 'seed', 'runs', 'startedAt', 'finishedAt', 'summary', 'requirements', 'fixtures'],
  additionalProperties: false,
  properties: {
    schemaVersion: { type: 'integer', minimum: 2 },
    operation: { type: 'string', minLength: 1 },
    tool: {
      type: 'object',
      required: ['name', 'version', 'sdk'],
      additionalProperties: false,
      properties: { name: string, version: string, commit: string, sdk: string },
    },
    target: {
      type: 'object',
      required: ['kind', 'endpoint', 'region', 'identityManagementTypes'],
      additionalProperties: false,
      properties: { kind: string, endpoint: string, region: string, identityManagementTypes: strings },
    },
    spec: {
      type: 'object',
      required: ['model', 'document', 'operation'],
      additionalProperties: false,
      properties: {
        model: { type: 'object', required: ['botocore', 'apiVersion'], properties: { botocore: string, apiVersion: string } },
        document: string,
        operation: string,
      },
    },
    seed: { type: 'integer' },
    /** The seed as given, when it is not the 32-bit seed itself (a CI run id, a word). */
    seedGiven: string,
    runs: { type: 'integer', minimum: 1 },
    startedAt: string,
    finishedAt: string,
    summary,
    requirements: { type: 'array', items: requirement },
    fixtures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['userId', 'restored'],
        properties: { userId: string, restored: { type: 'boolean' }, note: string },
      },
    },
    shard: { type: 'string', pattern: '^\\d+/\\d+$' },
    execution,
    baseline,
  },
  allOf: [
    {
      // A file that records its schemaVersion (every file this tool writes) records its verdict in full.
      if: { type: 'object', properties: { schemaVersion: true }, required: ['schemaVersion'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords; ajv reads this object, nothing awaits it.
      then: {
        type: 'object',
        properties: {
          summary: {
            type: 'object',
            properties: { headline: true, passed: true, reasons: true, expectedFailures: true },
            required: ['headline', 'passed', 'reasons', 'expectedFailures'],
          },
        },
      },
    },
    {
      // From schemaVersion 3 on, a file names the operation under test.
      if: { type: 'object', properties: { schemaVersion: { type: 'integer', minimum: 3 } }, required: ['schemaVersion'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords; ajv reads this object, nothing awaits it.
      then: { type: 'object', properties: { operation: true }, required: ['operation'] },
    },
  ],
} as const;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  return (compiled ??= new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true }).compile(RESULTS_SCHEMA));
}

/** An ajv error in words: where (a requirement named by its ID), and what is wrong. */
function errorText(e: ErrorObject, value: unknown): string {
  const path = e.instancePath.split('/').slice(1);
  let where = '';
  let node: unknown = value;
  for (const part of path) {
    const isIndex = /^\d+$/.test(part) && Array.isArray(node);
    where += isIndex ? `[${part}]` : where ? `.${part}` : part;
    node = (node as Record<string, unknown> | undefined)?.[part];
    if (isIndex && where.startsWith('requirements[') && !where.includes('.') && node && typeof (node as { id?: unknown }).id === 'string')
      where += ` (${(node as { id: string }).id})`;
  }
  if (e.keyword === 'required')
    return `${where ? `${where}: ` : ''}"${(e.params as { missingProperty: string }).missingProperty}" is missing`;
  if (e.keyword === 'additionalProperties')
    return `${where ? `${where}: ` : ''}unknown member "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum')
    return `${where || 'the value'} is ${JSON.stringify(node)}, not one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where || 'the document'} ${e.message ?? 'does not match the schema'}`;
}

/** What is wrong with a parsed results.json (the first problem, in one line), or undefined when it matches the schema. */
export function resultsProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > RESULTS_SCHEMA_VERSION)
    return `written by a newer connect-conformance (schemaVersion ${version}; this one reads up to ${RESULTS_SCHEMA_VERSION}): upgrade it`;
  const validate = validator();
  if (!validate(value)) return errorText(validate.errors![0]!, value);
  const { operation, spec } = value as { operation?: string; spec: { operation: string } };
  if (operation !== undefined && operation !== spec.operation)
    return `operation is ${JSON.stringify(operation)} but spec.operation is ${JSON.stringify(spec.operation)}: one run tests one operation`;
  return undefined;
}

/**
 * The operation a run tested: results.json's `operation`. A file written before it was recorded (schemaVersion 1 or
 * 2, when the suite tested its first operation only) is read as the operation its spec names (spec.operation,
 * recorded in every version): the default operation.
 */
export function operationOf(results: Results): string {
  return (results as Partial<Pick<Results, 'operation'>>).operation ?? results.spec.operation;
}
