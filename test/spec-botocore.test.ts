// The spec against the botocore model it says it encodes (x-model), when a `botocore` Python package is installed:
// operations, errors, required members, bounds, sensitivity and the PhoneNumber pattern must agree, and the installed
// botocore must be the version line the spec records. Without botocore every test skips, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, type TestContext } from 'vitest';
import { loadSpec } from '../spec/index.ts';

// ---------------------------------------------------------------- the botocore model, as far as it is read here
interface ShapeRef {
  shape: string;
  location?: string;
  locationName?: string;
  sensitive?: boolean;
}
interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, ShapeRef>;
  min?: number;
  max?: number;
  pattern?: string;
  sensitive?: boolean;
  error?: { httpStatusCode?: number };
  exception?: boolean;
}
interface Operation {
  http: { method: string; requestUri: string };
  input?: { shape: string };
  errors?: { shape: string }[];
}
interface Model {
  metadata: { apiVersion: string; signingName: string; serviceId: string; protocol: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}
interface Botocore {
  version: string;
  file: string;
  model: Model;
}

const spec = await loadSpec();

/** Finds the installed botocore and reads the model file the spec names; any failure means "not installed". */
function findBotocore(): { ok: true; botocore: Botocore } | { ok: false; reason: string } {
  let dir: string;
  let version: string;
  try {
    const out = execFileSync(
      'python3',
      ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__)); print(botocore.__version__)'],
      {
        encoding: 'utf8',
        timeout: 15_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    [dir = '', version = ''] = out.trim().split('\n');
  } catch (e) {
    const { code, stderr } = e as NodeJS.ErrnoException & { stderr?: string };
    const why =
      String(stderr ?? '')
        .trim()
        .split('\n')
        .pop() ||
      code ||
      (e as Error).message;
    return { ok: false, reason: `no botocore Python package found (python3 -c "import botocore" failed: ${why})` };
  }
  // x-model.source is botocore/data/...; botocore ships the file gzipped (older versions: plain).
  const relative = spec.model.source.replace(/^botocore\//, '');
  const candidates = [join(dir, `${relative}.gz`), join(dir, relative)];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return { ok: false, reason: `botocore ${version} at ${dir} has no ${relative}(.gz)` };
  try {
    const bytes = readFileSync(file);
    const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    return { ok: true, botocore: { version, file, model: JSON.parse(text) as Model } };
  } catch (e) {
    return { ok: false, reason: `cannot read ${file}: ${(e as Error).message}` };
  }
}

const found = findBotocore();
if (found.ok) console.log(`botocore ${found.botocore.version}: comparing the spec with ${found.botocore.file}`);
else console.warn(`spec-botocore: skipped, ${found.reason}`);

/** The installed botocore, or skips the test with the reason. */
function botocore(ctx: TestContext): Botocore {
  if (!found.ok) return ctx.skip(found.reason);
  return found.botocore;
}
function shape(model: Model, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`botocore has no shape ${name}`);
  return s;
}
function operation(model: Model, name: string): Operation {
  const op = model.operations[name];
  if (!op) throw new Error(`botocore has no operation ${name}`);
  return op;
}
/** The input shape of an operation and its member refs. */
function inputOf(model: Model, name: string): { input: Shape; members: Record<string, ShapeRef> } {
  const input = shape(model, operation(model, name).input?.shape ?? '');
  return { input, members: input.members ?? {} };
}
const sorted = (xs: Iterable<string>) => [...xs].sort();
/** botocore's JSON writes PhoneNumber's pattern with doubled backslashes; read the doubling as escaping. */
const undouble = (pattern: string) => pattern.replace(/\\\\/g, '\\');
/** major.minor of a version string ("1.43.x", "1.43.11"). */
const majorMinor = (version: string) => /^(\d+)\.(\d+)/.exec(version)?.slice(1, 3).join('.');
/** botocore's protocol names as the spec writes them (Smithy protocol trait names). */
const PROTOCOL_NAMES: Record<string, string> = { 'rest-json': 'restJson1', json: 'awsJson1_1', 'rest-xml': 'restXml' };

describe('the spec agrees with the installed botocore model', () => {
  it('is the botocore version line the spec records in x-model', (ctx) => {
    const { version } = botocore(ctx);
    console.log(`botocore version found: ${version}; the spec encodes ${spec.model.botocore}`);
    expect(majorMinor(spec.model.botocore), `x-model.botocore ${spec.model.botocore} is not a version`).toBeDefined();
    expect(
      majorMinor(version),
      `botocore ${version} is installed but the spec encodes the model of botocore ${spec.model.botocore}: compare the model with ` +
        `spec/connect.openapi.yaml and update its x-model (botocore, year) once the spec matches the new model`,
    ).toBe(majorMinor(spec.model.botocore));
  });

  it('has the metadata of x-model (apiVersion, signingName, serviceId, protocol)', (ctx) => {
    const { metadata } = botocore(ctx).model;
    expect(metadata.apiVersion).toBe(spec.model.apiVersion);
    expect(metadata.signingName).toBe(spec.model.signingName);
    expect(metadata.serviceId).toBe(spec.model.sdkId);
    expect(PROTOCOL_NAMES[metadata.protocol] ?? metadata.protocol).toBe(spec.model.protocol);
  });

  it('routes every operation of the spec with the same method and URI', (ctx) => {
    const { model } = botocore(ctx);
    expect(Object.keys(spec.operations).sort()).toEqual([
      'CreateUser',
      'DeleteUser',
      'DescribeInstance',
      'DescribeUser',
      'UpdateUserIdentityInfo',
    ]);
    for (const op of Object.values(spec.operations)) {
      expect(operation(model, op.name).http, op.name).toEqual({ method: op.method, requestUri: op.pathTemplate });
    }
  });

  it('lists the same errors for every operation, each with the same status', (ctx) => {
    const { model } = botocore(ctx);
    for (const op of Object.values(spec.operations)) {
      const modelled = (operation(model, op.name).errors ?? []).map((e) => e.shape);
      expect(sorted(op.errors.map((e) => e.type)), `${op.name} errors`).toEqual(sorted(modelled));
      for (const e of op.errors) {
        const s = shape(model, e.type);
        expect(s.exception, `${e.type} is an exception`).toBe(true);
        expect(s.error?.httpStatusCode, `${op.name} ${e.type} status`).toBe(e.status);
      }
    }
    expect(spec.operation.errors).toHaveLength(5);
  });

  it('requires IdentityInfo in the body and the InstanceId and UserId labels', (ctx) => {
    const { model } = botocore(ctx);
    const { input, members } = inputOf(model, spec.operation.name);
    const required = input.required ?? [];
    const uriMembers = Object.entries(members).filter(([, ref]) => ref.location === 'uri');
    const bodyMembers = Object.entries(members).filter(([, ref]) => ref.location === undefined);
    expect(sorted(uriMembers.map(([name, ref]) => ref.locationName ?? name))).toEqual(sorted(spec.operation.labels.map((l) => l.name)));
    for (const label of spec.operation.labels) expect(required.includes(label.name), `${label.name} required`).toBe(label.required);
    const bodyRequired = bodyMembers.map(([name]) => name).filter((name) => required.includes(name));
    expect(sorted(bodyRequired)).toEqual(sorted(spec.operation.bodySchema?.required ?? []));
    expect(sorted(bodyMembers.map(([name]) => name))).toEqual(sorted(Object.keys(spec.operation.bodySchema?.properties ?? {})));
    expect(bodyRequired).toEqual(['IdentityInfo']);
  });

  it('bounds the labels the same way (InstanceId 1..100, UserId unconstrained)', (ctx) => {
    const { model } = botocore(ctx);
    const { members } = inputOf(model, spec.operation.name);
    for (const label of spec.operation.labels) {
      const s = shape(model, members[label.name]?.shape ?? '');
      expect({ min: s.min, max: s.max, pattern: s.pattern }, label.name).toEqual({
        min: label.minLength,
        max: label.maxLength,
        pattern: undefined,
      });
    }
  });

  it('has the same UserIdentityInfo members, with the same bounds and sensitivity', (ctx) => {
    const { model } = botocore(ctx);
    const { members } = inputOf(model, spec.operation.name);
    const identity = shape(model, members.IdentityInfo?.shape ?? '');
    const modelMembers = identity.members ?? {};
    expect(sorted(Object.keys(modelMembers))).toEqual(sorted(spec.members.map((m) => m.name)));
    for (const m of spec.members) {
      const ref = modelMembers[m.name]!;
      const s = shape(model, ref.shape);
      expect(s.type, `${m.name} type`).toBe(m.type);
      expect(s.min, `${m.name} min`).toBe(m.minLength);
      expect(s.max, `${m.name} max`).toBe(m.maxLength);
      expect(s.sensitive === true || ref.sensitive === true, `${m.name} sensitive`).toBe(m.sensitive);
      expect(s.pattern !== undefined, `${m.name} has a pattern in the model`).toBe(m.pattern !== undefined);
    }
  });

  it("has the PhoneNumber pattern whose un-doubled text is the spec's model-literal reading of Mobile", (ctx) => {
    const { model } = botocore(ctx);
    const { members } = inputOf(model, spec.operation.name);
    const identity = shape(model, members.IdentityInfo?.shape ?? '');
    const mobile = spec.members.find((m) => m.name === 'Mobile');
    const modelPattern = shape(model, identity.members?.Mobile?.shape ?? '').pattern;
    expect(modelPattern).toBeDefined();
    const literal = mobile?.readings.find((r) => r.reading === 'model-literal');
    expect(literal, 'Mobile has a model-literal reading').toBeDefined();
    expect(undouble(modelPattern!)).toBe(literal!.pattern);
    expect(mobile!.readings.map((r) => r.pattern)).toContain(undouble(modelPattern!));
  });
});
