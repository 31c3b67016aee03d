// @ts-check
// StrykerJS over the pure code: libs/hashing, libs/contracts and every
// service's domain/ folder, one folder per run (docs/testing.md, "Mutation
// testing"). `npm run mutate` (scripts/mutate.mjs) runs the folders one
// after another, setting CRUCIBLE_MUTATE_FOLDER; a bare `npx stryker run`
// mutates libs/hashing.

import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The services (folder names under services/) that have a src/domain folder, sorted. */
function servicesWithDomain() {
  const services = join(dirname(fileURLToPath(import.meta.url)), 'services');
  return readdirSync(services)
    .filter((name) => existsSync(join(services, name, 'src', 'domain')))
    .sort();
}

/** The folders under mutation: what each mutates and the tsconfig that type-checks it. */
export const TARGETS = [
  {
    folder: 'libs/hashing',
    mutate: [
      'libs/hashing/src/**/*.ts',
      '!libs/hashing/src/**/*.test.ts',
      '!libs/hashing/src/testing/**',
    ],
    tsconfig: 'libs/hashing/tsconfig.json',
  },
  {
    folder: 'libs/contracts',
    mutate: [
      'libs/contracts/src/**/*.ts',
      '!libs/contracts/src/**/*.test.ts',
      '!libs/contracts/src/generated/**',
      '!libs/contracts/src/testing.ts',
    ],
    tsconfig: 'libs/contracts/tsconfig.json',
    // Static mutants (code run when a module loads: schema tables, keyword
    // definitions) run all of the lib's tests, about 10 s each: not run
    // (Stryker counts them as ignored, outside the score; 80 at stop 24).
    // docs/testing.md says more.
    ignoreStatic: true,
  },
  // Every service with a domain/ folder, found on disk: a new service is
  // under mutation from its first commit.
  ...servicesWithDomain().map((service) => ({
    folder: `services/${service}/src/domain`,
    mutate: [
      `services/${service}/src/domain/**/*.ts`,
      `!services/${service}/src/domain/**/*.test.ts`,
      `!services/${service}/src/domain/test-fixtures.ts`,
    ],
    tsconfig: `services/${service}/tsconfig.json`,
  })),
];

/** File-name stem of a folder's reports and incremental file: `libs-hashing`, `names-domain`. */
export function reportStem(folder) {
  return folder
    .replace(/^services\//, '')
    .replace(/\/src\/domain$/, '-domain')
    .replace(/\//g, '-');
}

const folder = process.env.CRUCIBLE_MUTATE_FOLDER ?? 'libs/hashing';
const target = TARGETS.find((t) => t.folder === folder);
if (target === undefined) throw new Error(`CRUCIBLE_MUTATE_FOLDER: no target ${folder}`);
const stem = `reports/mutation/${reportStem(folder)}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: target.mutate,
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'stryker.jest.config.js' },
  // Mutants that do not compile are discarded before any test runs.
  checkers: ['typescript'],
  tsconfigFile: target.tsconfig,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Jest (through swc) never type-checks, so the `// @ts-nocheck` Stryker
  // would add to every file buys nothing, and it would make the generated
  // contracts differ from what codegen writes (a test compares them).
  disableTypeChecks: false,
  coverageAnalysis: 'perTest',
  // The machine is shared: one test runner (scripts/mutate.mjs passes
  // STRYKER_CONCURRENCY on as --concurrency).
  concurrency: 1,
  ignoreStatic: target.ignoreStatic ?? false,
  incremental: true,
  incrementalFile: `${stem}.incremental.json`,
  // Stryker's default; a mutant that loops costs this much (and a test-runner
  // restart). On a busy machine a slow test run passes it too and counts as
  // detected: STRYKER_TIMEOUT_MS=30000 there (docs/testing.md).
  timeoutMS: Number(process.env.STRYKER_TIMEOUT_MS ?? 5000),
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${stem}.html` },
  jsonReporter: { fileName: `${stem}.json` },
  // Outside the repository: a sandbox copy inside it would give jest's haste
  // map every package twice (breaking npm test while Stryker runs) and ESLint
  // copies to lint; under node_modules, jest would ignore every test in it.
  tempDirName: join(tmpdir(), 'crucible-stryker'),
  // What the sandbox needs: sources, configs, and the schemas, migrations and
  // docs they read (the hashing golden test reads docs/hashing.md).
  ignorePatterns: ['.cache', '.data', 'bench-results', 'deploy', 'test', '**/dist'],
  thresholds: { high: 90, low: 85, break: null },
};
