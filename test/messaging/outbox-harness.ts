// What the outbox suite runs on: a database + event log pair per target
// (real Postgres + Kafka, PGlite + the embedded log), and a stand-in service
// with the outbox and processed_events tables services have in their
// migrations.
import { createHash } from 'node:crypto';
import {
  deadLetterTopic,
  defaultCatalog,
  streamTopic,
  type ComponentStoredV1,
} from '@crucible/contracts';
import { ServiceDb } from '@crucible/database';
import {
  EmbeddedEventLog,
  EventConsumer,
  OutboxRelay,
  buildEvent,
  enqueueEvents,
  outboxRow,
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

// The tables every producing/consuming service has in its migrations.
const SERVICE_DDL = `
CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, event_id UUID NOT NULL, topic TEXT NOT NULL,
  key TEXT NOT NULL, envelope JSON NOT NULL, headers JSON NOT NULL DEFAULT '{}'::json,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), tx XID8 NOT NULL DEFAULT pg_current_xact_id());
CREATE INDEX outbox_order_idx ON outbox (tx, id);
CREATE TABLE outbox_relay (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  last_tx XID8 NOT NULL, last_id BIGINT NOT NULL, published BIGINT NOT NULL DEFAULT 0,
  moved_at TIMESTAMPTZ NOT NULL DEFAULT now(), holder TEXT, lease_until TIMESTAMPTZ);
INSERT INTO outbox_relay (last_tx, last_id) VALUES ('0', 0);
CREATE VIEW outbox_pending AS
  SELECT * FROM outbox
  WHERE (tx, id) > ((SELECT last_tx FROM outbox_relay), (SELECT last_id FROM outbox_relay));
CREATE TABLE processed_events (consumer TEXT NOT NULL, event_id UUID NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
`;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A valid component_stored event at the latest version; `label` makes it unique. */
export function storedEvent(label: string): Stored {
  const data: ComponentStoredV1 = {
    kind: 'environment',
    hash: sha256(label),
    size_bytes: label.length,
  };
  return buildEvent(catalog, STORED, data, { source: 'components', key: data.hash });
}

/**
 * A producing and consuming service on `stack`: a schema of its own with
 * outbox + processed_events, a topic prefix of its own, a relay, and helpers
 * to commit events, start a consumer and read a topic. Whatever it starts is
 * stopped by the functions it pushes onto `cleanups`.
 */
export async function openOutboxService(stack: Stack, cleanups: Array<() => Promise<void>>) {
  const { database, eventLog, own } = stack;
  const schema = uniqueName('svc');
  await database.knex.transaction(async (trx) => {
    await trx.raw('CREATE SCHEMA ??', [schema]);
    await trx.raw(`SET LOCAL search_path TO "${schema}"`);
    await trx.raw(SERVICE_DDL);
  });
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

  /** Commits `events` to the outbox in one service transaction. */
  const commit = (events: Stored[]) =>
    db.transaction((trx) =>
      enqueueEvents(
        db,
        trx,
        events.map((e) => outboxRow(catalog, prefix, e)),
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
      db,
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

  return { db, prefix, topics, relay, logger, commit, consume, read, processed };
}
