// What the outbox suite runs on: a database + event log pair per target
// (real Postgres + Kafka, PGlite + the embedded log), and a stand-in service
// whose schema holds the messaging lib's tables, as prepareService makes them.
import { createHash } from 'node:crypto';
import {
  deadLetterTopic,
  defaultCatalog,
  streamTopic,
  type ComponentStoredV2,
} from '@crucible/contracts';
import { ServiceDb } from '@crucible/database';
import {
  EmbeddedEventLog,
  EventConsumer,
  Outbox,
  OutboxRelay,
  buildEvent,
  migrateMessagingTables,
  type ConsumedRecord,
  type EventLog,
  type EventHandler,
  type TypedEnvelope,
} from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';
import { Collector } from '../contracts/waits';
import { uniqueName } from '../support';
import {
  migrateEventLog,
  openKafkaEventLog,
  openTestPglite,
  openTestPostgres,
  type OpenedDatabase,
} from './backends';

const catalog = defaultCatalog();
export const STORED = 'components.component_stored';
export type Stored = TypedEnvelope<typeof STORED>;

/** A database and an event log that one describe block shares. */
export interface Stack {
  readonly database: OpenedDatabase;
  readonly eventLog: EventLog;
  /** Registers topics for deletion (Kafka); a no-op where the database holds the topics. */
  readonly own: (...topics: string[]) => void;
  close(): Promise<void>;
}

export interface StackTarget {
  readonly name: string;
  /** Bound for a new consumer to get a record (Kafka group joins take seconds). */
  readonly deliveryTimeoutMs: number;
  /**
   * Whether a transaction can stay open while other statements run. PGlite
   * has one session: a statement outside an open transaction waits for it.
   */
  readonly concurrentTransactions: boolean;
  open(): Promise<Stack>;
}

export const stackTargets: StackTarget[] = [
  {
    name: 'Postgres + Kafka',
    deliveryTimeoutMs: 30_000,
    concurrentTransactions: true,
    async open() {
      const database = await openTestPostgres();
      const kafka = openKafkaEventLog(memoryLogger('kafka'));
      return {
        database,
        eventLog: kafka.log,
        own: kafka.own,
        async close() {
          try {
            await kafka.close();
          } finally {
            await database.close();
          }
        },
      };
    },
  },
  {
    name: 'PGlite + EmbeddedEventLog',
    deliveryTimeoutMs: 10_000,
    concurrentTransactions: false,
    async open() {
      const database = await openTestPglite();
      let eventLog: EmbeddedEventLog;
      try {
        await migrateEventLog(database);
        eventLog = new EmbeddedEventLog({ knex: database.knex, logger: memoryLogger('eventlog') });
      } catch (error) {
        await database.close();
        throw error;
      }
      return {
        database,
        eventLog,
        own: () => undefined,
        async close() {
          try {
            await eventLog.close();
          } finally {
            await database.close();
          }
        },
      };
    },
  },
];

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A valid component_stored event at the latest version; `label` makes it unique. */
export function storedEvent(label: string): Stored {
  return storedEventBy(label, null);
}

/** storedEvent with `actor` as its data's actor. */
export function storedEventBy(label: string, actor: string | null): Stored {
  const data: ComponentStoredV2 = {
    kind: 'environment',
    hash: sha256(label),
    size_bytes: label.length,
    actor,
  };
  return buildEvent(catalog, STORED, data, { source: 'components', key: data.hash });
}

/**
 * A producing and consuming service on `stack`: a schema of its own with the
 * messaging lib's tables, a topic prefix of its own, an outbox, a relay, and
 * helpers to commit events, start a consumer and read a topic. `wakes`
 * counts the outbox's wake-ups of the relay (the relay is only woken by its
 * own `kick` when a test starts it). Whatever it starts is stopped by the
 * functions it pushes onto `cleanups`.
 */
export async function openOutboxService(stack: Stack, cleanups: Array<() => Promise<void>>) {
  const { database, eventLog, own } = stack;
  const schema = uniqueName('svc');
  await migrateMessagingTables(database.knex, { schema, advisoryLock: database.advisoryLock });
  const db = new ServiceDb(database.knex, schema);
  const prefix = uniqueName('ob');
  const topics = {
    stream: streamTopic(prefix, 'components'),
    dlq: deadLetterTopic(prefix, 'components'),
  };
  own(topics.stream, topics.dlq);
  await eventLog.ensureTopics([topics.stream, topics.dlq]);
  const logger = memoryLogger('components');
  const relay = new OutboxRelay({ db, eventLog, logger, idlePollMs: 5_000 });
  const wakes = { count: 0 };
  const outbox = new Outbox({
    db,
    catalog,
    prefix,
    service: 'components',
    onCommitted: () => {
      wakes.count++;
      relay.kick();
    },
  });

  /** Commits `events` to the outbox in one service transaction. */
  const commit = (events: Stored[]) =>
    outbox.transaction((trx) =>
      outbox.write(
        events.map((e) => outbox.row(e)),
        trx,
      ),
    );

  /** Starts a consumer of component_stored; `applied` gets the event ids its handler committed. */
  async function consume(handler?: EventHandler<typeof STORED>, maxAttempts?: number) {
    const applied = new Collector<string>();
    const invocations = new Collector<string>();
    const consumer = new EventConsumer({
      name: 'projector',
      service: 'platform',
      prefix,
      catalog,
      eventLog,
      outbox,
      logger,
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    }).on(STORED, async (event, trx) => {
      invocations.push(event.event_id);
      await handler?.(event, trx);
      // Collected after the transaction commits: the processed_events row is in.
      trx.executionPromise.then(
        () => applied.push(event.event_id),
        () => undefined,
      );
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());
    return { applied, invocations };
  }

  /** Reads a topic from its beginning in a group of its own. */
  async function read(topic: string) {
    const records = new Collector<ConsumedRecord>();
    const handle = await eventLog.subscribe(
      { groupId: uniqueName('reader'), topics: [topic] },
      (r) => {
        records.push(r);
        return Promise.resolve();
      },
    );
    cleanups.push(() => handle.stop());
    return records;
  }

  /** Event ids in processed_events, sorted. */
  const processed = async (): Promise<string[]> => {
    const rows: Array<{ event_id: string }> = await db.table('processed_events').select('event_id');
    return rows.map((r) => r.event_id).sort();
  };

  return { db, outbox, wakes, prefix, topics, relay, logger, commit, consume, read, processed };
}

/**
 * Runs `relay` until it has published `expected` rows, or `timeoutMs` has
 * passed; returns how many it published (more than `expected` comes back as
 * is, and fails the test). The relay publishes only rows of transactions
 * older than every transaction running on the whole Postgres server
 * (docs/messaging.md), and the test server is shared with other test runs:
 * a transaction open there for a moment holds committed rows back, so a test
 * waits for them rather than expecting them from the first round.
 */
export async function drainCount(
  relay: OutboxRelay,
  expected: number,
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let total = 0;
  for (;;) {
    total += await relay.drain();
    if (total >= expected || Date.now() >= deadline) return total;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
