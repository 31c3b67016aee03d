// The whole test infrastructure of one run: a fresh Postgres database, NATS
// with JetStream and a Kafka broker, each either reused (the machine's
// server, or one kept by `cli.mjs up`) or started for this run and stopped
// by the session's clean-up. Shared by run-tests, run-bench and cli.
import { randomBytes } from 'node:crypto';
import {
  discardInstance,
  reapOrphanedInstances,
  readUpState,
  runningUpInstance,
  saveInstance,
  upLockPath,
  writeUpState,
} from './instances.mjs';
import { ensureKafkaJars, KAFKA_VERSION, kafkaInstanceUsable, startKafka } from './kafka.mjs';
import { withFileLock } from './locks.mjs';
import { DEFAULT_NATS_PORT, natsStatus, natsUrl, startNats } from './nats.mjs';
import {
  createDatabase,
  dropRunDatabases,
  dropStaleTestDatabases,
  ensurePostgres,
  PG_ADMIN_URL,
  testDatabaseName,
} from './postgres.mjs';
import { log, phase } from './report.mjs';
import { dropDatabasesOfDeadRuns, forgetRun, recordRun } from './runs.mjs';

/** Lowercase [a-z0-9], unique per run: names databases, subjects and topics of the run. */
export function newRunId() {
  return `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

/** Makes sure Postgres answers, then removes what crashed runs left behind. */
export async function prepareMachine(session) {
  await phase('postgres: check 127.0.0.1:5432', () => ensurePostgres({ signal: session.signal }));
  await phase('clean up after crashed runs', async () => {
    const instances = await reapOrphanedInstances();
    const databases = [...(await dropDatabasesOfDeadRuns()), ...(await dropStaleTestDatabases())];
    if (instances + databases.length > 0)
      log(`removed ${instances} leftover server(s) and ${databases.length} leftover database(s)`);
  });
}

/**
 * Brings up the infrastructure for one run and registers its clean-up with
 * the session. With `keepKafka`, a broker this run started is left running
 * for later runs (recorded in up.json) instead of being stopped.
 */
export async function bringUpRunInfra(session, { runId, keepKafka = false }) {
  await prepareMachine(session);

  const databaseName = testDatabaseName(runId);
  // Recorded before creating anything: whatever of this run exists gets
  // dropped, by this run's clean-up or, if it is killed, by the next run.
  recordRun(runId);
  session.defer(`drop databases of run ${runId}`, async () => {
    const dropped = await dropRunDatabases(runId);
    forgetRun(runId);
    log(`dropped ${dropped.join(', ') || 'nothing'}`);
  });
  const databaseUrl = await phase(`postgres: create database ${databaseName}`, () =>
    createDatabase(databaseName),
  );

  const nats = await phase('nats: find or start a server with JetStream', () =>
    findOrStartNats(session),
  );
  log(`nats: ${nats.url} (${nats.origin})`);

  const kafka = await phase(`kafka: find or start a ${KAFKA_VERSION} broker`, () =>
    findOrStartKafka(session, { keepKafka }),
  );
  log(`kafka: ${kafka.brokers} (${kafka.origin})`);

  return {
    CRUCIBLE_TEST_RUN_ID: runId,
    CRUCIBLE_TEST_DATABASE_URL: databaseUrl,
    CRUCIBLE_TEST_PG_ADMIN_URL: PG_ADMIN_URL,
    CRUCIBLE_TEST_NATS_URL: nats.url,
    CRUCIBLE_TEST_KAFKA_BROKERS: kafka.brokers,
  };
}

async function findOrStartNats(session) {
  const machine = await natsStatus(DEFAULT_NATS_PORT);
  if (machine === 'jetstream')
    return { url: natsUrl(DEFAULT_NATS_PORT), origin: "the machine's server" };
  const kept = runningUpInstance('nats');
  if (kept && (await natsStatus(kept.ports.client)) === 'jetstream')
    return { url: kept.endpoint, origin: `kept by infra:up, pid ${kept.pid}` };
  log(
    machine === 'no-jetstream'
      ? `nats: the server on ${DEFAULT_NATS_PORT} has no JetStream; starting our own`
      : `nats: nothing answers on ${DEFAULT_NATS_PORT}; starting our own`,
  );
  const record = await startNats({ signal: session.signal });
  session.defer(`stop nats-server pid ${record.pid}`, () => discardInstance(record));
  return { url: record.endpoint, origin: `started for this run, pid ${record.pid}` };
}

async function findOrStartKafka(session, { keepKafka }) {
  const kept = runningUpInstance('kafka');
  if (kept && (await kafkaInstanceUsable(kept)))
    return { brokers: kept.endpoint, origin: `kept by infra:up, pid ${kept.pid}` };
  const jars = await phase('kafka: jars', () => ensureKafkaJars({ signal: session.signal }));
  if (jars.downloaded) log(`kafka: downloaded ${jars.jars} jars`);
  const record = await phase('kafka: format storage and start broker', () =>
    startKafka({ signal: session.signal }),
  );
  if (keepKafka)
    session.defer(`keep Kafka pid ${record.pid} for later runs`, () => keepForLaterRuns(record));
  else session.defer(`stop Kafka pid ${record.pid}`, () => discardInstance(record));
  return { brokers: record.endpoint, origin: `started for this run, pid ${record.pid}` };
}

/**
 * Hands a server this process started over to up.json, so later runs reuse
 * it and `cli.mjs down` stops it. If another one is already kept (a
 * concurrent run got there first), ours is stopped instead.
 */
export async function keepForLaterRuns(record) {
  await withFileLock(upLockPath, 'up.json', async () => {
    if (runningUpInstance(record.kind)) {
      log(`a ${record.kind} server is already kept for later runs; stopping ours`);
      await discardInstance(record);
      return;
    }
    saveInstance({ ...record, owner: null });
    writeUpState({ ...readUpState(), [record.kind]: record.id });
    log(
      `left ${record.kind} pid ${record.pid} running on ${record.endpoint} for later runs (stop it with npm run infra:down)`,
    );
  });
}
