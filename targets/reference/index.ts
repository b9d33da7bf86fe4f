// The reference implementation and its three hostings.
export { createReferenceService, type ReferenceOptions, type ReferenceService } from './service.ts';
export {
  defaultFixtures,
  readFixtures,
  FixturesError,
  EXAMPLE_CREDENTIALS,
  type Fixtures,
  type FixtureInstance,
  type FixtureUser,
} from './fixtures.ts';
export { inMemoryRequestHandler, wireRequestOf } from './hosting/in-memory.ts';
export { installNock, connectOrigin } from './hosting/nock.ts';
export { startHttpServer, type RunningServer } from './hosting/http-server.ts';
