// Crash safety of --target aws, with the CLI as a separate process: a run killed in the middle (SIGKILL, after its
// journal holds its snapshots and it has written to its fixtures) leaves a journal from which `connect-conformance
// cleanup` restores every fixture and deletes every user it created; the next run in the same directory does the same
// before it starts; and SIGINT stops a run cleanly: it restores, reports what did not run as skip, and exits 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../bin/run.ts';
import type { Results } from '../engine/results.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import {
  fixtureFlags,
  IDS,
  sandboxFlags,
  startCountingServer,
  useExampleCredentials,
  writesOutside,
  type CountingServer,
} from './aws-server.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'connect-conformance.js');
const tmp = mkdtempSync(join(tmpdir(), 'cc-aws-cleanup-'));
const env = useExampleCredentials(tmp);
let spec: Spec;
beforeAll(async () => {
  spec = await defaultSpec();
});

interface Journal {
  entries: { kind: string; userId?: string; username?: string }[];
}
const journalOf = (dir: string): Journal | undefined =>
  existsSync(join(dir, 'journal.json')) ? (JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) as Journal) : undefined;

function cli(args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, exit };
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Successful UpdateUserIdentityInfo requests the server handled. */
const identityWrites = (server: CountingServer) => server.handled.filter((h) => h.method === 'POST' && h.status === 200).length;

/** Starts a run in a child process and kills it once its journal holds `entries` entries and it has written `writes` times. */
async function killMidway(server: CountingServer, dir: string, fixture: string[], signal: NodeJS.Signals, entries: number, writes: number) {
  const { child, exit } = cli(['run', ...sandboxFlags(server, fixture), '--seed', '3', '--rate', '10', '--report-dir', dir]);
  await until(
    'the run has journaled and written',
    () => (journalOf(dir)?.entries.length ?? 0) >= entries && identityWrites(server) >= writes,
  );
  child.kill(signal);
  return exit;
}

describe('a run killed in the middle', () => {
  it('leaves a journal from which cleanup restores every fixture user', { timeout: 120_000 }, async () => {
    const server = await startCountingServer(spec);
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'killed');
    try {
      const killed = await killMidway(server, dir, fixtureFlags, 'SIGKILL', 2, 4);
      expect(killed.signal).toBe('SIGKILL');
      expect(journalOf(dir)!.entries.map((e) => e.kind)).toEqual(['snapshot', 'snapshot']);
      const changed = server.service.store.snapshot()[IDS.instance]!;
      expect(changed[IDS.user]).not.toEqual(before[IDS.instance]![IDS.user]);

      const arrived = server.arrivals.length;
      const cleanup = cli(['cleanup', '--report-dir', dir]);
      const done = await cleanup.exit;
      expect(done.code, done.out).toBe(0);
      expect(done.out).toMatch(/2 user\(s\) to restore, 0 to delete/);
      const after = server.service.store.snapshot();
      for (const user of [IDS.user, IDS.secondUser]) {
        for (const [k, v] of Object.entries(before[IDS.instance]![user]!)) expect(after[IDS.instance]![user]![k], `${user}.${k}`).toBe(v);
      }
      // cleanup writes only the journal's users: restore and verify, two requests each
      expect(server.arrivals.length - arrived).toBe(4);
      expect(writesOutside(server, [IDS.instance, IDS.secondInstance, IDS.user, IDS.secondUser])).toEqual([]);
      expect(journalOf(dir)!.entries.map((e) => e.kind)).toEqual(['snapshot', 'snapshot', 'restored', 'restored', 'finished']);
      const again = await cli(['cleanup', '--report-dir', dir]).exit;
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/left nothing to undo/);
    } finally {
      await server.close();
    }
  });

  it('with --provision: the next run in that directory deletes the users it created before it starts', { timeout: 120_000 }, async () => {
    const server = await startCountingServer(spec);
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'killed-provision');
    try {
      await killMidway(server, dir, ['--provision', '--security-profile-id', 'agent', '--routing-profile-id', 'basic'], 'SIGKILL', 4, 3);
      const created = journalOf(dir)!
        .entries.filter((e) => e.kind === 'created')
        .map((e) => e.userId!);
      expect(created).toHaveLength(2);
      for (const id of created) expect(server.service.store.instances.get(IDS.instance)!.users.has(id)).toBe(true);

      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      let code: number;
      try {
        code = await run([
          ...sandboxFlags(server, fixtureFlags),
          '--seed',
          '4',
          '--rate',
          '25',
          '--max-requests',
          '40',
          '--report-dir',
          dir,
        ]);
      } finally {
        log.mockRestore();
      }
      // The budget of 40 stops this run early (INCOMPLETE, exit 1); what matters here is what it did first.
      expect(code, lines.join('\n')).toBe(1);
      expect(lines.join('\n')).toMatch(/did not finish; undoing what its journal records first/);
      for (const id of created) expect(server.service.store.instances.get(IDS.instance)!.users.has(id)).toBe(false);
      const deletes = server.writes().filter((w) => w.method === 'DELETE');
      expect(deletes.map((d) => d.path.split('/').at(-1)).sort()).toEqual([...created].sort());
      // The new run kept its own journal, and finished it.
      expect(journalOf(dir)!.entries.map((e) => e.kind)).toEqual(['snapshot', 'snapshot', 'restored', 'restored', 'finished']);
      expect(server.service.store.snapshot()[IDS.instance]![IDS.secondUser]).toEqual(before[IDS.instance]![IDS.secondUser]);
    } finally {
      await server.close();
    }
  });

  it('SIGINT stops a run cleanly: it restores, reports what did not run as skip, and exits 1', { timeout: 120_000 }, async () => {
    const server = await startCountingServer(spec);
    const before = server.service.store.snapshot();
    const dir = join(tmp, 'interrupted');
    try {
      const stopped = await killMidway(server, dir, fixtureFlags, 'SIGINT', 2, 4);
      expect(stopped.code, stopped.out).toBe(1);
      expect(stopped.out).toMatch(/SIGINT: stopping after the current request/);
      expect(stopped.out).toMatch(/stopped early: interrupted \(SIGINT\)/);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
      expect(results.requirements.some((r) => r.status === 'skip' && /not reached: interrupted/.test(r.reason ?? ''))).toBe(true);
      expect(results.fixtures.every((f) => f.restored)).toBe(true);
      const after = server.service.store.snapshot();
      for (const user of [IDS.user, IDS.secondUser]) {
        for (const [k, v] of Object.entries(before[IDS.instance]![user]!)) expect(after[IDS.instance]![user]![k]).toBe(v);
      }
      expect(journalOf(dir)!.entries.at(-1)!.kind).toBe('finished');
    } finally {
      await server.close();
    }
  });
});
