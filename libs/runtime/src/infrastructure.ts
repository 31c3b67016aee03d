import { resolve } from 'node:path';
import { defaultCatalog, type Catalog } from '@crucible/contracts';
import {
  connectPostgres,
  migrate,
  openEmbeddedPostgres,
  sqlMigrations,
  type Knex,
} from '@crucible/database';
import {
  EVENT_LOG_SCHEMA,
  EmbeddedEventLog,
  InProcessBus,
  KafkaEventLog,
  NatsBus,
  type Bus,
  type EventLog,
} from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { natsConnectOptions, type NatsCredentials } from './nats-credentials';

/** Root of the SQL migrations, one folder per schema (same depth from src/ and dist/). */
export const MIGRATIONS_ROOT = resolve(__dirname, '../../../migrations');

/** Everything a service needs from the outside world, handed to it explicitly. */
export interface Infrastructure {
  readonly catalog: Catalog;
  readonly knex: Knex;
  readonly bus: Bus;
  readonly eventLog: EventLog;
  /** Prefix of every subject and topic. */
  readonly prefix: string;
  readonly logger: Logger;
  /** Whether migrations take a Postgres advisory lock (false on the embedded PGlite). */
  readonly advisoryLocks: boolean;
  /**
   * Whether this process is the only one that writes the database and the
   * event log (the embedded data folder, which a lock file keeps to one
   * process). Then whatever waits for a write (an outbox relay, an event
   * consumer) is woken by the write itself, and its idle poll is only a
   * safety net: `SOLE_WRITER_IDLE_POLL_MS`.
   */
  readonly soleWriter: boolean;
  close(): Promise<void>;
}

/**
 * The idle poll of outbox relays and event consumers where this process is
 * the sole writer. Their usual polls (500 ms and 1 s) cost PGlite some 30
 * statements a second with nothing to do (a relay's read and prune, a
 * consumer's offsets and records): an idle `npm start` used 38-43 ms of CPU
 * a second with them, 25-27 ms with this. Under half the relay's lease
 * (10 s), so an idle relay still renews it in time.
 */
export const SOLE_WRITER_IDLE_POLL_MS = 4_000;

export interface RealInfrastructureConfig {
  databaseUrl: string;
  natsUrl: string;
  kafkaBrokers: string[];
  prefix: string;
  /** Names this process's connections (NATS connection name, Kafka client id). */
  clientName: string;
  logger: Logger;
  /** Largest Postgres pool of this process. */
  poolMax?: number;
  /** This process's NATS user; unset on an open server. */
  natsCredentials?: NatsCredentials;
}

/**
 * Connects to real Postgres (with retry: 30 tries, 1 s apart), NATS and
 * Kafka. Whatever was opened is closed again if a later step fails.
 */
export async function connectInfrastructure(
  config: RealInfrastructureConfig,
): Promise<Infrastructure> {
  const { logger } = config;
  const opened: Closer[] = [];
  try {
    const knex = await connectPostgres(config.databaseUrl, {
      poolMax: config.poolMax,
      onRetry: (attempt, error) =>
        logger.warn('Postgres not reachable yet; retrying', { attempt, error }),
    });
    opened.push({ what: 'Postgres pool', close: () => knex.destroy() });
    const bus = await NatsBus.connect({
      url: config.natsUrl,
      name: config.clientName,
      ...natsConnectOptions(config.natsCredentials),
    });
    opened.push({ what: 'NATS connection', close: () => bus.close() });
    const eventLog = new KafkaEventLog({
      brokers: config.kafkaBrokers,
      clientId: config.clientName,
      logger,
    });
    opened.push({ what: 'Kafka clients', close: () => eventLog.close() });
    return {
      catalog: defaultCatalog(),
      knex,
      bus,
      eventLog,
      prefix: config.prefix,
      logger,
      advisoryLocks: true,
      soleWriter: false,
      close: () => closeAll(opened, logger),
    };
  } catch (error) {
    await closeAll(opened, logger);
    throw error;
  }
}

export interface EmbeddedInfrastructureConfig {
  dataDir: string;
  prefix: string;
  logger: Logger;
}

/**
 * The embedded default: PGlite on a data folder (one process per folder), the
 * in-process bus, and the event log on Postgres tables. Same interfaces, same
 * SQL, no servers to install.
 */
export async function openEmbeddedInfrastructure(
  config: EmbeddedInfrastructureConfig,
): Promise<Infrastructure> {
  const postgres = await openEmbeddedPostgres(config.dataDir);
  const opened: Closer[] = [{ what: 'embedded Postgres', close: () => postgres.close() }];
  try {
    await migrate(postgres.knex, {
      schema: EVENT_LOG_SCHEMA,
      migrations: sqlMigrations(resolve(MIGRATIONS_ROOT, EVENT_LOG_SCHEMA)),
      advisoryLock: false,
    });
    const bus = new InProcessBus();
    const eventLog = new EmbeddedEventLog({
      knex: postgres.knex,
      logger: config.logger,
      idlePollMs: SOLE_WRITER_IDLE_POLL_MS,
    });
    opened.push(
      { what: 'embedded event log', close: () => eventLog.close() },
      { what: 'in-process bus', close: () => bus.close() },
    );
    return {
      catalog: defaultCatalog(),
      knex: postgres.knex,
      bus,
      eventLog,
      prefix: config.prefix,
      logger: config.logger,
      advisoryLocks: false,
      soleWriter: true,
      close: () => closeAll(opened, config.logger),
    };
  } catch (error) {
    await closeAll(opened, config.logger);
    throw error;
  }
}

/** Something opened, and how to close it. */
interface Closer {
  readonly what: string;
  readonly close: () => Promise<void>;
}

/**
 * Closes in reverse order of opening. One that fails is logged and the rest
 * are still closed: a stuck Kafka client must not keep the pool open.
 */
async function closeAll(closers: readonly Closer[], logger: Logger): Promise<void> {
  for (const { what, close } of [...closers].reverse()) {
    await close().catch((error: unknown) => logger.error(`could not close the ${what}`, { error }));
  }
}
