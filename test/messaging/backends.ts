// The stores the messaging suites run on, each opened fresh for one suite and
// closed with everything it created: a database of the run's Postgres, a
// PGlite folder (what `npm start` uses), a Kafka event log and its topics.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  connectPostgres,
  migrate,
  openEmbeddedPostgres,
  sqlMigrations,
  type Knex,
} from '@crucible/database';
import { EVENT_LOG_SCHEMA, KafkaEventLog } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import {
  createTestDatabase,
  deleteKafkaTopics,
  embeddedDataDir,
  testInfra,
  uniqueName,
} from '../support';

export interface OpenedDatabase {
  readonly knex: Knex;
  /** Whether migrate() should hold an advisory lock (not on PGlite: one process, one connection). */
  readonly advisoryLock: boolean;
  close(): Promise<void>;
}

/** A knex pool on a database of its own; close() destroys the pool and drops the database. */
export async function openTestPostgres(): Promise<OpenedDatabase> {
  const database = await createTestDatabase();
  let knex: Knex;
  try {
    knex = await connectPostgres(database.url, { attempts: 1 });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    knex,
    advisoryLock: true,
    async close() {
      try {
        await knex.destroy();
      } finally {
        await database.drop();
      }
    },
  };
}

/** PGlite on a temporary folder holding a new cluster, opened as `npm start` does; close() removes the folder. */
export async function openTestPglite(): Promise<OpenedDatabase> {
  const dataDir = await embeddedDataDir('crucible-pglite-');
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  let opened: OpenedDatabase;
  try {
    opened = await openPgliteFolder(dataDir);
  } catch (error) {
    removeDir();
    throw error;
  }
  return {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        removeDir();
      }
    },
  };
}

/** PGlite on an existing (or new) data folder, as `npm start` opens it; close() keeps the folder. */
export async function openPgliteFolder(dataDir: string): Promise<OpenedDatabase> {
  await assertJestAllowsDynamicImport();
  const pg = await openEmbeddedPostgres(dataDir);
  return { knex: pg.knex, advisoryLock: false, close: () => pg.close() };
}

const EVENT_LOG_MIGRATIONS = join(__dirname, '../../migrations/eventlog');

/** Applies migrations/eventlog, the tables of the embedded event log. */
export async function migrateEventLog(database: OpenedDatabase): Promise<void> {
  await migrate(database.knex, {
    schema: EVENT_LOG_SCHEMA,
    migrations: sqlMigrations(EVENT_LOG_MIGRATIONS),
    advisoryLock: database.advisoryLock,
  });
}

export interface OpenedKafkaLog {
  readonly log: KafkaEventLog;
  /** Registers topics to delete on close (the log itself creates them with ensureTopics). */
  readonly own: (...topics: string[]) => void;
  close(): Promise<void>;
}

/** A KafkaEventLog on the run's broker; close() closes it and deletes the topics it owns. */
export function openKafkaEventLog(logger: Logger): OpenedKafkaLog {
  const { kafkaBrokers } = testInfra();
  const log = new KafkaEventLog({
    brokers: [...kafkaBrokers],
    clientId: uniqueName('messaging_test'),
    logger,
  });
  const owned = new Set<string>();
  return {
    log,
    own: (...topics) => topics.forEach((t) => owned.add(t)),
    async close() {
      try {
        await log.close();
      } finally {
        await deleteKafkaTopics(kafkaBrokers, [...owned]);
      }
    },
  };
}

/**
 * PGlite loads Node built-ins with import(), which jest allows only when node
 * runs with --experimental-vm-modules; without it PGlite's start-up rejects
 * where nothing catches it and the whole jest process dies. Fail the suite
 * with the cause instead.
 */
async function assertJestAllowsDynamicImport(): Promise<void> {
  try {
    await import('node:os');
  } catch (error) {
    throw new Error(
      'PGlite cannot start inside jest: dynamic import() needs NODE_OPTIONS=--experimental-vm-modules ' +
        'for the jest process (test/infra/run-tests.mjs)',
      { cause: error },
    );
  }
}
