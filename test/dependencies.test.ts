// Every package of the committed lock file (dependencies and dev dependencies, direct and transitive) admits every
// Node.js the package declares, so that `npm ci` on any of them warns of no engine (EBADENGINE), and the exact pins
// package.json promises are what the lock holds. What a user installs (dependencies) admits the whole of `engines`;
// what only development installs (dev dependencies, marked `dev` in the lock) admits the whole of `devEngines`, the
// Node.js this repository is worked on with (npm refuses install, ci and run on another): knip and its parser want
// 22.12 or later on the 22 line. Ranges are read by the `semver` package (npm's own range reader), never by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
}
interface Manifest {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string; onFail?: string } };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};
const declared = manifest.engines.node;
const declaredForDevelopment = manifest.devEngines.runtime.version;

/** The packages of the lock whose engines name a Node range: [path in node_modules, version, range, dev only]. */
const withNodeEngines = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && typeof entry.engines?.node === 'string')
  .map(([path, entry]) => [path, entry.version ?? '', (entry.engines as { node: string }).node, entry.dev === true] as const);

/** Whether `range` admits every Node `declared` admits (a range semver cannot read admits nothing). */
function admitsAll(declaredRange: string, range: string): boolean {
  if (semver.validRange(range) === null) return false;
  return semver.subset(declaredRange, range, { includePrerelease: false });
}

describe('dependency engines', () => {
  it('the package declares a Node range semver reads, with Node 20.19 and 22 in it', () => {
    expect(semver.validRange(declared), declared).not.toBeNull();
    for (const version of ['20.19.0', '20.20.2', '22.0.0', '22.22.0']) expect(semver.satisfies(version, declared), version).toBe(true);
    // This process runs under a Node the package declares.
    expect(semver.satisfies(process.versions.node, declared), process.versions.node).toBe(true);
  });

  it('development declares a Node range within the package range, with Node 20.19 and 22 in it, and npm enforces it', () => {
    expect(manifest.devEngines.runtime.name).toBe('node');
    expect(manifest.devEngines.runtime.onFail ?? 'error').toBe('error');
    expect(semver.validRange(declaredForDevelopment), declaredForDevelopment).not.toBeNull();
    expect(semver.subset(declaredForDevelopment, declared), `${declaredForDevelopment} within ${declared}`).toBe(true);
    for (const version of ['20.19.0', '20.20.2', '22.13.0', '22.22.0'])
      expect(semver.satisfies(version, declaredForDevelopment), version).toBe(true);
    expect(semver.satisfies(process.versions.node, declaredForDevelopment), process.versions.node).toBe(true);
  });

  it('reads a lock file of the format npm ci uses, with packages that declare engines', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(withNodeEngines.length).toBeGreaterThan(50);
    // The lock holds dev dependencies too (they are what `npm test` runs on).
    expect(withNodeEngines.some(([path]) => lock.packages[path]!.dev)).toBe(true);
  });

  it('every package a user installs admits every Node the package declares', () => {
    const refused = withNodeEngines
      .filter(([, , range, dev]) => !dev && !admitsAll(declared, range))
      .map(([path, version, range]) => `${path.replace(/^.*node_modules\//, '')}@${version} wants node ${range}`);
    expect(refused, `the package declares node ${declared}; these do not admit all of it:\n${refused.join('\n')}`).toEqual([]);
  });

  it('every package only development installs admits every Node development declares', () => {
    const refused = withNodeEngines
      .filter(([, , range, dev]) => dev && !admitsAll(declaredForDevelopment, range))
      .map(([path, version, range]) => `${path.replace(/^.*node_modules\//, '')}@${version} wants node ${range}`);
    expect(refused, `development declares node ${declaredForDevelopment}; these do not admit all of it:\n${refused.join('\n')}`).toEqual(
      [],
    );
  });

  it('the check rejects a range that leaves out part of what the package declares', () => {
    // The package that started issue 21: @apidevtools/json-schema-ref-parser 16 wants Node >=22.19.
    expect(admitsAll(declared, '>=22.19.0')).toBe(false);
    expect(admitsAll(declared, '^20.19.0 || >=22.12.0')).toBe(false);
    expect(admitsAll(declared, '>=20.0.0')).toBe(true);
    expect(admitsAll(declared, 'not a range')).toBe(false);
  });

  it('every dependency is pinned to an exact version, and the lock holds that version', () => {
    for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      expect(semver.valid(spec), `${name}: ${spec} is not an exact version`).not.toBeNull();
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(spec);
    }
  });
});
