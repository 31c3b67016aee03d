// The jest configuration Stryker runs: the unit project alone (tests beside
// the code, no servers), so a mutant never waits on Postgres, NATS or Kafka,
// and only the tests of the package under mutation (CRUCIBLE_MUTATE_FOLDER's
// package: libs/hashing, services/worlds). A static mutant (code run when a
// module loads) runs every test in the configuration: over the whole unit
// project that was about 100 s each; over its package's, seconds. A mutant
// only another package's tests would catch counts as surviving, so the score
// is a lower bound. See docs/testing.md, "Mutation testing".
const { projects } = require('./jest.config.js');

const unit = projects.find((project) => project.displayName === 'unit');
if (unit === undefined) throw new Error('jest.config.js has no "unit" project');

const folder = process.env.CRUCIBLE_MUTATE_FOLDER ?? 'libs/hashing';
const packageRoot = folder.split('/').slice(0, 2).join('/');

module.exports = { ...unit, testMatch: [`<rootDir>/${packageRoot}/src/**/*.test.ts`] };
