import type { Knex, ServiceDb } from '@crucible/database';
import type { Outbox, OutboxRow } from '@crucible/messaging';
import type { RecordSpec } from '../domain/record-kinds';

/** A row of any record table, as pg returns it (BIGINT ids as text, JSONB parsed). */
export type RecordRow = Record<string, unknown> & {
  id: string | number;
  project_id?: string | number;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** A row of world_model_versions. */
export interface WorldModelVersionRow {
  world_model_id: string | number;
  version: number;
  model: Record<string, unknown>;
  created_at: Date;
  /** The principal whose request saved it (null: none, or saved before actors were kept). */
  actor: string | null;
}

const VERSIONS = 'world_model_versions';

/**
 * Data access of the evaluation schema, for every record kind alike (the
 * kind's spec names its table); every method takes its transaction last.
 */
export class RecordStore {
  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {}

  /** One transaction for a write and its events; the relay is woken after it commits. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }

  async insert(
    spec: RecordSpec,
    row: Record<string, unknown>,
    trx: Knex.Transaction,
  ): Promise<RecordRow> {
    const [inserted] = await this.db
      .table(spec.table, trx)
      .insert(jsonColumns(spec, row))
      .returning<RecordRow[]>('*');
    if (inserted === undefined) throw new Error(`insert into ${spec.table} returned no row`);
    return inserted;
  }

  async get(spec: RecordSpec, id: number, trx?: Knex.Transaction): Promise<RecordRow | undefined> {
    return this.db.table(spec.table, trx).where('id', id).first<RecordRow | undefined>('*');
  }

  /** The row, locked for the transaction. */
  async getForUpdate(
    spec: RecordSpec,
    id: number,
    trx: Knex.Transaction,
  ): Promise<RecordRow | undefined> {
    return this.db
      .table(spec.table, trx)
      .where('id', id)
      .forUpdate()
      .first<RecordRow | undefined>('*');
  }

  /** The rows of these ids that exist (any order). */
  async getMany(
    spec: RecordSpec,
    ids: readonly number[],
    trx?: Knex.Transaction,
  ): Promise<RecordRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .table(spec.table, trx)
      .whereIn('id', [...ids])
      .select<RecordRow[]>('*');
  }

  /**
   * Applies `changes` and adds one to the version, only at `expectedVersion`
   * when given; undefined when no row matched (absent, or at another version).
   * The update takes the row's lock, so concurrent updates of one record
   * are serialized and each gets its own version.
   */
  async update(
    spec: RecordSpec,
    id: number,
    changes: Record<string, unknown>,
    expectedVersion: number | undefined,
    trx: Knex.Transaction,
  ): Promise<RecordRow | undefined> {
    const query = this.db
      .table(spec.table, trx)
      .where('id', id)
      .update({
        ...jsonColumns(spec, changes),
        version: this.db.knex.raw('version + 1'),
        updated_at: this.db.knex.raw(`date_trunc('milliseconds', now())`),
      });
    if (expectedVersion !== undefined) query.andWhere('version', expectedVersion);
    const [updated] = await query.returning<RecordRow[]>('*');
    return updated;
  }

  /** Rows in id order after `afterId`, filtered by equality. */
  async list(
    spec: RecordSpec,
    filter: Record<string, unknown>,
    page: { afterId?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<RecordRow[]> {
    const query = this.db.table(spec.table, trx).where(filter);
    if (page.afterId !== undefined) query.andWhere('id', '>', page.afterId);
    return query.orderBy('id').limit(page.limit).select<RecordRow[]>('*');
  }

  async insertWorldModelVersion(row: WorldModelVersionRow, trx: Knex.Transaction): Promise<void> {
    await this.db.table(VERSIONS, trx).insert({ ...row, model: JSON.stringify(row.model) });
  }

  async worldModelVersion(
    id: number,
    version: number,
    trx?: Knex.Transaction,
  ): Promise<WorldModelVersionRow | undefined> {
    return this.db
      .table(VERSIONS, trx)
      .where({ world_model_id: id, version })
      .first<WorldModelVersionRow | undefined>('*');
  }

  /** Versions of a world model, newest first, below `beforeVersion` when given. */
  async worldModelVersions(
    id: number,
    page: { beforeVersion?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<WorldModelVersionRow[]> {
    const query = this.db.table(VERSIONS, trx).where('world_model_id', id);
    if (page.beforeVersion !== undefined) query.andWhere('version', '<', page.beforeVersion);
    return query.orderBy('version', 'desc').limit(page.limit).select<WorldModelVersionRow[]>('*');
  }

  async enqueue(events: readonly OutboxRow[], trx: Knex.Transaction): Promise<void> {
    await this.outbox.write(events, trx);
  }
}

/** JSONB values go to pg as JSON text (an array would otherwise be sent as a Postgres array). */
function jsonColumns(spec: RecordSpec, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const field of spec.jsonFields) {
    if (field in out) out[field] = JSON.stringify(out[field]);
  }
  return out;
}
