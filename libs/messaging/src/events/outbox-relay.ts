import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SpanKind, trace, context } from '@opentelemetry/api';
import {
  RELAXED_COMMIT,
  type DbSession,
  type NamedStatement,
  type ServiceDb,
} from '@crucible/database';
import {
  messagingAttributes,
  messagingSpanName,
  recordSpanError,
  type Logger,
  type MessagingSpanFacts,
} from '@crucible/telemetry';
import type { Headers } from '../bus/bus';
import { extractTrace, injectTrace } from '../rpc/headers';
import { EVENT_TYPE_HEADER, type EventLog, type LogRecord } from './event-log';
import { OUTBOX_TABLE } from './outbox';
import { messagingTracer } from '../tracer';

export interface OutboxRelayOptions {
  db: ServiceDb;
  eventLog: EventLog;
  logger: Logger;
  /** Rows read per round. */
  batchSize?: number;
  /** Longest pause between rounds when nothing kicks the relay. */
  idlePollMs?: number;
  /**
   * How long the relay's lease lasts without a renewal (default 10 s): a
   * replica that dies holding it delays events by up to this much before
   * another takes over (one that stops gives it up at once). Renewed by every
   * round that publishes, and by any round once half of it is gone; longer
   * than the longest retry backoff (5 s), so a relay waiting out a Kafka
   * outage keeps it.
   */
  leaseMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
  /**
   * After a round that was not full, wait this long before the next read so
   * rows written meanwhile go out together (default 50 ms). At one write at a
   * time, a round per row costs a commit and a produce per row; the window
   * trades a little event latency for far less work (measured at one put at
   * a time: 50 ms instead of 20 ms cuts Kafka's CPU per put by half or more).
   */
  lingerMs?: number;
  /**
   * Hold the relay's place with a session-level advisory lock on a
   * connection of its own (real Postgres; default false, as on PGlite's one
   * session). Only the relay holding the lock reads and takes the lease, and
   * the server releases the lock the moment that connection drops: a
   * replica killed with SIGKILL is replaced by the next relay's round (at
   * most `idlePollMs`), not when its lease expires.
   */
  sessionLock?: boolean;
}

/** How often the lock holder checks that its lock session is still there. */
const LOCK_CHECK_MS = 2_000;

interface OutboxRecord {
  id: string;
  /** The writing transaction's id (xid8, as text). */
  tx: string;
  event_id: string;
  topic: string;
  key: string;
  /** The envelope's JSON as stored. */
  envelope: string;
  type: string | null;
  /** The W3C trace context of the writing request, JSON. */
  headers: string;
}

