// The spec, loaded once per process from spec/connect.openapi.yaml and spec/requirements.yaml.
import { loadSpec } from './load.ts';
import type { Spec } from './types.ts';
import type { OperationBinding } from '../core/binding.ts';
import { createValidator as compileValidator, type RequestValidator } from './validator.ts';

export { loadSpec, SpecError, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS } from './load.ts';
export type { Finding, ValidationResult, RequestValidator } from './validator.ts';
export { catalogue } from './catalogue.ts';
export { operationOfRequest } from './routes.ts';
export type { Catalogue } from './catalogue.ts';
export { REQUIREMENT_IDS, type RequirementId } from './requirement-ids.ts';
export type * from './types.ts';

let cached: Promise<Spec> | undefined;
/** The project's own spec, loaded and checked once. */
export function defaultSpec(): Promise<Spec> {
  cached ??= loadSpec();
  return cached;
}

const bound = new Map<string, Promise<Spec>>();
/** The spec an operation's binding names (its document and catalogue), loaded and checked once per process. */
export function specOf(binding: OperationBinding): Promise<Spec> {
  const key = `${binding.name}\0${binding.spec.document}\0${binding.spec.requirements}`;
  let spec = bound.get(key);
  if (!spec) bound.set(key, (spec = loadSpec({ document: binding.spec.document, requirements: binding.spec.requirements, binding })));
  return spec;
}

const validators = new WeakMap<Spec, RequestValidator>();
/**
 * The spec's request validator. Compiling it (ajv, every schema of the operations) is the largest part of loading a
 * spec, and it holds nothing but what it compiled from the spec, so every user of one spec object (the engine, the
 * generators of each identity management type, the reference) shares one.
 */
export function createValidator(spec: Spec): RequestValidator {
  let v = validators.get(spec);
  if (!v) validators.set(spec, (v = compileValidator(spec)));
  return v;
}
