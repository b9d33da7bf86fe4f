// The spec, loaded once per process from spec/connect.openapi.yaml and spec/requirements.yaml.
import { loadSpec } from './load.ts';
import type { Spec } from './types.ts';

export { loadSpec, SpecError, DEFAULT_DOCUMENT, DEFAULT_REQUIREMENTS } from './load.ts';
export { createValidator } from './validator.ts';
export type { Finding, Verdict, RequestValidator, RequestInput } from './validator.ts';
export { catalogue } from './catalogue.ts';
export type { Catalogue } from './catalogue.ts';
export type * from './types.ts';

let cached: Promise<Spec> | undefined;
/** The project's own spec, loaded and checked once. */
export function defaultSpec(): Promise<Spec> {
  cached ??= loadSpec();
  return cached;
}