/**
 * Moves committed outbox rows to the event log, in the order they were
 * written, without writing to them: one relay per service holds a lease on
 * the outbox (a row of `outbox_relay`, so replicas do not publish the same
 * rows), reads the rows after its cursor, publishes them, and moves the
 * cursor past them. Each row is written twice in all (inserted with its
 * change, deleted once old), where claiming and marking it took four writes.
 *
 * The cursor is (writing transaction id, row id). Only rows of transactions
 * older than every transaction still running are read (`pg_snapshot_xmin`):
 * their outcome is final, so a transaction that commits late cannot leave a
 * row behind the cursor. Delivery is at least once: a crash between publishing
 * and moving the cursor publishes again, and consumers drop the duplicate by
 * event id. No transaction is held while publishing.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private kicked = false;
  private lastPrune = 0;
  /** The session holding the advisory lock (sessionLock), once taken. */
  private lockSession: DbSession | undefined;
  private locked = false;
  private lockCheckedAt = 0;

  /** This relay's name in the lease. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  private readonly statements: ReturnType<typeof relayStatements>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.statements = relayStatements(options.db);
  }

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

  /** Finishes the round in progress, gives the lease up (another replica takes over at once) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    await this.options.db
      .run(this.statements.release, [this.holder])
      .catch((error: unknown) =>
        this.options.logger.warn('could not give the outbox lease up', { error }),
      );
    // Ending the session releases the lock: the next relay's round takes over.
    await this.dropLockSession();
  }

  /**
   * Whether this relay may run a round: always without `sessionLock`;
   * with it, only while it holds the schema's relay lock (tried at each
   * round until taken, then checked every LOCK_CHECK_MS).
   */
  private async holdsLock(): Promise<boolean> {
    if (!this.options.sessionLock) return true;
    if (this.locked && !this.lockSession?.lost) {
      if (Date.now() - this.lockCheckedAt < LOCK_CHECK_MS) return true;
      try {
        await this.lockSession?.query('select 1', []);
        this.lockCheckedAt = Date.now();
        return true;
      } catch {
        // the session is gone, and the lock with it
      }
    }
    if (this.locked) this.options.logger.warn('outbox relay lost its lock session');
    if (this.lockSession?.lost || this.locked) await this.dropLockSession();
    // One session kept open, holding the lock or trying for it each round.
    this.lockSession ??= await this.options.db.openSession();
    try {
      const [row] = await this.lockSession.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as locked',
        [`crucible.outbox_relay.${this.options.db.schema}`],
      );
      this.locked = row?.locked === true;
    } catch (error) {
      await this.dropLockSession();
      throw error;
    }
    this.lockCheckedAt = Date.now();
    return this.locked;
  }

  private async dropLockSession(): Promise<void> {
    this.locked = false;
    await this.lockSession?.close();
    this.lockSession = undefined;
  }

  /**
   * Runs rounds until nothing is left to publish, or another relay holds the
   * lease (then it publishes nothing); for tests. Returns rows published.
   */
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
    const ms = this.options.lingerMs ?? 50;
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

  /** One read-publish-advance round; returns how many rows were published. */
  private async round(): Promise<number> {
    const { db } = this.options;
    if (!(await this.holdsLock())) return 0;
    const leaseSeconds = this.leaseSeconds();
    const rows = await db.run<OutboxRecord>(this.statements.read, [
      this.holder,
      leaseSeconds,
      this.options.batchSize ?? 100,
      // Holding the lock, the lease is ours whoever's name it still bears:
      // its holder died (its session ended) or stopped.
      this.options.sessionLock === true,
    ]);
    const last = rows[rows.length - 1];
    if (last === undefined) return 0;
    await this.publish(rows);
    const moved = await db.run(this.statements.advance, [
      this.holder,
      last.tx,
      last.id,
      rows.length,
      leaseSeconds,
    ]);
    // Another replica took the lease while we published: it publishes these
    // rows again (at least once), and we read nothing until it lets go.
    if (moved.length === 0) this.options.logger.warn('outbox lease lost while publishing');
    return rows.length;
  }

  private leaseSeconds(): number {
    return (this.options.leaseMs ?? 10_000) / 1000;
  }

  /** Publishes rows grouped by topic, keeping their order within each topic, in one request. */
  private async publish(rows: OutboxRecord[]): Promise<void> {
    const byTopic = new Map<string, LogRecord[]>();
    const spans = [];
    for (const row of rows) {
      const type = row.type ?? '';
      // One PRODUCER span per event, child of the request that wrote it; its
      // context is the event's creation context (docs/telemetry.md).
      const facts: MessagingSpanFacts = {
        system: 'kafka',
        operationType: 'send',
        operationName: 'send',
        destination: row.topic,
        messageId: row.event_id,
        kafkaKey: row.key,
      };
      const attributes = messagingAttributes(facts);
      attributes['crucible.event.type'] = type;
      const span = messagingTracer().startSpan(
        messagingSpanName(facts),
        { kind: SpanKind.PRODUCER, attributes },
        extractTrace(JSON.parse(row.headers) as Headers),
      );
      spans.push(span);
      const headers: Headers = {
        'crucible-event-id': row.event_id,
        [EVENT_TYPE_HEADER]: type,
      };
      injectTrace(headers, trace.setSpan(context.active(), span));
      const list = byTopic.get(row.topic) ?? [];
      // The envelope's JSON as the service wrote it: nothing decoded or encoded again.
      list.push({ key: row.key, value: Buffer.from(row.envelope), headers });
      byTopic.set(row.topic, list);
    }
    try {
      // Every topic of the round in one request (one produce request, not one a topic).
      await this.options.eventLog.publishAll(
        [...byTopic].map(([topic, records]) => ({ topic, records })),
      );
    } catch (error) {
      for (const span of spans) recordSpanError(span, error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const retentionSeconds = (this.options.retentionMs ?? 24 * 3600_000) / 1000;
    await this.options.db.run(this.statements.prune, [retentionSeconds]);
  }
}

/** Name of the relay's table (cursor and lease, one row) in every service's schema. */
export const OUTBOX_RELAY_TABLE = 'outbox_relay';

/** The relay's statements, prepared once per connection (they run several times a second). */
function relayStatements(
  db: ServiceDb,
): Record<'read' | 'advance' | 'release' | 'prune', NamedStatement> {
  const outbox = db.quotedTable(OUTBOX_TABLE);
  const relay = db.quotedTable(OUTBOX_RELAY_TABLE);
  return {
    // Takes the lease when it is free or expired (or at once, $4, for the
    // relay holding the session lock), renews it once half of it is gone,
    // and reads after the cursor only while holding it. A round that writes
    // nothing (the usual case) commits nothing.
    read: db.statement(
      'outbox_read',
      `with taken as (
         update ${relay} set holder = $1, lease_until = now() + make_interval(secs => $2::float8)
         where (holder is distinct from $1 and ($4::boolean or holder is null or lease_until < now()))
           or (holder = $1 and lease_until < now() + make_interval(secs => $2::float8 / 2))
         returning last_tx, last_id),
       cursor as (
         select last_tx, last_id from taken
         union all
         select last_tx, last_id from ${relay} where holder = $1 and not exists (select from taken))
       select o.id, o.tx::text as tx, o.event_id, o.topic, o.key, o.envelope::text as envelope,
              o.envelope ->> 'type' as type, o.headers::text as headers
       from ${outbox} o
       -- Scalars, so the cursor bounds an index range scan (a join would filter every row).
       where (o.tx, o.id) > ((select last_tx from cursor), (select last_id from cursor))
         and o.tx < pg_snapshot_xmin(pg_current_snapshot())
       order by o.tx, o.id
       limit $3`,
    ),
    // Moves the cursor forward only, and only for the lease holder; renews the
    // lease. Its commit does not wait for the disk (RELAXED_COMMIT): a cursor
    // that Postgres's crash takes back publishes its events again, and
    // consumers apply each once.
    advance: db.statement(
      'outbox_advance',
      `update ${relay}
       set last_tx = $2::xid8, last_id = $3, published = published + $4, moved_at = now(),
           lease_until = now() + make_interval(secs => $5::float8)
       from ${RELAXED_COMMIT}
       where holder = $1 and (last_tx, last_id) < ($2::xid8, $3::bigint)
       returning 1`,
    ),
    release: db.statement(
      'outbox_release',
      `update ${relay} set holder = null, lease_until = null where holder = $1`,
    ),
    prune: db.statement(
      'outbox_prune',
      `delete from ${outbox}
       where (tx, id) <= ((select last_tx from ${relay}), (select last_id from ${relay}))
         and created_at < now() - make_interval(secs => $1::float8)`,
    ),
  };
}
