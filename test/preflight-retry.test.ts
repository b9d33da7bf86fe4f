// The reads that change nothing before the first write (the preflight DescribeInstance, the snapshot DescribeUser
// reads: engine/fixtures.ts) are sent again when a connection is dropped, up to two more times; every attempt without a
// response is an SRV-AVAILABLE failure, as any request without one is. So a target that drops one connection gets a
// verdict (exit 1, every other requirement checked as on a clean run, fixtures restored), and a target that never
// answers is still one line and exit 2, after at most three attempts of its first read. A read that got an answer (a
// 500 too) is never sent again. Every run is `connect-conformance run --target endpoint` against a server this file
// starts on 127.0.0.1; assertions are on requests counted at the server, never on the clock.
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../engine/results-types.ts';
import { defaultSpec } from '../spec/index.ts';
import { internalError } from '../variants/kit.ts';
import { modelledMembers, runBin } from './helpers.ts';
import { endpointEnv, endpointFlags, fullFixtures, SOCKET_BROKEN, startVariantServer, type VariantServer } from '../variants/time.ts';

const MAX_REQUESTS = 5_000;
const SEED = 3;
const cli = (args: string[], env: NodeJS.ProcessEnv) => runBin(args, env);
const modelled = (server: VariantServer) => modelledMembers(server.service.store.snapshot());

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});
async function serve(options: Parameters<typeof startVariantServer>[1]): Promise<VariantServer> {
  const server = await startVariantServer(await defaultSpec(), options);
  closers.push(() => server.close());
  return server;
}

/** One whole run against a server; its results.json. */
async function run(server: VariantServer, extra: string[] = []): Promise<{ code: number; output: string; results: Results }> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-retry-'));
  const r = await cli(
    [
      'run',
      ...endpointFlags(server),
      '--seed',
      String(SEED),
      '--runs',
      '2',
      '--read-back-window',
      '1000',
      '--max-requests',
      String(MAX_REQUESTS),
      '--quiet',
      '--report-dir',
      dir,
      ...extra,
    ],
    endpointEnv(process.env, server.fixtures),
  );
  return { code: r.code, output: r.stdout + r.stderr, results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results };
}

const statuses = (r: Results) => Object.fromEntries(r.requirements.map((x) => [x.id, x.status]));
const without = (s: Record<string, string>, id: string) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== id));
const srv = (r: Results) => r.requirements.find((x) => x.id === 'SRV-AVAILABLE')!;

