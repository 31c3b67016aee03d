import type { Knex, ServiceDb } from '@crucible/database';

/** A row of results. */
export interface ResultRow {
  key_hash: string;
  key: Record<string, unknown>;
  result: Record<string, unknown>;
  created_at: Date;
}

/** Data access of the results keyed by content; every method takes its transaction last. */
export class ResultStore {
  constructor(private readonly db: ServiceDb) {}

  /** Stores the row unless its key is taken; undefined when it was (the stored one stays). */
  async insert(
    row: Omit<ResultRow, 'created_at'>,
    trx: Knex.Transaction,
  ): Promise<ResultRow | undefined> {
    const [inserted] = await this.db
      .table('results', trx)
      .insert({ ...row, key: JSON.stringify(row.key), result: JSON.stringify(row.result) })
      .onConflict('key_hash')
      .ignore()
      .returning<ResultRow[]>('*');
    return inserted;
  }

  async byHashes(hashes: readonly string[], trx?: Knex.Transaction): Promise<ResultRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .table('results', trx)
      .whereIn('key_hash', [...hashes])
      .select<ResultRow[]>('*');
  }

  /** Which of `hashes` have a stored result (their key hashes only, not the results). */
  async storedHashes(hashes: readonly string[], trx?: Knex.Transaction): Promise<string[]> {
    if (hashes.length === 0) return [];
    const rows = await this.db
      .table('results', trx)
      .whereIn('key_hash', [...hashes])
      .select<Array<{ key_hash: string }>>('key_hash');
    return rows.map((row) => row.key_hash);
  }
}
