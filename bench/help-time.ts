// Issue 13 item 2: the installed command's `--help` beside `node -e 0`. The package is compiled as `npm run build`
// compiles it (tsc -p tsconfig.build.json, the spec's data files beside the compiled loader), but into a temporary
// folder laid out as an installed package (package.json, bin/connect-conformance.js, dist/, node_modules linked to
// this checkout's), so that the bin runs dist/ (as when installed) and the checkout's own dist/ is left alone. The two
// commands take turns, `rounds` times each after a warm-up; the median wall time of each, and their ratio.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median } from './stats.ts';

export interface HelpTime {
  /** Median wall ms of `node -e 0`. */
  nodeMs: number;
  /** Median wall ms of `node <installed>/bin/connect-conformance.js --help`. */
  helpMs: number;
  /** helpMs ÷ nodeMs. */
  ratio: number;
  nodeRounds: number[];
  helpRounds: number[];
  buildSeconds: number;
}

/** Compiles the package into `dir` as an installed copy; returns the path of its bin. */
export function buildInstalled(root: string, dir: string): string {
  const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const name of readdirSync(join(root, 'spec')))
    if (/\.(ya?ml|json)$/.test(name)) copyFileSync(join(root, 'spec', name), join(dir, 'dist', 'spec', name));
  writeFileSync(
    join(dir, 'dist', 'build-info.json'),
    `${JSON.stringify({ name: 'connect-conformance', commit: null, builtAt: new Date().toISOString() })}\n`,
  );
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin', 'connect-conformance.js'), join(dir, 'bin', 'connect-conformance.js'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'bin', 'connect-conformance.js');
}

function wallMs(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  return ms;
}

export function measureHelpTime(root: string, options: { rounds?: number } = {}): HelpTime {
  const dir = mkdtempSync(join(tmpdir(), 'connect-conformance-installed-'));
  try {
    const start = performance.now();
    const bin = buildInstalled(root, dir);
    const buildSeconds = (performance.now() - start) / 1000;
    const help = [bin, '--help'];
    const node = ['-e', '0'];
    wallMs(node);
    const out = spawnSync(process.execPath, help, { encoding: 'utf8' });
    if (out.status !== 0 || !out.stdout.includes('Usage: connect-conformance'))
      throw new Error(`the installed bin's --help failed: ${out.stderr.slice(0, 500)}`);
    const nodeRounds: number[] = [];
    const helpRounds: number[] = [];
    for (let i = 0; i < (options.rounds ?? 10); i++) {
      nodeRounds.push(wallMs(node));
      helpRounds.push(wallMs(help));
    }
    const nodeMs = median(nodeRounds);
    const helpMs = median(helpRounds);
    return { nodeMs, helpMs, ratio: helpMs / nodeMs, nodeRounds, helpRounds, buildSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
