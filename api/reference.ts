// The reference implementation, for mock authors who want to diff their mock against it (or start from it):
//
//   import { createReference, defaultFixtures } from 'connect-conformance/reference';
//   const reference = await createReference();                 // the spec's own behaviour, in memory
//   const expected = await reference.handle(request);           // a WireRequest in, a WireResponse out
//
// The reference answers the five operations of spec/connect.openapi.yaml (UpdateUserIdentityInfo, DescribeUser,
// DescribeInstance, CreateUser, DeleteUser) over the fixtures' instances and users, verifying SigV4 with the
// fixtures' credentials (AWS's documentation example pair) unless `auth: false`.
import { defaultSpec, type Spec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures, type Fixtures, type ReferenceService } from '../targets/reference/index.ts';

export { createReferenceService, defaultFixtures, readFixtures, EXAMPLE_CREDENTIALS, FixturesError, inMemoryRequestHandler, startHttpServer } from '../targets/reference/index.ts';
export type { Fixtures, FixtureInstance, FixtureUser, ReferenceOptions, ReferenceService, RunningServer } from '../targets/reference/index.ts';
export type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';

export interface CreateReferenceOptions {
  /** Instances and users (default: defaultFixtures(), one instance of each identity management type). */
  fixtures?: Fixtures;
  /** Verify SigV4 signatures (default true). */
  auth?: boolean;
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** The spec (default: the package's spec/). */
  spec?: Spec;
}

/** A reference service with the package's spec: `handle(request)` is a WireHandler. */
export async function createReference(options: CreateReferenceOptions = {}): Promise<ReferenceService> {
  const spec = options.spec ?? (await defaultSpec());
  return createReferenceService(spec, { fixtures: options.fixtures ?? defaultFixtures(), auth: options.auth, maxBodyBytes: options.maxBodyBytes });
}
