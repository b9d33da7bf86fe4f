// Issue 13 item 2 (with issue 11 item 4): the time and the requests a run takes to its verdict against each target
// that misbehaves in time (variants/time.ts), beside a correct target's. Every run is `node bin/connect-conformance.js
// run --target endpoint` (the command a user runs, default settings but for the seed) against the reference behind an
// HTTP server on 127.0.0.1 in this process, with the variant's wrap or socket fault; the server counts the requests
// that arrive. The correct runs: the reference as it is, and every correct variant in time (reads that lag, reads from
// stale replicas that go back in time, a token bucket per client).
// Ratios are to the correct run's wall time in this run (issue 11: a broken one ends in under 20 times it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../spec/index.ts';
import {
  endpointEnv,
  endpointFlags,
  fullFixtures,
  SOCKET_BROKEN,
  startVariantServer,
  TIME_BROKEN,
  TIME_CORRECT,
  type SocketFault,
} from '../variants/time.ts';
import type { Wrap } from '../variants/variant.ts';
import { measureTree } from './default-run.ts';

/** Issue 11: a broken target's run ends in under 5,000 requests (the ratio of wall times: bench/targets.ts). */
const MAX_REQUESTS_TO_VERDICT = 5_000;

export interface TimeTarget {
  name: string;
  kind: 'correct' | 'broken';
  wrap?: Wrap;
  socket?: SocketFault;
  /** The requirements that must fail (broken); none for a correct target or one that cannot be started. */
  caughtBy: string[];
  expectedExit: number;
  /** Extra flags (the never-answering server: a request timeout of a second). */
  flags?: string[];
}

export const TIME_TARGETS: TimeTarget[] = [
  { name: 'reference (correct)', kind: 'correct', caughtBy: [], expectedExit: 0 },
  ...TIME_CORRECT.map((v): TimeTarget => ({ name: `${v.name} (correct)`, kind: 'correct', wrap: v.wrap, caughtBy: [], expectedExit: 0 })),
  ...TIME_BROKEN.map((v): TimeTarget => ({ name: v.name, kind: 'broken', wrap: v.wrap, caughtBy: v.caughtBy ?? [], expectedExit: 1 })),
  ...SOCKET_BROKEN.map(
    (v): TimeTarget => ({
      name: v.name,
      kind: 'broken',
      socket: v.socket,
      caughtBy: v.caughtBy,
      expectedExit: v.exitCode,
      flags: v.socket.kind === 'silent' ? ['--request-timeout', '1000'] : [],
    }),
  ),
];

export interface TimeRun {
  name: string;
  kind: TimeTarget['kind'];
  wallSeconds: number;
  /** Requests that arrived at the server. */
  requests: number;
  exitCode: number | null;
  expectedExit: number;
  /** The requirements that failed (results.json), or the one line of an exit 2. */
  failed: string[];
  caught: boolean;
  /** Every fixture user's modelled members as before the run (correct targets). */
  fixturesAsBefore?: boolean;
  /** Wall time ÷ the correct (unlagged) run's. */
  ratioToCorrect?: number;
  line?: string;
}

const MEMBERS = ['FirstName', 'LastName', 'Email', 'SecondaryEmail', 'Mobile'];
const modelled = (snapshot: Record<string, Record<string, Record<string, unknown>>>) =>
  JSON.stringify(
    Object.entries(snapshot).map(([i, users]) => [i, Object.entries(users).map(([u, info]) => [u, MEMBERS.map((m) => info[m])])]),
  );

/** One run of the command against one target; the server is closed, the report folder removed. */
export async function runTimeTarget(
  root: string,
  spec: Spec,
  t: TimeTarget,
  options: { seed: number; runs?: number; timeoutMs?: number },
): Promise<TimeRun> {
  const server = await startVariantServer(spec, { wrap: t.wrap, socket: t.socket, fixtures: fullFixtures() });
  const reportDir = mkdtempSync(join(tmpdir(), 'connect-conformance-time-'));
  const before = modelled(server.service.store.snapshot());
  try {
    const args = [
      'bin/connect-conformance.js',
      'run',
      ...endpointFlags(server),
      '--seed',
      String(options.seed),
      ...(options.runs ? ['--runs', String(options.runs)] : []),
      ...(t.flags ?? []),
      '--quiet',
      '--report-dir',
      reportDir,
    ];
    const run = await measureTree(root, args, options.timeoutMs ?? 600_000, endpointEnv(process.env, server.fixtures));
    let failed: string[] = [];
    let line: string | undefined;
    try {
      const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
        requirements: { id: string; status: string }[];
      };
      failed = results.requirements.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id);
    } catch {
      line = run.output.trim().split('\n').at(-1);
    }
    const requests = server.arrivals();
    const caught =
      t.kind === 'correct'
        ? run.exitCode === 0 && failed.length === 0
        : run.exitCode === t.expectedExit &&
          requests < MAX_REQUESTS_TO_VERDICT &&
          (t.caughtBy.length === 0 || t.caughtBy.some((id) => failed.includes(id)));
    return {
      name: t.name,
      kind: t.kind,
      wallSeconds: run.wallSeconds,
      requests,
      exitCode: run.exitCode,
      expectedExit: t.expectedExit,
      failed,
      caught,
      ...(t.kind === 'correct' ? { fixturesAsBefore: modelled(server.service.store.snapshot()) === before } : {}),
      ...(line ? { line } : {}),
    };
  } finally {
    await server.close();
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/** Every target in turn; each run's wall time as a ratio to the unlagged correct run's. */
export async function measureTimeTargets(
  root: string,
  spec: Spec,
  options: { seed: number; runs?: number; log?: (line: string) => void },
): Promise<TimeRun[]> {
  const out: TimeRun[] = [];
  for (const t of TIME_TARGETS) {
    options.log?.(`time to verdict: ${t.name}`);
    out.push(await runTimeTarget(root, spec, t, options));
  }
  const correct = out[0]!.wallSeconds;
  return out.map((r) => ({ ...r, ratioToCorrect: correct > 0 ? r.wallSeconds / correct : undefined }));
}
