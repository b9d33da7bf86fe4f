// The exported OpenAPI documents (spec/export/) seen by Prism (@stoplight/prism-cli 5.14, a separate process started
// from node_modules/.bin, test/prism.ts): the suite run against its mock of each exported document fails only for
// what a stateless mock cannot do. Its validation proxy is test/interop-prism-proxy.test.ts, openapi-backend
// test/interop.test.ts; what the three files share is test/interop-kit.ts.
//
// The runs are the real command (a child process) against servers on 127.0.0.1, so this test knows nothing of the
// run engine.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Requirement } from '../spec/index.ts';
import type { Results } from '../engine/results.ts';
import type { ResultFailure } from '../engine/results-types.ts';
import { responseViolations, startPrism, startRecorder, undecodablePath, type PrismExchange } from './prism.ts';
import { exportedFiles, runSuite, spec, started } from './interop-kit.ts';

/** Areas of requirements a stateless mock cannot meet: it knows no users and keeps nothing that was sent. */
const STATELESS_AREAS = new Set(['existence', 'precedence', 'read-back', 'nothing-lost']);
/** Constraint keywords the documents list as beyond JSON Schema (their description says so). */
const BEYOND_SCHEMA = ['x-normalization', 'encoding'];

const isJsonRequest = (f: ResultFailure) =>
  /json/i.test(Object.entries(f.request?.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
const parses = (body: string) => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

/** Why a failure the suite reports against Prism's mock is not the document's, or undefined when nothing explains it. */
function notTheDocument(requirement: Requirement, failure: ResultFailure): string | undefined {
  if (STATELESS_AREAS.has(requirement.area)) return `${requirement.area}: a stateless mock knows no users and keeps nothing`;
  if (requirement.constrains.some((c) => BEYOND_SCHEMA.some((k) => c.endsWith(`.${k}`))))
    return 'a rule the document lists as beyond JSON Schema';
  if (!failure.response && failure.request && undecodablePath(failure.request.path))
    return 'Prism never answers a label that is not percent-encoded UTF-8';
  if (failure.request && isJsonRequest(failure) && !parses(failure.request.body))
    return "Prism's HTTP server answers a JSON body it cannot parse itself, before it reads the document";
  return undefined;
}

/** The requirements the suite failed against a mock for a reason that is not one of those above. */
function documentFailures(results: Results, exchanges: PrismExchange[]): string[] {
  const out: string[] = [];
  const unanswered = exchanges.filter((x) => x.status === 0);
  for (const r of results.requirements.filter((x) => x.status === 'fail' || x.status === 'error')) {
    const requirement = spec.requirements.find((x) => x.id === r.id)!;
    if (r.status === 'error') {
      // A requirement whose only cases got no response is not checked (never a skip): explained only when every
      // request Prism left unanswered was one with an undecodable label.
      const onlyUnansweredLabels =
        (r.errors ?? []).every((e) => /request\(s\) of this step got no response/.test(e.message)) &&
        unanswered.length > 0 &&
        unanswered.every((x) => undecodablePath(x.path));
      if (!onlyUnansweredLabels) out.push(`${r.id}: a step did not finish (${JSON.stringify(r.errors)})`);
      continue;
    }
    for (const f of r.failures)
      if (!notTheDocument(requirement, f))
        out.push(`${r.id}: ${f.problem} (${f.request?.method} ${f.request?.path} → ${f.response?.status ?? 'no answer'})`);
    // results.json lists the first failures; the others of a requirement failed only for unanswered labels are
    // the recorder's unanswered exchanges.
    if (r.failureCount > r.failures.length && !STATELESS_AREAS.has(requirement.area)) {
      const onlyUnanswered =
        r.failures.every((f) => !f.response) && unanswered.length === r.failureCount && unanswered.every((x) => undecodablePath(x.path));
      if (!onlyUnanswered) out.push(`${r.id}: ${r.failureCount - r.failures.length} failure(s) not listed and not explained`);
    }
  }
  return out;
}

const statusOf = (results: Results, id: string) => results.requirements.find((r) => r.id === id)?.status;

describe('the exported documents seen by Prism 5.14 (@stoplight/prism-cli), a separate process on 127.0.0.1', () => {
  let files: Record<string, string>;
  beforeAll(async () => {
    files = await exportedFiles();
  });

  it.each([...spec.identityManagementTypes.map((t) => [t, 'static'] as const), ['CONNECT_MANAGED', 'dynamic'] as const])(
    'the suite against its mock of the %s document (%s): failures only for what a stateless mock cannot do',
    { timeout: 300_000 },
    async (type, mode) => {
      const prism = started(
        await startPrism(['mock', files[type]!, '--cors=false', ...(mode === 'dynamic' ? ['--dynamic', '--seed', '1'] : [])]),
      );
      const recorder = started(await startRecorder(prism.endpoint, { unanswered: { when: undecodablePath, afterMs: 500 } }));
      const run = await runSuite(recorder.endpoint, type, ['--runs', '3', '--read-back-window', '200']);
      expect(run.results, run.output).toBeDefined();
      const results = run.results!;
      // Prism finds its own answers valid against the document (every generated value matches its schema).
      const violations = responseViolations(recorder.exchanges);
      expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
      const failures = documentFailures(results, recorder.exchanges);
      expect(failures, failures.join('\n')).toEqual([]);
      // Not vacuous: what the document decides, a mock of it gets right — the success envelope (no error type, no
      // body), declared error types with a message, the per-type rules, and DescribeUser read as a user.
      const decided = [
        'OK-SUCCESS-ENVELOPE',
        'OK-ACCEPT-VALID',
        'ERR-TYPE-DECLARED',
        'ERR-STATUS-MATCHES-TYPE',
        'FX-MEMBERS',
        'FX-BODY-TYPES',
        'FX-JSON-BODY',
      ];
      const perType = spec.requirements.filter((r) => r.constrains.some((c) => c.startsWith(`${type}:`))).map((r) => r.id);
      expect(perType.length).toBeGreaterThan(0);
      for (const id of [...decided, ...perType]) expect(statusOf(results, id), id).toBe('pass');
      expect(recorder.exchanges.filter((x) => x.method === 'POST' && x.status === 200).length).toBeGreaterThan(20);
    },
  );
});
