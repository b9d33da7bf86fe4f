// What produced a report: this suite's name, version and commit, and the SDK version it drives.
//
// Versions are read through module resolution (wherever npm put the packages: hoisted into a user's project, nested,
// or this repository's own node_modules). The suite's commit is the one the package was built from
// (dist/build-info.json, written by npm run build at pack time); in a source checkout of the suite itself, git's
// HEAD of that checkout. It is never read from the working directory, which is the user's project.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from './results.ts';

interface PackageJson {
  name: string;
  version: string;
}

/** The nearest package.json at or above `from` (a file or folder), optionally of the named package. */
function packageJsonAbove(from: string, name?: string): { dir: string; pkg: PackageJson } | undefined {
  let dir = from;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
        if (pkg.name && (name === undefined || pkg.name === name)) return { dir, pkg };
      } catch {
        // not JSON: keep looking above
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const HERE = dirname(fileURLToPath(import.meta.url));

let cached: Results['tool'] | undefined;

/** This package: its root folder, name and version. */
export function suitePackage(): { root: string; name: string; version: string } {
  const found = packageJsonAbove(HERE, 'connect-conformance') ?? packageJsonAbove(HERE);
  if (!found) return { root: join(HERE, '..'), name: 'connect-conformance', version: '0.0.0' };
  return { root: found.dir, name: found.pkg.name, version: found.pkg.version };
}

/** The version of a package as this module resolves it, or undefined when it is not installed. */
export function resolvedVersion(name: string): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    return (require(`${name}/package.json`) as PackageJson).version;
  } catch {
    // an exports map may hide package.json: find it above the package's entry point
  }
  try {
    return packageJsonAbove(dirname(require.resolve(name)), name)?.pkg.version;
  } catch {
    return undefined;
  }
}

/** The commit the suite was built from (build-info.json), or in a source checkout of the suite, its HEAD. */
function suiteCommit(root: string): string | undefined {
  // Compiled (dist/engine/tool-info.js): dist/build-info.json, written when the package was built.
  const info = join(HERE, '..', 'build-info.json');
  if (existsSync(info)) {
    try {
      return (JSON.parse(readFileSync(info, 'utf8')) as { commit?: string | null }).commit ?? undefined;
    } catch {
      return undefined;
    }
  }
  // Only the suite's own checkout: the package root must be the top of a git work tree, never a folder inside a
  // user's repository (node_modules/connect-conformance has no .git of its own).
  if (!existsSync(join(root, '.git'))) return undefined;
  try {
    return (
      execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

export function toolInfo(): Results['tool'] {
  if (cached) return cached;
  const { root, name, version } = suitePackage();
  cached = { name, version, commit: suiteCommit(root), sdk: resolvedVersion('@aws-sdk/client-connect') ?? 'unknown' };
  return cached;
}
