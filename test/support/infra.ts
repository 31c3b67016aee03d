// Where the servers of the current test run are. test/infra/run-tests.mjs
// brings them up and passes them to jest in CRUCIBLE_TEST_* variables; this
// module is the one place that reads and checks those variables.

/** The servers of this test run. */
export interface TestInfra {
  /** Unique per `npm test` run, lowercase [a-z0-9]; part of every name the run creates. */
  readonly runId: string;
  /** A database created for this run and dropped after it (shared by all test files). */
  readonly databaseUrl: string;
  /** Superuser connection to the `postgres` database, for creating more databases. */
  readonly pgAdminUrl: string;
  /** NATS server with JetStream. */
  readonly natsUrl: string;
  /** Kafka bootstrap brokers, `host:port`. */
  readonly kafkaBrokers: readonly string[];
}

export class TestInfraMissing extends Error {
  override readonly name = 'TestInfraMissing';
}

const RUN_ID = /^[a-z0-9]{1,24}$/;
const HOST_PORT = /^[^\s:,]+:\d{1,5}$/;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new TestInfraMissing(
      `${name} is not set: integration tests need the servers that \`npm test\` brings up. ` +
        'Run them through npm test (e.g. `npm test -- test/x.test.ts --selectProjects integration`), not bare jest.',
    );
  }
  return value.trim();
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: readonly string[]): string {
  const value = required(env, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new TestInfraMissing(`${name} is not a URL: ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new TestInfraMissing(
      `${name} must be a ${protocols.join(' or ')} URL, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads and checks the CRUCIBLE_TEST_* variables; throws TestInfraMissing if one is missing or malformed. */
export function testInfra(env: NodeJS.ProcessEnv = process.env): TestInfra {
  const runId = required(env, 'CRUCIBLE_TEST_RUN_ID');
  if (!RUN_ID.test(runId))
    throw new TestInfraMissing(
      `CRUCIBLE_TEST_RUN_ID must match ${String(RUN_ID)}, got ${JSON.stringify(runId)}`,
    );
  const kafkaBrokers = required(env, 'CRUCIBLE_TEST_KAFKA_BROKERS')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  const malformed = kafkaBrokers.filter((broker) => !HOST_PORT.test(broker));
  if (kafkaBrokers.length === 0 || malformed.length > 0) {
    throw new TestInfraMissing(
      `CRUCIBLE_TEST_KAFKA_BROKERS must be a comma-separated list of host:port, got ${JSON.stringify(env['CRUCIBLE_TEST_KAFKA_BROKERS'])}`,
    );
  }
  return {
    runId,
    databaseUrl: url(env, 'CRUCIBLE_TEST_DATABASE_URL', ['postgres:', 'postgresql:']),
    pgAdminUrl: url(env, 'CRUCIBLE_TEST_PG_ADMIN_URL', ['postgres:', 'postgresql:']),
    natsUrl: url(env, 'CRUCIBLE_TEST_NATS_URL', ['nats:']),
    kafkaBrokers,
  };
}
