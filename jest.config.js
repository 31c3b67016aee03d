// One jest run, two projects: `unit` (tests beside the code, no servers) and
// `integration` (cross-service tests in test/, against real Postgres, NATS and
// Kafka brought up by test/infra/run-tests.mjs). Packages are mapped to their
// TypeScript sources so tests never depend on a stale dist/: each entry of a
// package's exports map, and only those (as Node resolves them).
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    // Keep import() native so ESM-only test oracles (canonicalize) load.
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];

/**
 * Every workspace package with TypeScript sources, found from package.json's
 * `workspaces` (so a new lib or service needs no entry here): its folder and
 * its package.json.
 */
function workspacePackages() {
  const { workspaces } = require('./package.json');
  return workspaces
    .flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(path.join(__dirname, pattern.slice(0, -2))).map((name) =>
            path.posix.join(pattern.slice(0, -2), name),
          )
        : [pattern],
    )
    .filter((dir) => existsSync(path.join(__dirname, dir, 'src', 'index.ts')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(path.join(__dirname, dir, 'package.json'), 'utf8')),
    }));
}

/** `@crucible/x` and each `@crucible/x/<entry>` of its exports map, to the entry's source. */
function sourceEntries({ dir, manifest }) {
  return Object.entries(manifest.exports ?? { '.': { default: './dist/index.js' } })
    .filter(([, target]) => typeof target === 'object')
    .map(([entry, target]) => [
      `^${manifest.name}${entry === '.' ? '' : entry.slice(1)}$`,
      // ./dist/<entry>.js is built from src/<entry>.ts
      `<rootDir>/${dir}/${target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`,
    ]);
}

const moduleNameMapper = Object.fromEntries(workspacePackages().flatMap(sourceEntries));

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  // Integration tests run on real servers and start and stop a platform per
  // file: jest's 5 s default for a test or hook failed suites on a loaded
  // 2-core machine (a platform's stop, a hundred writes in a row). A global
  // option (not per project); tests that need longer still set their own.
  testTimeout: 30_000,
  // At least two workers, also on two cores: jest's default (cores - 1) ran
  // one there, and most suites spend their time waiting on servers (their
  // own database, subjects and topics keep parallel suites apart). Measured
  // on the 2-core machine: the whole run 1,033 s in band, 695 s on two
  // workers, nothing flaky. `--maxWorkers=1` (or `-i`) still runs in band.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
};
