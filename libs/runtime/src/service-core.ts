import { resolve } from 'node:path';
import { deadLetterTopic, streamTopic } from '@crucible/contracts';
import { ServiceDb, migrate, sqlMigrations, type Knex } from '@crucible/database';
import {
  EventConsumer,
  Outbox,
  OutboxRelay,
  RETIRED_OUTBOX_MIGRATIONS,
  RpcClient,
  RpcServer,
  migrateMessagingTables,
  serveReadiness,
  type PartReadiness,
  type Subscription,
} from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { MIGRATIONS_ROOT, SOLE_WRITER_IDLE_POLL_MS, type Infrastructure } from './infrastructure';
import type { Stoppable } from './run-main';

/** What every service builds on: its schema, its outbox and relay, its RPC server. */
export interface ServiceCore {
  readonly name: string;
  readonly logger: Logger;
  readonly db: ServiceDb;
  /** Writes the service's events and wakes its relay after they commit (see Outbox). */
  readonly outbox: Outbox;
  readonly relay: OutboxRelay;
  readonly server: RpcServer;
  /** A client for the calls to other services that the catalog declares for this one. */
  client(timeoutMs: number): RpcClient;
  /** An event consumer of this service, applying events in its outbox's transactions. */
  consumer(name: string): EventConsumer;
  /** Answers the service's readiness subject with `report`'s parts (`serve` does this). */
  answerReadiness(report: () => readonly PartReadiness[]): Promise<Subscription>;
}

/**
 * The start-up every service shares, in order: bring the messaging tables
 * of its schema (outbox, relay cursor, processed events) up to the
 * messaging lib's version, migrate its own tables (`migrations/<service>/`),
 * both under an advisory lock on real Postgres; create the topics of the
 * streams it owns (schemas/catalog.json);
 * start its outbox relay; and prepare (not yet start) its RPC server.
 * Register handlers and consumers on the result, then call `serve`.
 */
export async function prepareService(
  infra: Infrastructure,
  identity: { name: string; version: string },
): Promise<ServiceCore> {
  const { name } = identity;
  const logger = infra.logger.child({ component: name });
  await migrateServiceSchema(infra.knex, {
    schema: name,
    migrationsDir: resolve(MIGRATIONS_ROOT, name),
    advisoryLock: infra.advisoryLocks,
  });
  const streams = infra.catalog.streamsOf(name);
  if (streams.length > 0) {
    await infra.eventLog.ensureTopics(
      streams.flatMap((stream) => [
        streamTopic(infra.prefix, stream),
        deadLetterTopic(infra.prefix, stream),
      ]),
    );
  }
  const db = new ServiceDb(infra.knex, name);
  // On real Postgres, a session lock hands the relay over within a round
  // when its holder dies (docs/messaging.md, "Transactional outbox").
  const relay = new OutboxRelay({
    db,
    eventLog: infra.eventLog,
    logger,
    sessionLock: infra.advisoryLocks,
    ...(infra.soleWriter ? { idlePollMs: SOLE_WRITER_IDLE_POLL_MS } : {}),
  });
  const outbox = new Outbox({
    db,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: name,
    onCommitted: () => relay.kick(),
  });
  relay.start();
  const server = new RpcServer({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: identity,
    logger,
  });
  return {
    name,
    logger,
    db,
    outbox,
    relay,
    server,
    client: (timeoutMs) =>
      new RpcClient({
        bus: infra.bus,
        catalog: infra.catalog,
        prefix: infra.prefix,
        timeoutMs,
        caller: { service: name, logger },
      }),
    consumer: (consumerName) =>
      new EventConsumer({
        name: consumerName,
        service: name,
        prefix: infra.prefix,
        catalog: infra.catalog,
        eventLog: infra.eventLog,
        outbox,
        logger: logger.child({ consumer: consumerName }),
      }),
    answerReadiness: (report) => serveReadiness(infra.bus, infra.prefix, name, report),
  };
}

/** What `migrateServiceSchema` migrates. */
export interface ServiceSchema {
  /** The service's schema (its name). */
  schema: string;
  /** The service's own migrations (`migrations/<service>/`). */
  migrationsDir: string;
  /** Hold the schema's migration lock (false on the embedded PGlite). */
  advisoryLock: boolean;
}

/**
 * Brings a service's schema up to this version, as every start does: first
 * the messaging lib's tables (outbox, relay cursor, processed events; this
 * also takes over an outbox the service's own migrations made before the
 * lib owned it), then the service's own tables, whose history may still
 * record the outbox migrations the lib took over (retired, not missing).
 * Returns the names applied, the lib's first.
 */
export async function migrateServiceSchema(knex: Knex, options: ServiceSchema): Promise<string[]> {
  const { schema, advisoryLock } = options;
  const messaging = await migrateMessagingTables(knex, { schema, advisoryLock });
  const own = await migrate(knex, {
    schema,
    migrations: sqlMigrations(options.migrationsDir),
    retired: RETIRED_OUTBOX_MIGRATIONS,
    advisoryLock,
  });
  return [...messaging, ...own];
}

/** Something started alongside the server (e.g. an event consumer). */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether it is ready, for the service's readiness (an event consumer says). */
  readiness?(): PartReadiness;
}

/**
 * Starts the extras, then answers requests. The returned `stop` reverses it:
 * stop answering (draining requests in flight), stop the extras, stop the
 * relay; a step that fails is logged and the later ones still run, and the
 * first failure is what `stop` rejects with. A failed start undoes what had
 * started.
 */
export async function serve(core: ServiceCore, extras: Startable[] = []): Promise<Stoppable> {
  const started: Startable[] = [];
  let readiness: Subscription | undefined;
  const stop = async (): Promise<void> => {
    const steps: Array<[string, () => Promise<void>]> = [
      ['readiness', async () => readiness?.drain()],
      ['RPC server', () => core.server.stop()],
      ...[...started]
        .reverse()
        .map((extra): [string, () => Promise<void>] => [
          extra.constructor.name,
          () => extra.stop(),
        ]),
      ['outbox relay', () => core.relay.stop()],
    ];
    let failure: Error | undefined;
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        core.logger.error(`could not stop the ${what}`, { error });
        failure ??= error instanceof Error ? error : new Error(String(error), { cause: error });
      }
    }
    if (failure !== undefined) throw failure;
  };
  try {
    for (const extra of extras) {
      await extra.start();
      started.push(extra);
    }
    await core.server.start();
    readiness = await core.answerReadiness(() =>
      started.flatMap((extra) => (extra.readiness ? [extra.readiness()] : [])),
    );
  } catch (error) {
    // The start's error is the one to report; the undoing's failures are logged by stop.
    await stop().catch(() => undefined);
    throw error;
  }
  core.logger.info('ready');
  return { stop };
}
