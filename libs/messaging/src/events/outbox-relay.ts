import { SpanKind, SpanStatusCode, trace, context } from '@opentelemetry/api';
import type { ServiceDb } from '@crucible/database';
import type { Logger } from '@crucible/telemetry';
import type { Headers } from '../bus/bus';
import { extractTrace, injectTrace } from '../rpc/headers';
import type { EventLog, LogRecord } from './event-log';
import { OUTBOX_TABLE } from './outbox';
import { messagingTracer } from '../tracer';

export interface OutboxRelayOptions {
  db: ServiceDb;
  eventLog: EventLog;
  logger: Logger;
  /** Rows claimed per round. */
  batchSize?: number;
  /** Longest pause between rounds when nothing kicks the relay. */
  idlePollMs?: number;
  /** How long a claim lasts; a replica that dies mid-batch loses its claim after this. */
  leaseMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
  /**
   * After a round that was not full, wait this long before the next claim so
   * rows written meanwhile go out together (default 20 ms). At one write at a
   * time, a round per row costs three commits and a produce per row; the
   * window trades a little event latency for far less work.
   */
  lingerMs?: number;
}

interface ClaimedRow {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  envelope: unknown;
  headers: Headers;
}

/**
 * Moves committed outbox rows to the event log: claim a batch (short
 * transaction, SKIP LOCKED, with a lease), publish it in id order, mark it
 * published. Delivery is at least once: a crash between publish and mark
 * publishes again, and consumers drop the duplicate by event id. No
 * transaction is held while publishing.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private kicked = false;
  private lastPrune = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Asks for a round now (called after a commit that wrote outbox rows). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Finishes the round in progress and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  /** Runs rounds until the outbox is empty; for tests and shutdown. Returns rows published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.round();
      total += published;
      if (published === 0) return total;
    }
  }

  private async loop(): Promise<void> {
    let backoffMs = 100;
    while (!this.stopped) {
      try {
        this.kicked = false;
        const published = await this.round();
        backoffMs = 100;
        await this.prune();
        if (published === 0 && !this.kicked) await this.pause(this.options.idlePollMs ?? 500);
        else if (published > 0 && published < (this.options.batchSize ?? 100)) await this.linger();
      } catch (error) {
        this.options.logger.warn('outbox relay round failed; will retry', { error });
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  /** Waits the batching window; only stop() cuts it short (kicks are what it collects). */
  private linger(): Promise<void> {
    const ms = this.options.lingerMs ?? 20;
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        if (!this.stopped) return;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // A stop() during the round found no pause to wake: do not sleep one out.
      if (this.stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One claim-publish-mark round; returns how many rows were published. */
  private async round(): Promise<number> {
    const rows = await this.claim();
    if (rows.length === 0) return 0;
    try {
      await this.publish(rows);
    } catch (error) {
      await this.release(rows);
      throw error;
    }
    const { db } = this.options;
    await db
      .table(OUTBOX_TABLE)
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ published_at: db.knex.fn.now(), claimed_until: null });
    return rows.length;
  }

  private async claim(): Promise<ClaimedRow[]> {
    const { db } = this.options;
    const leaseSeconds = (this.options.leaseMs ?? 30_000) / 1000;
    const result = await db.knex.raw<{ rows: ClaimedRow[] }>(
      `update ?? set claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1
       where id in (
         select id from ?? where published_at is null and (claimed_until is null or claimed_until < now())
         order by id limit ? for update skip locked)
       returning id, event_id, topic, key, envelope, headers`,
      [
        db.qualified(OUTBOX_TABLE),
        leaseSeconds,
        db.qualified(OUTBOX_TABLE),
        this.options.batchSize ?? 100,
      ],
    );
    return result.rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  private async release(rows: ClaimedRow[]): Promise<void> {
    await this.options.db
      .table(OUTBOX_TABLE)
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ claimed_until: null })
      .catch((error: unknown) =>
        this.options.logger.warn('could not release outbox claim', { error }),
      );
  }

  /** Publishes rows grouped by topic, keeping id order within each topic. */
  private async publish(rows: ClaimedRow[]): Promise<void> {
    const byTopic = new Map<string, LogRecord[]>();
    const spans = [];
    for (const row of rows) {
      const envelope = row.envelope as { type?: string };
      const span = messagingTracer().startSpan(
        `publish ${row.topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'publish',
            'messaging.destination.name': row.topic,
            'messaging.message.id': row.event_id,
            'messaging.kafka.message.key': row.key,
            'crucible.event.type': envelope.type ?? '',
          },
        },
        extractTrace(row.headers),
      );
      spans.push(span);
      const headers: Headers = {
        'crucible-event-id': row.event_id,
        'crucible-event-type': envelope.type ?? '',
      };
      injectTrace(headers, trace.setSpan(context.active(), span));
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.key, value: Buffer.from(JSON.stringify(row.envelope)), headers });
      byTopic.set(row.topic, list);
    }
    try {
      for (const [topic, records] of byTopic) await this.options.eventLog.publish(topic, records);
    } catch (error) {
      for (const span of spans)
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'publish failed' });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const { db } = this.options;
    const retentionSeconds = (this.options.retentionMs ?? 24 * 3600_000) / 1000;
    await db.knex.raw(
      'delete from ?? where published_at is not null and published_at < now() - make_interval(secs => ?)',
      [db.qualified(OUTBOX_TABLE), retentionSeconds],
    );
  }
}
