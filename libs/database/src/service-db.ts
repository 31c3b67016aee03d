import type { Knex } from 'knex';

/**
 * A knex instance bound to one service's schema. Every table name is
 * schema-qualified, never left to search_path: in the embedded default all
 * services share one PGlite session, so session state cannot carry the schema.
 */
export class ServiceDb {
  constructor(
    readonly knex: Knex,
    readonly schema: string,
  ) {}

  /** A query builder on `<schema>.<table>` (rows typed `TRecord`), inside `trx` when given. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- knex's own default for untyped tables
  table<TRecord extends object = any>(
    name: string,
    trx?: Knex.Transaction,
  ): Knex.QueryBuilder<TRecord> {
    return (trx ?? this.knex).withSchema(this.schema).table<TRecord>(name);
  }

  /** `<schema>.<table>` for a `??` binding in raw SQL (knex quotes each part). */
  qualified(name: string): string {
    return `${this.schema}.${name}`;
  }

  /** Runs `fn` in one transaction; do not await other I/O inside it (see embedded.ts). */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.knex.transaction(fn);
  }
}
