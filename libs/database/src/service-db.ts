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

  /** A query builder on `<schema>.<table>`, inside `trx` when given. */
  table(name: string, trx?: Knex.Transaction): Knex.QueryBuilder {
    return (trx ?? this.knex).withSchema(this.schema).table(name);
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
