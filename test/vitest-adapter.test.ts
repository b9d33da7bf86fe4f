// The vitest adapter, run as a mock author runs it: vitest in examples/vitest (the README's example, a project of its
// own with its vitest.config.ts) in a child process. A correct mock passes every test (skips say why); a broken one
// fails exactly the tests of the requirements it breaks, each with its evidence and a replay line, and the replay line
// runs as printed: it runs the failure again (only its requirement, in its plan step) and fails the same way.
import { exec as execCallback } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../spec/index.ts';
import { childEnv, vitestChild } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'vitest');
const shell = promisify(execCallback);
const tmp = mkdtempSync(join(tmpdir(), 'cc-adapter-'));

const vitest = (env: Record<string, string>, name: string) => vitestChild({ cwd: EXAMPLE, env, report: join(tmp, `${name}.json`) });

const spec = await defaultSpec();

describe('the vitest adapter (README example)', () => {
  it('gates a correct mock: one test per requirement and two for the run, none failing', { timeout: 240_000 }, async () => {
    const { code, report } = await vitest({}, 'correct');
    expect(code).toBe(0);
    const tests = report.testResults.flatMap((f) => f.assertionResults);
    expect(tests).toHaveLength(spec.requirements.length + 2);
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(35);
  });

  it('fails the tests of the requirements a broken mock breaks, with evidence and a replay line that runs as printed', {
    timeout: 480_000,
  }, async () => {
    const { code, report } = await vitest({ MOCK_BUG: 'unknown-user-400' }, 'broken');
    expect(code).toBe(1);
    const failed = report.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === 'failed');
    const ids = failed.map((t) => t.title.split(' ')[0]);
    expect(ids).toContain('EX-UNKNOWN-USER');
    const message = failed.find((t) => t.title.startsWith('EX-UNKNOWN-USER'))!.failureMessages.join('\n');
    expect(message).toMatch(/expected 404 ResourceNotFoundException, got 400/);
    const replay = /replay: +(.+)$/m.exec(message)?.[1];
    expect(replay).toMatch(
      /^CONNECT_CONFORMANCE_REPLAY='suite=my\+Connect\+mock&requirement=EX-UNKNOWN-USER&step=CONNECT_MANAGED%2Fexistence%2Funknown-user&seed=1' npx vitest run conformance\.test\.ts -t 'EX-UNKNOWN-USER '$/,
    );

    // The printed line, run by a shell in the example project: only that requirement runs, and it fails again.
    const again = await shell(replay!, {
      cwd: EXAMPLE,
      env: childEnv({ MOCK_BUG: 'unknown-user-400' }),
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(again.code, again.out).toBe(1);
    expect(again.out).toMatch(/FAIL .*EX-UNKNOWN-USER/);
    expect(again.out).toMatch(/Tests +1 failed \| \d+ skipped/);
    expect(again.out).toMatch(/EX-UNKNOWN-USER \[MUST\].*: 1 failing case/);
    // Fixed, the same line passes.
    const fixed = await shell(replay!, { cwd: EXAMPLE, env: childEnv({}), timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toMatch(/Tests +1 passed \| \d+ skipped/);
  });
});
