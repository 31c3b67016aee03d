// The jest configuration Stryker runs: the unit project alone (tests beside
// the code, no servers), so a mutant never waits on Postgres, NATS or Kafka.
// See docs/testing.md, "Mutation testing".
const { projects } = require('./jest.config.js');

const unit = projects.find((project) => project.displayName === 'unit');
if (unit === undefined) throw new Error('jest.config.js has no "unit" project');

module.exports = unit;
