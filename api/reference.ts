// The reference implementation, for mock authors who want to diff their mock against it (or start from it):
//
//   import { createReference, defaultFixtures } from 'connect-conformance/reference';
//   const reference = await createReference();                 // the spec's own behaviour, in memory
//   const expected = await reference.handle(request);           // a WireRequest in, a WireResponse out
//
// The reference answers the operations of its spec (the operation under test, by its binding, and DescribeUser,
// DescribeInstance, CreateUser, DeleteUser) over the fixtures' instances and users, verifying SigV4 with the
// fixtures' credentials (AWS's documentation example pair) unless `auth: false`.
import type { OperationBinding } from '../core/binding.ts';
import { DEFAULT_BINDING } from '../operations/index.ts';
import { specOf, type Spec } from '../spec/index.ts';
import {
  createReferenceService as createBoundService,
  defaultFixtures,
  type Fixtures,
  type ReferenceOptions as BoundReferenceOptions,
  type ReferenceService,
} from '../targets/reference/index.ts';

export {
  defaultFixtures,
  readFixtures,
  EXAMPLE_CREDENTIALS,
  FixturesError,
  inMemoryRequestHandler,
  startHttpServer,
} from '../targets/reference/index.ts';
export type { Fixtures, FixtureInstance, FixtureUser, ReferenceService, RunningServer } from '../targets/reference/index.ts';

/** The reference's options; the operation under test is the default one's unless a binding is given. */
export type ReferenceOptions = Omit<BoundReferenceOptions, 'binding'> & { binding?: OperationBinding };

/** A reference service for a spec: its operation under test answered by the binding's handler (default: the default operation's). */
export function createReferenceService(spec: Spec, options: ReferenceOptions): ReferenceService {
  return createBoundService(spec, { ...options, binding: options.binding ?? DEFAULT_BINDING });
}
export type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';

export interface CreateReferenceOptions {
  /** Instances and users (default: defaultFixtures(), one instance of each identity management type). */
  fixtures?: Fixtures;
  /** Verify SigV4 signatures (default true). */
  auth?: boolean;
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** The spec (default: the binding's, from the package's spec/). */
  spec?: Spec;
  /** The operation under test (default: the default operation's binding). */
  binding?: OperationBinding;
}

/** A reference service with the package's spec: `handle(request)` is a WireHandler. */
export async function createReference(options: CreateReferenceOptions = {}): Promise<ReferenceService> {
  const binding = options.binding ?? DEFAULT_BINDING;
  const spec = options.spec ?? (await specOf(binding));
  return createBoundService(spec, {
    fixtures: options.fixtures ?? defaultFixtures(),
    auth: options.auth,
    maxBodyBytes: options.maxBodyBytes,
    binding,
  });
}
