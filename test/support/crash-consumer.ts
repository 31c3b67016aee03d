import { defaultCatalog, streamTopic, type EventType } from '@crucible/contracts';
import { connectPostgres, ServiceDb, type Knex } from '@crucible/database';
import {
  EventConsumer,
  KafkaEventLog,
  Outbox,
  migrateMessagingTables,
  type ConsumedRecord,
} from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';
import { uniqueName } from './names';
import type { StreamRecord } from './stream-reader';

/** The consumer's schema in the crash run's database (the services have theirs beside it). */
const SCHEMA = 'crash_consumer';
const CONSUMER = 'applier';

/**
 * A downstream service's view of a crash run's stream, applied through our
 * own consumer machinery (docs/messaging.md, "Consumers").
 */
export interface CrashConsumer {
  /** Resolves once an event keyed `key` was applied; rejects after `timeoutMs`. */
  waitForApplied(key: string, timeoutMs: number): Promise<void>;
  /**
   * Hands `records` to the consumer again, one by one, as the log does after
   * a consumer died before committing its position; returns how many of them
   * were of the consumer's event type.
   */
  redeliver(records: readonly StreamRecord[]): Promise<number>;
  /** How many times the handler's write committed, per key (keys never applied are absent). */
  appliedTimes(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export interface CrashConsumerOptions {
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly prefix: string;
  readonly stream: string;
  readonly eventType: string;
}

/**
 * Starts an EventConsumer of `eventType` in this process, on a schema of its
 * own in the run's database: its processed_events table comes from
 * migrateMessagingTables as a service's does, and every event is applied in
 * one of its Outbox's transactions. The handler inserts (key, event_id) into
 * a table with no unique constraint, so an event applied twice shows as two
 * rows: the table counts applications, the dedup is the consumer's alone.
 */
export async function startCrashConsumer(options: CrashConsumerOptions): Promise<CrashConsumer> {
  const catalog = defaultCatalog();
  if (!catalog.isEventType(options.eventType))
    throw new Error(`startCrashConsumer: ${options.eventType} is not a catalog event type`);
  const eventType: EventType = options.eventType;
  const knex = await connectPostgres(options.databaseUrl, { attempts: 1 });
  const logger = memoryLogger('crash_consumer');
  const eventLog = new KafkaEventLog({
    brokers: [...options.brokers],
    clientId: uniqueName('crash_consumer'),
    logger,
  });
  let consumer: EventConsumer | undefined;
  const stop = async () => {
    try {
      await consumer?.stop();
      await eventLog.close();
    } finally {
      await knex.destroy();
    }
  };
  try {
    await migrateMessagingTables(knex, { schema: SCHEMA, advisoryLock: true });
    await knex.schema.withSchema(SCHEMA).createTable('applied', (table) => {
      table.uuid('event_id').notNullable();
      table.text('key').notNullable();
    });
    const db = new ServiceDb(knex, SCHEMA);
    const outbox = new Outbox({
      db,
      catalog,
      prefix: options.prefix,
      service: SCHEMA,
      onCommitted: () => undefined,
    });
    const started = new EventConsumer({
      name: CONSUMER,
      service: SCHEMA,
      prefix: options.prefix,
      catalog,
      eventLog,
      outbox,
      logger,
    }).on(eventType, async (event, trx) => {
      await db.table('applied', trx).insert({ event_id: event.event_id, key: event.key });
    });
    consumer = started;
    await started.start();
    return {
      waitForApplied: (key, timeoutMs) => waitForApplied(db, key, timeoutMs),
      redeliver: (records) =>
        redeliver(started, streamTopic(options.prefix, options.stream), eventType, records),
      appliedTimes: () => appliedTimes(knex),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function waitForApplied(db: ServiceDb, key: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await db.table('applied').where({ key }).first()) === undefined) {
    if (Date.now() > deadline)
      throw new Error(`crash consumer: no event keyed ${key} applied within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function redeliver(
  consumer: EventConsumer,
  topic: string,
  eventType: EventType,
  records: readonly StreamRecord[],
): Promise<number> {
  let ofType = 0;
  for (const record of records) {
    if (record.topic !== topic) continue;
    const consumed: ConsumedRecord = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      headers: { ...record.headers },
      value: Buffer.from(record.text, 'utf8'),
    };
    // Awaited one at a time, as the log hands a partition's records over.
    await consumer.process(consumed);
    if ((record.json as { type?: unknown } | undefined)?.type === eventType) ofType += 1;
  }
  return ofType;
}

async function appliedTimes(knex: Knex): Promise<Map<string, number>> {
  const rows = await knex
    .withSchema(SCHEMA)
    .table('applied')
    .select('key')
    .count<Array<{ key: string; count: string }>>('* as count')
    .groupBy('key');
  return new Map(rows.map((row) => [row.key, Number(row.count)]));
}
