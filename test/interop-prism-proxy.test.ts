// The exported OpenAPI documents (spec/export/) seen by Prism (@stoplight/prism-cli 5.14, a separate process started
// from node_modules/.bin, test/prism.ts): its validation proxy with the exported document in front of
// `connect-conformance serve --no-auth` reports no response violation over a full run (and does report one that breaks
// the document). Its mocks are test/interop-prism-mock.test.ts, openapi-backend test/interop.test.ts; what the three
// files share is test/interop-kit.ts.
//
// The runs are the real command (a child process) against servers on 127.0.0.1, so this test knows nothing of the
// run engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { responseViolations, startPrism, startRecorder } from './prism.ts';
import { createReferenceService, defaultFixtures, startHttpServer } from '../api/reference.ts';
import { BROKEN } from '../variants/broken.ts';
import { exportedFiles, otherMethods, runSuite, spec, started } from './interop-kit.ts';

const ROOT = join(import.meta.dirname, '..');

/** `connect-conformance serve --no-auth` as a child process; resolves with the endpoint it prints. */
async function serveNoAuth(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'serve', '--no-auth'], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  let output = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no endpoint within 60 s:\n${output}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('\n')) {
        clearTimeout(timer);
        resolve(output.split('\n')[0]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its endpoint:\n${output}`));
    });
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, stop };
}

describe('the exported documents seen by Prism 5.14 (@stoplight/prism-cli), a separate process on 127.0.0.1', () => {
  let files: Record<string, string>;
  beforeAll(async () => {
    files = await exportedFiles();
  });

  it('its validation proxy with the CONNECT_MANAGED document in front of `serve --no-auth`, over a full run: no response violation', {
    timeout: 300_000,
  }, async () => {
    const served = started(await serveNoAuth());
    // Request validation is off: the suite sends invalid requests on purpose, and what is judged here is the
    // responses. (Prism's request validator also leaves undecodable labels unanswered, test/prism.ts.)
    const prism = started(
      await startPrism(['proxy', files.CONNECT_MANAGED!, served.endpoint, '--validate-request=false', '--cors=false', '--errors=false']),
    );
    const recorder = started(await startRecorder(prism.endpoint));
    const run = await runSuite(recorder.endpoint, 'CONNECT_MANAGED', ['--runs', '3']);
    await otherMethods('CONNECT_MANAGED', recorder.endpoint);
    expect(run.results, run.output).toBeDefined();
    const violations = responseViolations(recorder.exchanges);
    expect(violations, JSON.stringify(violations.slice(0, 5), null, 2)).toEqual([]);
    // Not vacuous: Prism saw the whole run — accepted updates (the empty 200 the issue was about), rejections,
    // unknown users, read-backs, and the other methods of the path, HEAD included — and answered each one.
    const seen = (method: string, path: RegExp, status: number) =>
      recorder.exchanges.filter((x) => x.method === method && path.test(x.path) && x.status === status).length;
    expect(seen('POST', /\/identity-info$/, 200)).toBeGreaterThan(20);
    expect(
      recorder.exchanges.some((x) => x.method === 'POST' && x.status === 200 && x.body === '' && x.headers['content-type'] === undefined),
    ).toBe(true);
    expect(seen('POST', /\/identity-info$/, 400)).toBeGreaterThan(20);
    expect(seen('POST', /\/identity-info$/, 404)).toBeGreaterThan(0);
    expect(seen('GET', /^\/users\/[^/]+\/[^/]+$/, 200)).toBeGreaterThan(20);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
      expect(
        recorder.exchanges.find((x) => x.method === method && x.path.endsWith('/identity-info'))?.status,
        method,
      ).toBeGreaterThanOrEqual(400);
    }
    expect(
      run.results!.fixtures.every((f) => f.restored),
      JSON.stringify(run.results!.fixtures),
    ).toBe(true);
  });

  it('its validation proxy reports a response that breaks the document (a control: ValidationException on a 400)', {
    timeout: 300_000,
  }, async () => {
    const broken = BROKEN.find((v) => v.name === 'undeclared-validation-exception')!;
    const service = createReferenceService(spec, { fixtures: defaultFixtures(), auth: false });
    const server = await startHttpServer(broken.wrap(service.handle, service), { maxBodyBytes: 1024 * 1024 });
    started({ stop: () => server.close() });
    const prism = started(
      await startPrism(['proxy', files.CONNECT_MANAGED!, server.endpoint, '--validate-request=false', '--cors=false', '--errors=false']),
    );
    const recorder = started(await startRecorder(prism.endpoint));
    await runSuite(recorder.endpoint, 'CONNECT_MANAGED', ['--runs', '2', '--only', 'IN-FIRSTNAME-MAXLEN']);
    const violations = responseViolations(recorder.exchanges);
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.location, v.message).toEqual(['response', 'header', 'x-amzn-errortype']);
      expect(v.exchange).toMatch(/→ 400$/);
    }
  });
});
