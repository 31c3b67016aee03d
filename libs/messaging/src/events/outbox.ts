import { context } from '@opentelemetry/api';
import {
  streamTopic,
  type Catalog,
  type EventDataOf,
  type EventEnvelope,
  type EventType,
} from '@crucible/contracts';
import { jsonArrayBytes, type Knex, type NamedStatement, type ServiceDb } from '@crucible/database';
import type { Headers } from '../bus/bus';
import { injectTrace } from '../rpc/headers';
import { buildEvent, type EventMeta } from './envelope';

/** Name of the outbox table in every service's schema (made by this lib's migrations). */
export const OUTBOX_TABLE = 'outbox';

/** A row of the outbox, ready to insert. JSON columns are pre-serialized. */
export interface OutboxRow {
  readonly event_id: string;
  readonly topic: string;
  readonly key: string;
  readonly envelope: string;
  readonly headers: string;
}

/** A statement built by `Outbox.withEvent`: a service's insert that also writes its event. */
export interface EventStatement {
  readonly statement: NamedStatement;
  /** How many values the wrapped insert takes; the event's follow. */
  readonly valueCount: number;
}

export interface OutboxOptions {
  /** The service's schema. */
  db: ServiceDb;
  catalog: Catalog;
  /** Topic prefix. */
  prefix: string;
  /** The producing service: the `source` of its events. */
  service: string;
  /** Called after a commit that wrote outbox rows: the relay's kick. */
  onCommitted: () => void;
}

/** Whether a transaction opened by `Outbox.transaction` has written outbox rows. */
interface OpenTransaction {
  wrote: boolean;
}

/**
 * A service's outbox: the one way its events are written, and the one place
 * that wakes its relay.
 *
 * - `event` builds an event's row (checked against its schemas, with the
 *   current trace context, so the relay can continue the trace).
 * - `write`, `run` and `runReturning` are the only writers of outbox rows.
 *   They run SQL that `outboxInsert` builds: `write` inserts rows; `run`
 *   runs a statement `withEvent` built, which inserts a service's row and
 *   its event in one statement (one round trip), the event only when the row
 *   is new; `runReturning` one `withEventWhen` built, a statement of several
 *   writes and their events, written only when the statement's guard holds;
 *   `runPerRow` one `withEventsPerRow` built, a store-or-reuse of many rows
 *   whose events are written for the new rows only.
 * - `transaction` is the transaction helper for writes that produce events:
 *   when the transaction wrote outbox rows, the relay is woken once it has
 *   committed. Rows written outside a transaction (one statement, its own
 *   commit) wake it as soon as the statement returns. Writing rows inside a
 *   transaction this helper did not open is refused: nothing would wake the
 *   relay after its commit (the rows would wait for its next poll).
 */
export class Outbox {
  readonly db: ServiceDb;
  private readonly open = new WeakMap<Knex.Transaction, OpenTransaction>();
  private readonly insertRows: NamedStatement;

  constructor(private readonly options: OutboxOptions) {
    this.db = options.db;
    this.insertRows = options.db.statement(
      'outbox_insert',
      outboxInsert(
        options.db,
        `rows from (unnest($1::uuid[], $2::text[], $3::text[]),
                    json_array_elements($4::json), json_array_elements($5::json))
           with ordinality as e(event_id, topic, key, envelope, headers, n)`,
        'e.event_id, e.topic, e.key, e.envelope, e.headers',
        // In the order given: ids, and so publication order, follow it.
        'order by e.n',
      ),
    );
  }

  /** The outbox row of a new event of `type` from this service, built and checked by `buildEvent`. */
  event<T extends EventType>(
    type: T,
    data: EventDataOf<T>,
    meta: Omit<EventMeta, 'source'>,
  ): OutboxRow {
    return this.row(
      buildEvent(this.options.catalog, type, data, { ...meta, source: this.options.service }),
    );
  }

  /**
   * The outbox row of a built event: its topic (from the event's stream), and
   * the W3C trace context of the current request, so the relay can continue
   * the trace when it publishes the event long after the request ended.
   */
  row(event: Omit<EventEnvelope, 'data'> & { data: unknown }): OutboxRow {
    const { catalog, prefix } = this.options;
    const { stream } = catalog.event(event.type as EventType);
    const headers: Headers = {};
    injectTrace(headers, context.active());
    return {
      event_id: event.event_id,
      topic: streamTopic(prefix, stream),
      key: event.key,
      envelope: JSON.stringify(event),
      headers: JSON.stringify(headers),
    };
  }

