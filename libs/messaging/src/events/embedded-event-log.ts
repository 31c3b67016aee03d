import { EventEmitter } from 'node:events';
import { ServiceDb, type Knex } from '@crucible/database';
import type { Logger } from '@crucible/telemetry';
import type { Headers } from '../bus/bus';
import type {
  ConsumedRecord,
  ConsumerHandle,
  EventLog,
  LogRecord,
  RecordHandler,
  SubscribeOptions,
  TopicRecords,
} from './event-log';

/** Schema holding the embedded log's tables (migrations/eventlog). */
export const EVENT_LOG_SCHEMA = 'eventlog';

export interface EmbeddedEventLogOptions {
  knex: Knex;
  logger: Logger;
  /** Longest pause between polls when nothing wakes a consumer. */
  idlePollMs?: number;
}

interface RecordRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Headers;
}

/**
 * Kafka's contract on Postgres tables, for the embedded default: durable
 * append-only topics (one partition each) and consumer groups whose position
 * is committed after each record. Appends to one topic are serialized by a
 * row lock on the topic, so ids commit in order and no reader skips a record.
 */
export class EmbeddedEventLog implements EventLog {
  private readonly appended = new EventEmitter();
  private readonly consumers = new Set<ConsumerHandle>();
  private readonly activeGroups = new Set<string>();

  constructor(private readonly options: EmbeddedEventLogOptions) {
    this.db = new ServiceDb(options.knex, EVENT_LOG_SCHEMA);
    this.appended.setMaxListeners(0);
  }

  private readonly db: ServiceDb;

  private table<TRecord extends object>(
    name: string,
    trx?: Knex.Transaction,
  ): Knex.QueryBuilder<TRecord> {
    return this.db.table<TRecord>(name, trx);
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const rows = [...new Set(topics)].map((name) => ({ name }));
    if (rows.length > 0) await this.table('topics').insert(rows).onConflict('name').ignore();
  }

  publish(topic: string, records: LogRecord[]): Promise<void> {
    return this.publishAll([{ topic, records }]);
  }

  async publishAll(batches: readonly TopicRecords[]): Promise<void> {
    const filled = batches.filter((batch) => batch.records.length > 0);
    if (filled.length === 0) return;
    // Topics locked in name order: two publishers of the same topics never wait on each other in a cycle.
    const topics = [...new Set(filled.map((batch) => batch.topic))].sort();
    await this.options.knex.transaction(async (trx) => {
      const locked = await this.table<{ name: string }>('topics', trx)
        .whereIn('name', topics)
        .orderBy('name')
        .forUpdate()
        .select<Array<{ name: string }>>('name');
      const missing = topics.filter((topic) => !locked.some((row) => row.name === topic));
      if (missing.length > 0) throw new Error(`topic ${missing.join(', ')} does not exist`);
      await this.table('records', trx).insert(
        filled.flatMap(({ topic, records }) =>
          records.map((r) => ({
            topic,
            key: r.key,
            value: Buffer.from(r.value),
            headers: JSON.stringify(r.headers),
          })),
        ),
      );
    });
    for (const topic of topics) this.appended.emit('append', topic);
  }

  subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<ConsumerHandle> {
    let stopped = false;
    let wake: (() => void) | undefined;
    // An append (or stop) that comes while a poll runs has no idle to wake yet;
    // it must not be lost, so the next idle() returns at once instead of
    // sleeping a whole idlePollMs.
    let appendedSincePoll = false;
    const onAppend = (topic: string): void => {
      if (!options.topics.includes(topic)) return;
      appendedSincePoll = true;
      wake?.();
    };
    this.appended.on('append', onAppend);
    const idle = (ms: number) =>
      new Promise<void>((resolve) => {
        if (appendedSincePoll || stopped) return resolve();
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    let ownsGroup = false;
    let lastError: string | null = null;
    const loop = (async () => {
      let backoffMs = 100;
      while (!stopped) {
        appendedSincePoll = false;
        // One active member per group in this process, as Kafka assigns a
        // single-partition topic to one member.
        if (this.activeGroups.has(options.groupId) && !ownsGroup) {
          await idle(this.options.idlePollMs ?? 1000);
          continue;
        }
        ownsGroup = true;
        this.activeGroups.add(options.groupId);
        try {
          const handled = await this.pollOnce(options, handler, () => stopped);
          backoffMs = 100;
          if (handled === 0) await idle(this.options.idlePollMs ?? 1000);
        } catch (error) {
          if (stopped) break;
          lastError = error instanceof Error ? error.message : String(error);
          this.options.logger.warn('embedded consumer will retry', {
            group: options.groupId,
            error,
          });
          appendedSincePoll = false; // appends seen before the failure do not cut the backoff short
          await idle(backoffMs);
          backoffMs = Math.min(backoffMs * 2, 5000);
        }
      }
    })();

    const handle: ConsumerHandle = {
      stop: async () => {
        stopped = true;
        this.appended.off('append', onAppend);
        wake?.();
        await loop;
        if (ownsGroup) this.activeGroups.delete(options.groupId);
        this.consumers.delete(handle);
      },
      // The loop never dies (a failed poll is retried with backoff); lag is not measured here.
      health: () => ({
        state: stopped ? 'stopped' : 'running',
        lag: null,
        restarts: 0,
        lastError,
      }),
    };
    this.consumers.add(handle);
    return Promise.resolve(handle);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }

  /** Delivers the next records after the group's positions; returns how many were handled. */
  private async pollOnce(
    options: SubscribeOptions,
    handler: RecordHandler,
    isStopped: () => boolean,
  ): Promise<number> {
    const offsets = await this.table<{ group_id: string; topic: string; last_id: string }>(
      'group_offsets',
    )
      .where({ group_id: options.groupId })
      .whereIn('topic', options.topics)
      .select<Array<{ topic: string; last_id: string }>>('topic', 'last_id');
    let handled = 0;
    for (const topic of options.topics) {
      let lastId = offsets.find((o) => o.topic === topic)?.last_id;
      if (lastId === undefined) {
        lastId = options.fromBeginning === false ? await this.headOf(topic) : '0';
        await this.commit(options.groupId, topic, lastId);
      }
      const rows = await this.table<RecordRow>('records')
        .where({ topic })
        .andWhere('id', '>', lastId)
        .orderBy('id')
        .limit(100)
        .select<RecordRow[]>('id', 'topic', 'key', 'value', 'headers');
      for (const row of rows) {
        if (isStopped()) return handled;
        const record: ConsumedRecord = {
          topic: row.topic,
          partition: 0,
          offset: String(row.id),
          key: row.key,
          value: row.value,
          headers: row.headers,
        };
        await handler(record);
        await this.commit(options.groupId, topic, String(row.id));
        handled++;
      }
    }
    return handled;
  }

  private async headOf(topic: string): Promise<string> {
    const row: { id: string | null } | undefined = await this.db.knex
      .withSchema(EVENT_LOG_SCHEMA)
      .table('records')
      .where({ topic })
      .max<{ id: string | null }>('id as id')
      .first();
    return row?.id ?? '0';
  }

  private async commit(groupId: string, topic: string, lastId: string): Promise<void> {
    await this.table('group_offsets')
      .insert({ group_id: groupId, topic, last_id: lastId, updated_at: this.options.knex.fn.now() })
      .onConflict(['group_id', 'topic'])
      .merge(['last_id', 'updated_at']);
  }
}
