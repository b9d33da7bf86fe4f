// The package as its users get it: npm pack (which builds dist/ with tsc), the tarball installed into a fresh
// CommonJS project and a fresh ESM project, and there: connect-conformance --version, a full run against the
// reference, runs against a TypeScript mock and a JavaScript mock of the project (and a TypeScript mock in a folder
// with no package.json), a vitest file of the project that gates its mock with connect-conformance/vitest, and tsc
// on the README's vitest example (no top-level await: it compiles as a CommonJS module as well as an ES module). The
// tarball ships the LICENSE (Apache-2.0, as package.json declares).
// The package is built from a copy of the sources (so that a concurrent build in the repository is never
// disturbed); npm installs from its cache first (--prefer-offline), the registry only for what the cache lacks.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const LONG = 600_000;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const suiteCommit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
})();

/** The environment of a child: this process's, without vitest's own markers (a nested vitest must start afresh). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST' && k !== 'npm_config_prefix',
    ),
  );
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', ...extra };
}

async function sh(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = childEnv(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env, timeout: LONG, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number | string; stdout: string; stderr: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: `${err.stderr ?? ''}${typeof err.code === 'string' ? ` (${err.code})` : ''}`,
    };
  }
}

const FIXTURES = [
  '--instance-id',
  'c0a1b2c3-0000-4000-8000-000000000001',
  '--user-id',
  'a0000000-0000-4000-8000-000000000001',
  '--second-user-id',
  'a0000000-0000-4000-8000-000000000002',
  '--second-instance-id',
  'c0a1b2c3-0000-4000-8000-000000000002',
  '--identity-management',
  'CONNECT_MANAGED',
];

// A mock author's TypeScript mock: the package's reference, imported as a user imports it.
const TS_MOCK = `import { createReference, type WireRequest, type WireResponse } from 'connect-conformance/reference';

const reference = createReference();

export async function handler(request: WireRequest): Promise<WireResponse> {
  return (await reference).handle(request);
}
`;

const JS_MOCK = {
  commonjs: `// CommonJS: module.exports
let reference;
module.exports = {
  async handler(request) {
    reference ??= import('connect-conformance/reference').then((m) => m.createReference());
    return (await reference).handle(request);
  },
};
`,
  module: `// ESM: export
import { createReference } from 'connect-conformance/reference';
const reference = createReference();
export async function handler(request) {
  return (await reference).handle(request);
}
`,
};

// A TypeScript mock in a folder with no package.json above it: it reads every user back with empty identity info and
// accepts every update (far from conformant), which is enough to show that it loads and is judged.
const LONE_TS_MOCK = `interface Request { method: string; path: string; headers: Record<string, string>; body: Uint8Array }
interface Response { statusCode: number; headers: Record<string, string>; body: Uint8Array }
const json = (value: unknown): Response => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify(value)) });
export async function handler(request: Request): Promise<Response> {
  const [, , instanceId, userId] = request.path.split('?')[0]!.split('/');
  if (request.method === 'GET') return json({ User: { Id: userId, Arn: \`arn:aws:connect:us-east-1:123456789012:instance/\${instanceId}/agent/\${userId}\`, Username: 'u', IdentityInfo: {} } });
  return json({});
}
`;

const VITEST_FILE = `import { describeConformance } from 'connect-conformance/vitest';
import { handler } from './mock.ts';

describeConformance('my Connect mock', {
  handler,
  identityManagementType: 'CONNECT_MANAGED',
  fixtures: { instanceId: 'c0a1b2c3-0000-4000-8000-000000000001', userId: 'a0000000-0000-4000-8000-000000000001', secondUserId: 'a0000000-0000-4000-8000-000000000002', secondInstanceId: 'c0a1b2c3-0000-4000-8000-000000000002' },
  seed: 1,
  runs: 2,
});
`;

/** The README's vitest example, verbatim: the code block of "Gate your mock in vitest". */
const README_EXAMPLE = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(\/\/ conformance\.test\.ts[^\n]*\n[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```ts block starting with // conformance.test.ts');
  return block;
})();

/** A TypeScript project's compiler settings, as `tsc --init` and vitest's guide give them for Node (nodenext). */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
  },
  files: ['readme-example.ts', 'conformance.test.ts', 'mock.ts', 'my-connect-mock.ts'],
};

let work: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cc-install-'));
  // A copy of what the package is built from, with this repository's node_modules (tsc, the dependencies' types).
  const src = join(work, 'src');
  mkdirSync(src);
  for (const entry of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
    'LICENSE',
    'scripts',
    'api',
    'core',
    'operations',
    'spec',
    'generators',
    'targets',
    'checks',
    'engine',
    'reports',
    'bin',
    'variants',
  ]) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(src, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const packed = await sh(NPM, ['pack', '--json', '--pack-destination', work], src, childEnv({ CONNECT_CONFORMANCE_COMMIT: suiteCommit }));
  if (packed.code !== 0) throw new Error(`npm pack failed (${packed.code}):\n${packed.stderr}\n${packed.stdout}`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
}, LONG);

afterAll(() => {
  if (work && !process.env.KEEP_INSTALL_TEST) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the compiled code, its declarations, the spec files and the bin; no sources, tests or benchmarks', {
    timeout: LONG,
  }, async () => {
    const listed = await sh('tar', ['tzf', tarball], work);
    const files = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/connect-conformance.js',
      'dist/bin/cli.js',
      'dist/api/index.js',
      'dist/api/index.d.ts',
      'dist/api/vitest.js',
      'dist/api/reference.js',
      'dist/spec/connect.openapi.yaml',
      'dist/spec/requirements.yaml',
      'dist/build-info.json',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|bench|suites|\.ci|examples)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { private?: boolean; license: string };
    expect(shipped.private).toBeUndefined();
    // The license the package declares, in full.
    expect(shipped.license).toBe('Apache-2.0');
    const license = (await sh('tar', ['xzOf', tarball, 'package/LICENSE'], work)).stdout;
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
  });
});

// The two projects, and the tests in each, run at the same time: each test is child processes in its project's folder,
// with its own report folder, and mostly waits on them.
describe.concurrent.each(['commonjs', 'module'] as const)('installed into a fresh %s project', (type) => {
  let project: string;
  let userCommit: string;

  beforeAll(async () => {
    project = join(work, `project-${type}`);
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: `user-project-${type}`, version: '1.0.0', private: true, type }, null, 2)}\n`,
    );
    // The user's own repository: its commit must never be reported as the suite's.
    await sh('git', ['init', '-q'], project);
    await sh('git', ['-c', 'user.email=u@example.com', '-c', 'user.name=u', 'commit', '-q', '--allow-empty', '-m', 'user'], project);
    userCommit = (await sh('git', ['rev-parse', '--short', 'HEAD'], project)).stdout.trim();
    const installed = await sh(
      NPM,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `vitest@${pkg.devDependencies.vitest}`],
      project,
    );
    if (installed.code !== 0) throw new Error(`npm install failed (${installed.code}):\n${installed.stderr}`);
    writeFileSync(join(project, 'mock.ts'), TS_MOCK);
    writeFileSync(join(project, 'mock.js'), JS_MOCK[type]);
    writeFileSync(join(project, 'conformance.test.ts'), VITEST_FILE);
    writeFileSync(join(project, 'my-connect-mock.ts'), TS_MOCK);
    writeFileSync(join(project, 'readme-example.ts'), README_EXAMPLE);
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  }, LONG);

  const cli = (args: string[]) => sh(join(project, 'node_modules', '.bin', 'connect-conformance'), args, project);
  const reports = (dir: string) => ['results.json', 'index.html', 'junit.xml'].filter((f) => existsSync(join(project, dir, f)));
  const results = (dir: string) =>
    JSON.parse(readFileSync(join(project, dir, 'results.json'), 'utf8')) as {
      tool: { name: string; version: string; commit?: string; sdk: string };
      summary: { verdict: string };
    };

  it('connect-conformance --version', { timeout: LONG }, async () => {
    const r = await cli(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^connect-conformance/${pkg.version.replace(/\./g, '\\.')} `));
    expect(r.stdout).toContain(`aws-sdk-client-connect/${pkg.dependencies['@aws-sdk/client-connect']}`);
  });

  it('a full run against the embedded reference exits 0 and writes the three reports', { timeout: LONG }, async () => {
    const r = await cli(['run', '--report-dir', 'out-reference', '--runs', '3', '--seed', '7', '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(reports('out-reference')).toEqual(['results.json', 'index.html', 'junit.xml']);
    const tool = results('out-reference').tool;
    expect(tool).toMatchObject({ name: pkg.name, version: pkg.version, sdk: pkg.dependencies['@aws-sdk/client-connect'] });
    expect(tool.commit).not.toBe(userCommit);
    if (suiteCommit !== 'unknown') expect(tool.commit).toBe(suiteCommit);
  });

  it.each([['mock.ts'], ['mock.js']])(
    "a run against the project's %s exits 0 and writes the three reports",
    { timeout: LONG },
    async (file) => {
      const dir = `out-${file}`;
      const r = await cli([
        'run',
        '--target',
        'module',
        '--module',
        `./${file}`,
        ...FIXTURES,
        '--runs',
        '2',
        '--seed',
        '7',
        '--quiet',
        '--report-dir',
        dir,
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(reports(dir)).toEqual(['results.json', 'index.html', 'junit.xml']);
      expect(results(dir).summary.verdict).toBe('conformant');
    },
  );

  it('a TypeScript mock in a folder with no package.json loads, and is judged (exit 1: it is not conformant)', {
    timeout: LONG,
  }, async () => {
    const lone = mkdtempSync(join(tmpdir(), 'cc-lone-'));
    try {
      writeFileSync(join(lone, 'mock.ts'), LONE_TS_MOCK);
      const r = await cli([
        'run',
        '--target',
        'module',
        '--module',
        join(lone, 'mock.ts'),
        ...FIXTURES,
        '--only',
        'EX-UNKNOWN-USER',
        '--runs',
        '1',
        '--quiet',
        '--report-dir',
        'out-lone',
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(reports('out-lone')).toEqual(['results.json', 'index.html', 'junit.xml']);
    } finally {
      rmSync(lone, { recursive: true, force: true });
    }
  });

  it("tsc compiles the README's vitest example and the project's vitest file (no top-level await, TS1309 in CommonJS)", {
    timeout: LONG,
  }, async () => {
    const r = await sh(
      process.execPath,
      [join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc'), '-p', 'tsconfig.json'],
      project,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(README_EXAMPLE).toMatch(/^describeConformance\(/m);
    expect(README_EXAMPLE).not.toMatch(/^\s*await /m);
  });

  it("the project's vitest file gates its mock with connect-conformance/vitest", { timeout: LONG }, async () => {
    const out = join(project, 'vitest.json');
    const r = await sh(join(project, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', `--outputFile=${out}`], project);
    expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(20);
  });
});
