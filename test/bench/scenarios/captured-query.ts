import type { Knex } from '@crucible/database';

/** A statement as the service sent it: native SQL ($1, $2, ...) and its parameters. */
export interface CapturedQuery {
  sql: string;
  bindings: readonly unknown[];
}

/**
 * The statements issued on `knex` while `work` runs (knex's `query` event).
 * The baselines run exactly what the service ran, so they follow the store's
 * SQL when it changes, instead of a copy going stale. Everything on that
 * knex is seen (outbox relays and consumers share it): filter the result.
 */
export async function captureQueries<T>(
  knex: Knex,
  work: () => Promise<T>,
): Promise<{ result: T; queries: CapturedQuery[] }> {
  const queries: CapturedQuery[] = [];
  const listener = (query: { sql?: unknown; bindings?: unknown }): void => {
    if (typeof query.sql !== 'string') return;
    queries.push({
      sql: query.sql,
      bindings: Array.isArray(query.bindings) ? [...(query.bindings as unknown[])] : [],
    });
  };
  knex.on('query', listener);
  try {
    return { result: await work(), queries };
  } finally {
    knex.removeListener('query', listener);
  }
}
