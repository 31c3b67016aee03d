import type { Knex, ServiceDb } from '@crucible/database';
import type { Outbox, OutboxRow } from '@crucible/messaging';

/**
 * What the governance stores share: the schema, the outbox (whose
 * transaction wakes the relay after a commit that wrote events) and the
 * transaction's time. Every method takes its transaction last.
 */
export class GovernanceStore {
  constructor(
    protected readonly db: ServiceDb,
    protected readonly outbox: Outbox,
  ) {}

  /** One transaction for a write and its events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }

  /** Writes events, in order, in the write's transaction. */
  async enqueue(events: readonly OutboxRow[], trx: Knex.Transaction): Promise<void> {
    await this.outbox.write(events, trx);
  }

  /**
   * The time of a change, read after its row locks are held (so a later
   * change of a record never gets an earlier time); millisecond precision,
   * so the times callers see (RFC 3339, milliseconds) are the stored ones.
   */
  async now(trx?: Knex.Transaction): Promise<Date> {
    const result = await (trx ?? this.db.knex).raw<{ rows: Array<{ now: Date }> }>(
      `select date_trunc('milliseconds', clock_timestamp()) as now`,
    );
    const now = result.rows[0]?.now;
    if (now === undefined) throw new Error('clock_timestamp() returned no row');
    return now;
  }
}

/** The first row of a query, typed (knex's `first()` is untyped on a schema-qualified table). */
export async function first<T>(query: Knex.QueryBuilder): Promise<T | undefined> {
  const rows = (await query.limit(1)) as T[];
  return rows[0];
}
