// Label injections (issue 20 item 2): for every label, an ID that names nothing but that a server decoding labels before
// routing would resolve to a fixture's path (`<unknown>%2F..%2F<user>`, `%2F%2e%2e%2F`, `%252F`, an encoded `/`, and
// `<user>%2F..%2F<second user>`). The reference answers each 404 ResourceNotFoundException and changes nothing; a
// router that decodes and resolves is caught by the 404 rule and by the reads of every fixture user afterwards.
import { describe, expect, it } from 'vitest';
import type { WireRequest, WireResponse } from '../core/wire.ts';
import { runConformance } from '../api/run.ts';
import { COVERAGE_BROKEN, runVariant } from '../variants/index.ts';

const decoding = COVERAGE_BROKEN.find((v) => v.name === 'labels-decoded-before-routing')!;

describe('label injections', () => {
  it('are sent for every label and kind, each answered 404 by the reference, with both fixture users read afterwards', async () => {
    const exchanges: { request: WireRequest; response: WireResponse }[] = [];
    const results = await runConformance({
      target: 'reference',
      seed: 5,
      runs: 1,
      identityManagementType: 'CONNECT_MANAGED',
      only: ['EX-UNKNOWN-USER', 'EX-UNKNOWN-INSTANCE'],
      wrapHandler: (handler) => async (request) => {
        const response = await handler(request);
        exchanges.push({ request, response });
        return response;
      },
    });
    expect(['EX-UNKNOWN-USER', 'EX-UNKNOWN-INSTANCE'].map((id) => results.requirements.find((r) => r.id === id)!.status)).toEqual([
      'pass',
      'pass',
    ]);
    const injected = exchanges.filter((e) => e.request.method === 'POST' && /%2F|%252F/i.test(e.request.path));
    const shapes = injected.map((e) =>
      e.request.path.replace(/conformance-missing-[0-9a-f]+/g, '<unknown>').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>'),
    );
    expect(shapes).toEqual([
      '/users/<unknown>%2F<id>/<id>/identity-info',
      '/users/<unknown>%2F..%2F<id>/<id>/identity-info',
      '/users/<unknown>%2F%2e%2e%2F<id>/<id>/identity-info',
      '/users/<unknown>%252F..%252F<id>/<id>/identity-info',
      '/users/<id>/<unknown>%2F<id>/identity-info',
      '/users/<id>/<unknown>%2F..%2F<id>/identity-info',
      '/users/<id>/<unknown>%2F%2e%2e%2F<id>/identity-info',
      '/users/<id>/<unknown>%252F..%252F<id>/identity-info',
      '/users/<id>/<id>%2F..%2F<id>/identity-info',
    ]);
    for (const e of injected)
      expect([e.response.statusCode, e.response.headers['x-amzn-errortype']], e.request.path).toEqual([404, 'ResourceNotFoundException']);
    // After each injection, DescribeUser of the fixture user and of the second user, before the next request.
    for (const e of injected) {
      const next = exchanges
        .slice(exchanges.indexOf(e) + 1, exchanges.indexOf(e) + 3)
        .map((x) => `${x.request.method} ${x.request.path.split('/').length}`);
      expect(next, e.request.path).toEqual(['GET 4', 'GET 4']);
    }
  });

  it('catch a router that decodes labels and resolves dot segments, by the 404 rule and by the users it changed', async () => {
    const run = await runVariant(decoding, {
      seed: 5,
      runs: 1,
      identityManagementType: 'CONNECT_MANAGED',
      suites: ['existence'],
      readBackWindowMs: 0,
    });
    const failing = (id: string) => run.results.requirements.find((r) => r.id === id)!.failures.map((f) => f.stepId);
    expect(failing('EX-UNKNOWN-USER')).toContain('CONNECT_MANAGED/existence/label-injection:UserId:dot-segments');
    expect(failing('EX-UNKNOWN-INSTANCE')).toContain('CONNECT_MANAGED/existence/label-injection:InstanceId:dot-segments');
    // The injection was accepted (never a rejection): the change it made of the fixture user is named in its own failure
    // (docs/consistency.md), never left for a later check to report as a late write.
    const problems = (id: string) =>
      run.results.requirements
        .find((r) => r.id === id)!
        .failures.filter((f) => f.stepId?.endsWith(':dot-segments'))
        .map((f) => f.problem);
    for (const id of ['EX-UNKNOWN-USER', 'EX-UNKNOWN-INSTANCE'])
      expect(problems(id).join('\n'), id).toMatch(/and the fixture user changed: /);
    expect(failing('NL-REJECTED-UNCHANGED')).toEqual([]);
    expect(failing('NL-OTHER-USERS-UNCHANGED')).toEqual(['CONNECT_MANAGED/existence/label-injection:UserId:other-user']);
  });
});
