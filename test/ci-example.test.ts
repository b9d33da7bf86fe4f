// The shipped CI example (examples/ci/github-actions.yml) runs as written: its steps' commands, taken from the workflow
// file, run in bash in a folder laid out as a repository that has the suite installed (node_modules/.bin), against the
// embedded reference that its "Start the emulator" step serves: the single job (its baseline first refreshed as the
// workflow's comment says), the three shards with a seed the size of a real GitHub run id, and the merge job's gate.
// Only the emulator's port is changed (to a free one), in the serve command and in ENDPOINT alike.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { seedOf } from '../engine/options.ts';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
/** A GitHub Actions run id of today: far above 2^31. */
const RUN_ID = '12345678901234';

interface Step {
  name?: string;
  run?: string;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, unknown[]> } }>;
}

const workflow = parse(readFileSync(join(ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as Workflow;
const step = (job: string, name: RegExp): string => {
  const found = workflow.jobs[job]!.steps.find((s) => s.name && name.test(s.name))?.run;
  if (!found) throw new Error(`the workflow's ${job} job has no step named ${name}`);
  return found.trim();
};

let work: string;
let port: number;
let emulator: ChildProcess | undefined;

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return p;
}

/** A workflow command with its expressions filled in, on the free port. */
const filled = (command: string, matrix: Record<string, string> = {}) =>
  command
    .replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, key: string) => matrix[key] ?? '')
    .replace(/\$\{\{\s*github\.run_id\s*\}\}/g, RUN_ID)
    .replaceAll('4599', String(port));

function env(): NodeJS.ProcessEnv {
  const own = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_OPTIONS'),
  );
  const emptyFile = join(work, '.no-aws-config');
  const workflowEnv = Object.fromEntries(Object.entries(workflow.env).map(([k, v]) => [k, String(v).replaceAll('4599', String(port))]));
  return {
    ...own,
    AWS_CONFIG_FILE: emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...workflowEnv,
  };
}

async function bash(command: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec('bash', ['-c', command], {
      cwd: work,
      env: env(),
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cc-ci-example-'));
  writeFileSync(join(work, '.no-aws-config'), '');
  // The repository's `npm ci` installed the suite: npx finds its command in node_modules/.bin.
  mkdirSync(join(work, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(ROOT, 'bin', 'connect-conformance.js'), join(work, 'node_modules', '.bin', 'connect-conformance'));
  port = await freePort();
  // "Start the emulator": its script leaves the server running in the background. Its own process group, so that
  // afterAll stops the server and nothing else.
  const start = spawn('bash', ['-c', filled(step('shard', /^Start the emulator$/))], {
    cwd: work,
    env: env(),
    detached: true,
    stdio: 'ignore',
  });
  emulator = start;
  const code = await new Promise<number | null>((resolve) => start.once('exit', resolve));
  expect(code).toBe(0);
  const served = JSON.parse(readFileSync(join(work, 'serve.json'), 'utf8')) as { endpoint: string };
  expect(served.endpoint).toBe(`http://127.0.0.1:${port}`);
}, 120_000);

afterAll(() => {
  if (emulator?.pid) {
    try {
      process.kill(-emulator.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the CI example, run as written against the embedded reference', () => {
  it('the single job: its baseline refreshed as its comment says, then its run command gates green', { timeout: 600_000 }, async () => {
    const command = filled(step('conformance', /^Run the conformance suite$/));
    expect(command).toContain('--baseline ci/connect-baseline.yaml');
    mkdirSync(join(work, 'ci'), { recursive: true });
    const refreshed = await bash(`${command} --update-baseline`);
    expect(refreshed.code, refreshed.out.slice(-3000)).toBe(0);
    expect(existsSync(join(work, 'ci', 'connect-baseline.yaml'))).toBe(true);
    const r = await bash(command);
    expect(r.code, r.out.slice(-3000)).toBe(0);
    expect(r.out).toMatch(/^CONFORMANT/m);
    for (const f of ['results.json', 'index.html', 'junit.xml']) expect(existsSync(join(work, 'reports', 'out', f)), f).toBe(true);
  });

  it('three shards with a run id as the seed, then the merge job joins them and gates green', { timeout: 900_000 }, async () => {
    // The merge gates on the committed baseline (the single job's test writes one; alone, this test starts from none).
    if (!existsSync(join(work, 'ci', 'connect-baseline.yaml'))) {
      mkdirSync(join(work, 'ci'), { recursive: true });
      writeFileSync(join(work, 'ci', 'connect-baseline.yaml'), '[]\n');
    }
    const shards = (workflow.jobs.shard!.strategy!.matrix.shard as number[]).map(String);
    expect(shards).toEqual(['1', '2', '3']);
    const command = step('shard', /^Run shard/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, as the workflow file holds it.
    expect(command).toContain('--seed ${{ github.run_id }}');
    for (const shard of shards) {
      const r = await bash(filled(command, { shard }));
      expect(r.code, r.out.slice(-3000)).toBe(0);
      const results = JSON.parse(readFileSync(join(work, 'reports', `shard-${shard}`, 'results.json'), 'utf8')) as {
        seed: number;
        seedGiven?: string;
        shard?: string;
      };
      expect(results).toMatchObject({ seed: seedOf(RUN_ID).seed, seedGiven: RUN_ID, shard: `${shard}/3` });
      // upload-artifact shard-N, then download-artifact pattern shard-* into shards/
      cpSync(join(work, 'reports', `shard-${shard}`), join(work, 'shards', `shard-${shard}`), { recursive: true });
    }
    rmSync(join(work, 'reports', 'out'), { recursive: true, force: true });
    const merged = await bash(filled(step('merge', /^Merge the shards and gate$/)));
    expect(merged.code, merged.out.slice(-3000)).toBe(0);
    expect(merged.out).toMatch(/^CONFORMANT/m);
    for (const f of ['results.json', 'index.html', 'junit.xml']) expect(existsSync(join(work, 'reports', 'out', f)), f).toBe(true);
  });
});
