#!/usr/bin/env node
// npm run build (and prepack): compiles every layer of the tool to JavaScript with type declarations in dist/
// (tsconfig.build.json), copies the spec's data files beside the compiled spec/load.js (it finds them with
// new URL('./connect.openapi.yaml', import.meta.url)), rewrites the .ts specifiers of the declarations to .js, and
// writes dist/build-info.json: the commit the package was built from, so that a report names the suite's commit and
// never the commit of whatever repository the package is installed in.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

// typescript's exports map hides bin/tsc: find it beside the package's package.json.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

// The spec's data files, found at run time next to the compiled loader.
for (const name of readdirSync(join(root, 'spec'))) {
  if (/\.(ya?ml|json)$/.test(name)) copyFileSync(join(root, 'spec', name), join(dist, 'spec', name));
}

// Declarations keep the sources' .ts specifiers; consumers resolve the .js/.d.ts pair.
const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
for (const file of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) writeFileSync(file, fixed);
}

// CONNECT_CONFORMANCE_COMMIT names the commit when the build runs outside a git checkout (a copy, a CI artifact).
let commit = process.env.CONNECT_CONFORMANCE_COMMIT || null;
if (!commit && existsSync(join(root, '.git'))) {
  try {
    commit =
      execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null;
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (commit && dirty) commit += '-dirty';
  } catch {
    commit = null;
  }
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(dist, 'build-info.json'),
  `${JSON.stringify({ name: pkg.name, version: pkg.version, commit, builtAt: new Date().toISOString() }, null, 1)}\n`,
);
console.log(`built ${pkg.name} ${pkg.version}${commit ? ` (${commit})` : ''} into dist/`);
