import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

// package.json declares the oldest Node the project runs on; every package in
// the lock must run there too, or `npm ci` warns EBADENGINE on that Node and
// the package may use what it does not have. A dependency that needs a newer
// Node is pinned to its last release that does not (docs/running.md).
const ROOT = join(__dirname, '..', '..');

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
}

describe('engines', () => {
  const declared = readJson<{ engines: { node: string } }>('package.json').engines.node;
  const oldest = minVersion(declared);

  it('declares a Node range this process satisfies', () => {
    expect(oldest).not.toBeNull();
    expect(satisfies(process.versions.node, declared)).toBe(true);
  });

  it('locks only packages that run on the oldest Node the project declares', () => {
    const lock = readJson<{ packages: Record<string, LockedPackage> }>('package-lock.json');
    const refusing = Object.entries(lock.packages).flatMap(([path, pkg]) => {
      // Old packages wrote engines as an array of strings; npm ignores those.
      const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      if (range === undefined || path === '') return [];
      return satisfies(oldest!.version, range) ? [] : [`${path}@${pkg.version}: node ${range}`];
    });
    expect(refusing).toEqual([]);
  });
});
