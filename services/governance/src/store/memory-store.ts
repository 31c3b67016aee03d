import type { Knex } from '@crucible/database';
import { GovernanceStore } from './governance-store';

const MEMORIES = 'memories';

/** A row of governance.memories (without its embedding, which reads never return). */
export interface MemoryRow {
  id: string;
  scope: string;
  created_at: Date;
  data: Record<string, unknown>;
  tags: string[];
  author: string;
  source: string | null;
  parent_id: string | null;
  schema_name: string | null;
  schema_version: number | null;
}

export interface MemoryQuery {
  scope: string;
  schema?: string;
  tags?: readonly string[];
  author?: string;
  since?: Date;
  until?: Date;
  /** Fields of the stored data equal to these values (JSONB containment). */
  where?: Record<string, unknown>;
  limit: number;
  offset: number;
}

const COLUMNS = [
  'id',
  'scope',
  'created_at',
  'data',
  'tags',
  'author',
  'source',
  'parent_id',
  'schema_name',
  'schema_version',
] as const;

/** Memories: versioned data with embeddings. */
export class MemoryStore extends GovernanceStore {
  async insert(
    row: MemoryRow & { embedding_model: string; embedding: number[] },
    trx?: Knex.Transaction,
  ): Promise<void> {
    await this.db.table(MEMORIES, trx).insert({ ...row, data: JSON.stringify(row.data) });
  }

  /** The declarative query: newest first (created_at, then id). */
  async recall(query: MemoryQuery, trx?: Knex.Transaction): Promise<MemoryRow[]> {
    const q = this.db.table(MEMORIES, trx).where('scope', query.scope);
    if (query.schema !== undefined) q.where('schema_name', query.schema);
    if (query.tags !== undefined && query.tags.length > 0) {
      q.whereRaw('tags @> ?::text[]', [[...query.tags]]);
    }
    if (query.author !== undefined) q.where('author', query.author);
    if (query.since !== undefined) q.where('created_at', '>=', query.since);
    if (query.until !== undefined) q.where('created_at', '<', query.until);
    if (query.where !== undefined) q.whereRaw('data @> ?::jsonb', [JSON.stringify(query.where)]);
    return q
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(query.offset)
      .limit(query.limit)
      .select<MemoryRow[]>(...COLUMNS);
  }

  /**
   * The k memories of a scope nearest to `vector` (embedded by `model`):
   * exact cosine similarity in SQL (the vectors are unit length, so their
   * dot product), best first, ties by id, so the ranking is deterministic.
   */
  async nearest(
    scope: string,
    model: string,
    vector: readonly number[],
    k: number,
    trx?: Knex.Transaction,
  ): Promise<Array<MemoryRow & { score: number }>> {
    const result = await (trx ?? this.db.knex).raw<{ rows: Array<MemoryRow & { score: number }> }>(
      `select ${COLUMNS.map((c) => `m.${c}`).join(', ')},
              (select coalesce(sum(a * b), 0) from unnest(m.embedding, ?::float8[]) as t(a, b)) as score
         from ?? as m
        where m.scope = ? and m.embedding_model = ?
        order by score desc, m.id
        limit ?`,
      [[...vector], this.db.qualified(MEMORIES), scope, model, k],
    );
    return result.rows.map((row) => ({ ...row, score: Number(row.score) }));
  }
}
