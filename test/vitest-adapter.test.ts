// The vitest adapter, run as a mock author runs it: vitest on examples/vitest/conformance.test.ts (the README's
// example) in a child process. A correct mock passes every test (skips say why); a broken one fails exactly the
// tests of the requirements it breaks, each with its evidence and replay line.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../spec/index.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'cc-adapter-'));

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

async function vitest(env: Record<string, string>, name: string): Promise<{ code: number; report: Report }> {
  const out = join(tmp, `${name}.json`);
  let code = 0;
  try {
    await exec(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'examples/vitest/vitest.config.ts', '--reporter=json', `--outputFile=${out}`], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    code = (e as { code: number }).code;
  }
  return { code, report: JSON.parse(readFileSync(out, 'utf8')) as Report };
}

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

  it('fails the tests of the requirements a broken mock breaks, with evidence and a replay line', { timeout: 240_000 }, async () => {
    const { code, report } = await vitest({ MOCK_BUG: 'unknown-user-400' }, 'broken');
    expect(code).toBe(1);
    const failed = report.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === 'failed');
    const ids = failed.map((t) => t.title.split(' ')[0]);
    expect(ids).toContain('EX-UNKNOWN-USER');
    const message = failed.find((t) => t.title.startsWith('EX-UNKNOWN-USER'))!.failureMessages.join('\n');
    expect(message).toMatch(/expected 404 ResourceNotFoundException, got 400/);
    expect(message).toMatch(/replay: +npx connect-conformance replay .*--step CONNECT_MANAGED\/existence\/unknown-user/);
  });
});
