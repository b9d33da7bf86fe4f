// A mock author's own Connect mock, as the vitest adapter example gates it. Here it is the reference with one
// switchable bug (MOCK_BUG=unknown-user-400 answers an unknown user with 400 instead of 404), so that the example's
// test (test/vitest-adapter.test.ts) can show both a passing and a failing gate.
import { defaultSpec } from '../../spec/index.ts';
import { createReferenceService, defaultFixtures, type ReferenceService } from '../../api/reference.ts';
import type { WireHandler } from '../../core/wire.ts';

// Created on the first request (no top-level await: the example compiles as a CommonJS module too).
let service: Promise<ReferenceService> | undefined;

export const handler: WireHandler = async (request) => {
  service ??= defaultSpec().then((spec) => createReferenceService(spec, { fixtures: defaultFixtures() }));
  const response = await (await service).handle(request);
  if (process.env.MOCK_BUG === 'unknown-user-400' && response.statusCode === 404) return { ...response, statusCode: 400 };
  return response;
};

/** The mock's instance and users (the adapter needs the fixture IDs of a mock without built-in fixtures). */
const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
export const fixtures = {
  instanceId: managed[0]!.id,
  userId: managed[0]!.users[0]!.id,
  secondUserId: managed[0]!.users[1]!.id,
  secondInstanceId: managed[1]!.id,
};