describe('a connection dropped on the reads before the first write', () => {
  it('the first connection reset: the run ends with a verdict (SRV-AVAILABLE fails on that request, exit 1), everything else as on a clean run, fixtures restored', {
    timeout: 240_000,
  }, async () => {
    const variant = SOCKET_BROKEN.find((v) => v.name === 'drops-first-connection')!;
    const [clean, faulty] = await Promise.all([
      serve({ fixtures: fullFixtures() }),
      serve({ socket: variant.socket, fixtures: fullFixtures() }),
    ]);
    const before = modelled(faulty);
    const [a, b] = await Promise.all([run(clean), run(faulty)]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(variant.exitCode);
    expect(b.results.summary.verdict).toBe('not conformant');
    // One failure, on the dropped request: the preflight's DescribeInstance, sent again and answered.
    expect(srv(b.results).status).toBe('fail');
    expect(srv(b.results).failureCount).toBe(1);
    expect(srv(b.results).failures[0]!.request).toMatchObject({ method: 'GET', path: expect.stringMatching(/^\/instance\//) });
    expect(srv(b.results).failures[0]!.transportError).toBeTruthy();
    // Every other requirement as on the clean run (same seed): checked, nothing skipped or in error for it.
    expect(without(statuses(b.results), 'SRV-AVAILABLE')).toEqual(without(statuses(a.results), 'SRV-AVAILABLE'));
    expect(b.results.execution!.stepErrors).toEqual([]);
    expect(b.results.execution!.steps.done).toBe(b.results.execution!.steps.planned);
    // Exactly one request more than the clean run: the dropped read, sent again (nothing else is).
    expect(faulty.arrivals()).toBe(clean.arrivals() + 1);
    expect(faulty.arrivals()).toBeLessThan(MAX_REQUESTS);
    expect(
      b.results.fixtures.every((f) => f.restored),
      JSON.stringify(b.results.fixtures),
    ).toBe(true);
    expect(modelled(faulty)).toEqual(before);
  });

  it('the first two snapshot DescribeUser reads reset: the third attempt reads the user, two SRV-AVAILABLE failures, exit 1, fixtures restored', {
    timeout: 240_000,
  }, async () => {
    const faulty = await serve({ socket: { kind: 'reset-first', count: 2, describeUserOnly: true }, fixtures: fullFixtures() });
    const before = modelled(faulty);
    const b = await run(faulty);
    expect(b.code, b.output).toBe(1);
    expect(b.results.summary.verdict).toBe('not conformant');
    const failing = b.results.requirements.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.id);
    expect(failing).toEqual(['SRV-AVAILABLE']);
    expect(srv(b.results).failureCount).toBe(2);
    const user = faulty.fixtures.instances.find((i) => i.identityManagementType === 'CONNECT_MANAGED')!.users[0]!.id;
    for (const f of srv(b.results).failures) expect(f.request).toMatchObject({ method: 'GET', path: expect.stringContaining(`/${user}`) });
    expect(b.results.execution!.stepErrors).toEqual([]);
    expect(faulty.arrivals()).toBeLessThan(MAX_REQUESTS);
    expect(
      b.results.fixtures.every((f) => f.restored),
      JSON.stringify(b.results.fixtures),
    ).toBe(true);
    expect(modelled(faulty)).toEqual(before);
  });

  it('a read that got an answer is never sent again: a 500 to the first DescribeUser ends the run with its one line, after one attempt', {
    timeout: 60_000,
  }, async () => {
    let describes = 0;
    const server = await serve({
      fixtures: fullFixtures(),
      wrap: (handler) => async (request) =>
        request.method === 'GET' && request.path.startsWith('/users/') && ++describes === 1 ? internalError() : handler(request),
    });
    const dir = mkdtempSync(join(tmpdir(), 'cc-retry-500-'));
    const r = await cli(['run', ...endpointFlags(server), '--quiet', '--report-dir', dir], endpointEnv(process.env, server.fixtures));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read fixture user .* answered 500/);
    expect(describes).toBe(1);
    // DescribeInstance (the type) and the one DescribeUser.
    expect(server.arrivals()).toBe(2);
  });
});

/** A server on 127.0.0.1 that reads every request and answers none; what arrived, as `METHOD path`. */
async function silentServer(): Promise<{ endpoint: string; arrived: string[] }> {
  const arrived: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage) => {
    arrived.push(`${req.method} ${req.url}`);
    req.resume();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived };
}

describe('a server that never answers', () => {
  it('one line on stderr (progress on), exit 2, after at most three attempts of the first read and nothing else', {
    timeout: 60_000,
  }, async () => {
    const { endpoint, arrived } = await silentServer();
    const fixtures = fullFixtures();
    const dir = mkdtempSync(join(tmpdir(), 'cc-retry-silent-'));
    const r = await cli(
      ['run', ...endpointFlags({ endpoint, fixtures }), '--request-timeout', '500', '--report-dir', dir],
      endpointEnv(process.env, fixtures),
    );
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/does not answer .*3 attempts/);
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived.length).toBeLessThanOrEqual(3);
    // Every attempt is the first read (DescribeInstance of the fixture instance): nothing else was sent.
    expect(new Set(arrived)).toEqual(new Set([arrived[0]]));
    expect(arrived[0]).toMatch(/^GET \/instance\//);
  });

  it('the attempts stay within --max-requests: two allowed, at most two sent, the same one line', { timeout: 60_000 }, async () => {
    const { endpoint, arrived } = await silentServer();
    const fixtures = fullFixtures();
    const dir = mkdtempSync(join(tmpdir(), 'cc-retry-bound-'));
    const r = await cli(
      ['run', ...endpointFlags({ endpoint, fixtures }), '--request-timeout', '500', '--max-requests', '2', '--quiet', '--report-dir', dir],
      endpointEnv(process.env, fixtures),
    );
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/does not answer .*2 attempts/);
    expect(arrived.length).toBeLessThanOrEqual(2);
  });
});
