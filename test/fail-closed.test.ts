// Fail closed: a target that answers something that is not a response, a handler result of the wrong shape, a step
// that cannot finish — each ends NOTHING CHECKED or INCOMPLETE, exit 1, with the step named, and the console,
// results.json, index.html and junit.xml say the same. Never CONFORMANT, never a silent skip.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../api/run.ts';
import type { Results } from '../engine/results.ts';
import { defaultFixtures } from '../targets/reference/index.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'cc-fail-closed-'));

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'cli.ts'), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
const fixtureFlags = ['--instance-id', managed[0]!.id, '--user-id', managed[0]!.users[0]!.id, '--second-user-id', managed[0]!.users[1]!.id];

interface Written {
  results: Results;
  html: string;
  junit: string;
}

const written = (dir: string): Written => ({
  results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results,
  html: readFileSync(join(dir, 'index.html'), 'utf8'),
  junit: readFileSync(join(dir, 'junit.xml'), 'utf8'),
});

/** Every report agrees: the verdict word, no CONFORMANT, the step named, errors in JUnit. */
function expectAllSay(out: string, w: Written, verdict: string, step: RegExp): void {
  const word = verdict.toUpperCase();
  expect(w.results.summary.verdict).toBe(verdict);
  expect(out).toMatch(new RegExp(`^${word} \\(UpdateUserIdentityInfo\\): `, 'm'));
  expect(out).not.toMatch(/^CONFORMANT/m);
  expect(out).toMatch(step);
  expect(w.html).toContain(`<div class="verdict-word">${word}</div>`);
  expect(w.html).toMatch(step);
  expect(w.junit).toMatch(/<error message="not checked: /);
  expect(w.junit).toMatch(step);
  expect(w.junit).toContain(`verdict: ${word}`);
  const errors = w.results.requirements.filter((r) => r.status === 'error');
  expect(errors.length).toBeGreaterThan(0);
  for (const r of errors) expect(r.errors?.[0]?.stepId, r.id).toMatch(step);
}

describe('a module whose handler does not answer with a response', () => {
  it.each([
    ['status-only.mjs', /returned headers that are undefined/],
    ['returns-undefined.mjs', /returned undefined, not a response/],
  ])('%s: NOTHING CHECKED, exit 1, in console, results.json, HTML and JUnit', { timeout: 120_000 }, async (file, problem) => {
    const dir = join(tmp, file);
    const r = await cli([
      'run',
      '--target',
      'module',
      '--module',
      `test/fixtures/broken-modules/${file}`,
      ...fixtureFlags,
      '--identity-management',
      'CONNECT_MANAGED',
      '--quiet',
      '--report-dir',
      dir,
    ]);
    expect(r.code, r.out).toBe(1);
    const w = written(dir);
    expectAllSay(r.out, w, 'nothing checked', /fixtures/);
    expect(w.results.requirements.find((x) => x.id === 'OK-ACCEPT-VALID')!.reason).toMatch(problem);
    // Nothing was judged, so no requirement passed and none failed.
    expect(w.results.summary.must.passed + w.results.summary.must.failed).toBe(0);
  });

  it('a string body on the operation under test: the steps that send it do not finish, and say which', { timeout: 120_000 }, async () => {
    const dir = join(tmp, 'string-body');
    const r = await cli([
      'run',
      '--target',
      'module',
      '--module',
      'test/fixtures/broken-modules/string-body.ts',
      ...fixtureFlags,
      '--quiet',
      '--runs',
      '2',
      '--report-dir',
      dir,
    ]);
    expect(r.code, r.out).toBe(1);
    const w = written(dir);
    expect(['nothing checked', 'incomplete']).toContain(w.results.summary.verdict);
    expectAllSay(r.out, w, w.results.summary.verdict, /CONNECT_MANAGED\/(boundary|random|existence|precedence|stateful)\//);
    expect(w.results.requirements.find((x) => x.id === 'OK-ACCEPT-VALID')!.reason).toMatch(/a body that is a string, not a Uint8Array/);
    expect(w.results.fixtures.every((f) => f.restored)).toBe(true);
  });
});

describe('a step that throws', () => {
  it('makes its requirements error, the run INCOMPLETE; the other steps still run', { timeout: 120_000 }, async () => {
    // The variant's handler throws on one kind of request only: the unsigned one of AUTH-UNSIGNED's step.
    const results = await runConformance({
      identityManagementType: 'CONNECT_MANAGED',
      seed: 3,
      runs: 2,
      wrapHandler: (handler) => async (request) => {
        if (!request.headers.authorization) throw new Error('the handler crashed');
        return handler(request);
      },
    });
    const unsigned = results.requirements.find((r) => r.id === 'AUTH-UNSIGNED')!;
    expect(unsigned.status).toBe('error');
    expect(unsigned.errors?.[0]).toEqual({
      stepId: 'CONNECT_MANAGED/authentication/unsigned',
      message: expect.stringMatching(/threw on POST .*: the handler crashed/),
    });
    expect(results.summary.verdict).toBe('incomplete');
    expect(results.execution?.steps.errors).toBe(1);
    expect(results.requirements.find((r) => r.id === 'AUTH-BAD-SIGNATURE')!.status).toBe('pass');
    expect(results.requirements.find((r) => r.id === 'OK-ACCEPT-VALID')!.status).toBe('pass');
  });
});

describe('the verdict is computed from the plan', () => {
  it('a run stopped before its first step checks nothing: NOTHING CHECKED, not CONFORMANT', async () => {
    const abort = new AbortController();
    abort.abort('test');
    const results = await runConformance({ identityManagementType: 'CONNECT_MANAGED', seed: 1, signal: abort.signal });
    expect(results.summary.verdict).toBe('nothing checked');
    expect(results.summary.stopped).toMatch(/interrupted \(test\)/);
    expect(results.execution?.steps.notRun).toBe(results.execution?.steps.planned);
  });
});