  /**
   * Runs `fn` in one transaction of the service's schema and, when it wrote
   * outbox rows, wakes the relay after the commit. Do not await other I/O
   * inside it (see embedded.ts in @crucible/database).
   */
  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const state: OpenTransaction = { wrote: false };
    const result = await this.db.transaction((trx) => {
      this.open.set(trx, state);
      return fn(trx);
    });
    if (state.wrote) this.options.onCommitted();
    return result;
  }

  /** Inserts `rows` in the order given: inside `trx` (from `transaction`), or as one statement of its own. */
  async write(rows: readonly OutboxRow[], trx?: Knex.Transaction): Promise<void> {
    if (rows.length === 0) return;
    const state = this.stateOf(trx);
    await this.db.run(this.insertRows, columnArrays(rows), trx);
    this.wrote(state);
  }

  /**
   * A statement that runs `insertSql` (an INSERT ... RETURNING, of at most
   * one row, taking `valueCount` values) and, in the same statement, writes
   * an event to the outbox when it returned a row. Data-modifying CTEs always
   * run; the outbox insert selects from the service's, so it writes a row
   * exactly when the service's row is new, and exactly one of several
   * identical concurrent writes reports it. Build it once (it is prepared
   * once per connection); run it with `run`.
   */
  withEvent(name: string, insertSql: string, valueCount: number): EventStatement {
    const [id, topic, key, envelope, headers] = [1, 2, 3, 4, 5].map((i) => `$${valueCount + i}`);
    const sql = `with ins as (${insertSql}),
      ev as (${outboxInsert(
        this.db,
        '(select from ins limit 1) as new_row',
        `${id}, ${topic}, ${key}, ${envelope}::json, ${headers}::json`,
      )} returning 1)
      select count(*)::int as inserted from ins`;
    return { statement: this.db.statement(name, sql), valueCount };
  }

  /**
   * A statement of data-modifying CTEs that writes its events to the outbox
   * when its CTE `when` returns a row: `ctes` is the body of its WITH (`a as
   * (...), b as (...)`), `select` its final query, which must return rows
   * exactly when `when` did (so its caller, and `runReturning`, know whether
   * the events were written). For a write of several rows and its events, in
   * one round trip (`withEvent` wraps a single INSERT and one event). Values
   * are `$1` to `$valueCount`; the events' follow (as arrays, written in the
   * order given). Run it with `runReturning`.
   */
  withEventWhen(
    name: string,
    statement: { ctes: string; when: string; select: string; valueCount: number },
  ): EventStatement {
    const { ctes, when, select, valueCount } = statement;
    const [id, topic, key, envelope, headers] = [1, 2, 3, 4, 5].map((i) => `$${valueCount + i}`);
    const sql = `with ${ctes},
      outbox_event as (${outboxInsert(
        this.db,
        `(select from ${when} limit 1) as new_row,
          rows from (unnest(${id}::uuid[], ${topic}::text[], ${key}::text[]),
                     json_array_elements(${envelope}::json), json_array_elements(${headers}::json))
            with ordinality as e(event_id, topic, key, envelope, headers, n)`,
        'e.event_id, e.topic, e.key, e.envelope, e.headers',
        'order by e.n',
      )})
      ${select}`;
    return { statement: this.db.statement(name, sql), valueCount };
  }

  /**
   * A statement of data-modifying CTEs that writes, for each row of its CTE
   * `rows` (a column `match`, text), the events given for that match: a
   * store-or-reuse of many rows (`INSERT ... ON CONFLICT DO NOTHING
   * RETURNING`) whose events are written only for the rows that are new, in
   * one round trip (`withEvent` does it for one row). `ctes` is the body of
   * its WITH, `select` its final query, which must return rows exactly when
   * `rows` did. Values are `$1` to `$valueCount`; the events' follow (as
   * arrays: their matches, then their rows, written in the order given).
   * Run it with `runPerRow`.
   */
  withEventsPerRow(
    name: string,
    statement: { ctes: string; rows: string; select: string; valueCount: number },
  ): EventStatement {
    const { ctes, rows, select, valueCount } = statement;
    const [match, id, topic, key, envelope, headers] = [1, 2, 3, 4, 5, 6].map(
      (i) => `$${valueCount + i}`,
    );
    const sql = `with ${ctes},
      outbox_events as (${outboxInsert(
        this.db,
        `rows from (unnest(${match}::text[], ${id}::uuid[], ${topic}::text[], ${key}::text[]),
                    json_array_elements(${envelope}::json), json_array_elements(${headers}::json))
            with ordinality as e(match, event_id, topic, key, envelope, headers, n)
          join ${rows} as new_row on new_row.match = e.match`,
        'e.event_id, e.topic, e.key, e.envelope, e.headers',
        'order by e.n',
      )})
      ${select}`;
    return { statement: this.db.statement(name, sql), valueCount };
  }

  /**
   * Runs a `withEventsPerRow` statement with its `values` and the `events`
   * of each match: inside `trx` (from `transaction`), or as one statement of
   * its own. Returns the statement's rows; when it returned any (events were
   * written), the relay is woken (after the commit, inside a transaction).
   */
  async runPerRow<TRow>(
    statement: EventStatement,
    values: readonly unknown[],
    events: ReadonlyArray<{ readonly match: string; readonly row: OutboxRow }>,
    trx?: Knex.Transaction,
  ): Promise<TRow[]> {
    const state = this.stateOf(trx);
    const rows = await this.db.run<TRow>(
      statement.statement,
      statementValues(statement, values, [
        events.map((e) => e.match),
        ...columnArrays(events.map((e) => e.row)),
      ]),
      trx,
    );
    if (rows.length > 0) this.wrote(state);
    return rows;
  }

  /**
   * Runs a `withEventWhen` statement as a statement of its own (its own
   * transaction, committed when it returns): its rows; when it returned any
   * (its events were written), the relay is woken.
   */
  async runReturning<TRow>(
    statement: EventStatement,
    values: readonly unknown[],
    events: readonly OutboxRow[],
  ): Promise<TRow[]> {
    const rows = await this.db.run<TRow>(
      statement.statement,
      statementValues(statement, values, [...columnArrays(events)]),
    );
    if (rows.length > 0 && events.length > 0) this.wrote(undefined);
    return rows;
  }

  /**
   * Runs a `withEvent` statement with the insert's `values` and `event`:
   * inside `trx` (from `transaction`), or as one statement of its own.
   * Returns how many rows the insert returned (0: nothing new, no event).
   */
  async run(
    statement: EventStatement,
    values: readonly unknown[],
    event: OutboxRow,
    trx?: Knex.Transaction,
  ): Promise<number> {
    const state = this.stateOf(trx);
    const rows = await this.db.run<{ inserted: number }>(
      statement.statement,
      statementValues(statement, values, [
        event.event_id,
        event.topic,
        event.key,
        event.envelope,
        event.headers,
      ]),
      trx,
    );
    const inserted = rows[0]?.inserted ?? 0;
    if (inserted > 0) this.wrote(state);
    return inserted;
  }

  /** The open transaction `trx` belongs to (undefined: a statement of its own). */
  private stateOf(trx: Knex.Transaction | undefined): OpenTransaction | undefined {
    if (trx === undefined) return undefined;
    const state = this.open.get(trx);
    if (state === undefined) {
      throw new Error(
        `outbox rows of ${this.db.schema} written in a transaction Outbox.transaction did not open`,
      );
    }
    return state;
  }

  private wrote(state: OpenTransaction | undefined): void {
    if (state) state.wrote = true;
    // A statement of its own has committed already.
    else this.options.onCommitted();
  }
}

