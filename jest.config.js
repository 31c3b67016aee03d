// One jest run, two projects: `unit` (tests beside the code, no servers) and
// `integration` (cross-service tests in test/, against real Postgres, NATS and
// Kafka brought up by test/infra/run-tests.mjs). Packages are mapped to their
// TypeScript sources so tests never depend on a stale dist/.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    // Keep import() native so ESM-only test oracles (canonicalize) load.
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];

const workspaces = {
  hashing: 'libs/hashing',
  contracts: 'libs/contracts',
  messaging: 'libs/messaging',
  database: 'libs/database',
  telemetry: 'libs/telemetry',
  runtime: 'libs/runtime',
  components: 'services/components',
  names: 'services/names',
  scenarios: 'services/scenarios',
  gateway: 'services/gateway',
  platform: 'services/platform',
  worlds: 'services/worlds',
};

const moduleNameMapper = Object.fromEntries(
  Object.entries(workspaces).flatMap(([name, dir]) => [
    [`^@crucible/${name}$`, `<rootDir>/${dir}/src/index.ts`],
    // Subpath entries (e.g. @crucible/telemetry/testing) map to src/<entry>.ts.
    [`^@crucible/${name}/([a-z-]+)$`, `<rootDir>/${dir}/src/$1.ts`],
  ]),
);

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
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