/**
 * Outbox rows as the five values an outbox insert reads: ids, topics and
 * keys as arrays; envelopes and headers as JSON arrays of their texts
 * (jsonArrayBytes: not escaped into an array literal, and a large batch
 * not made one large string).
 */
function columnArrays(rows: readonly OutboxRow[]): unknown[] {
  return [
    rows.map((r) => r.event_id),
    rows.map((r) => r.topic),
    rows.map((r) => r.key),
    jsonArrayBytes(rows.map((r) => r.envelope)),
    jsonArrayBytes(rows.map((r) => r.headers)),
  ];
}

/** A statement's values: the caller's `$1`..`$valueCount`, then its event's (`withEvent`) or events' (`withEventWhen`). */
function statementValues(
  statement: EventStatement,
  values: readonly unknown[],
  eventValues: readonly unknown[],
): unknown[] {
  if (values.length !== statement.valueCount)
    throw new Error(`${statement.statement.name} takes ${statement.valueCount} values`);
  return [...values, ...eventValues];
}

/**
 * The one INSERT into an outbox: a row per row of `source`, whose columns
 * are the `values` expressions. `write`, `withEvent` and `withEventWhen` build their SQL
 * with it, and nothing else writes outbox rows.
 */
function outboxInsert(db: ServiceDb, source: string, values: string, orderBy = ''): string {
  return `insert into ${db.quotedTable(OUTBOX_TABLE)} (event_id, topic, key, envelope, headers)
    select ${values} from ${source} ${orderBy}`;
}
