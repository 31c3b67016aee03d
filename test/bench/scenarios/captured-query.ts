import pg from 'pg';

/** A statement as the service sent it: native SQL ($1, $2, ...) and its parameters. */
export interface CapturedQuery {
  sql: string;
  bindings: readonly unknown[];
  /** The prepared statement's name, when the service sent it as one (ServiceDb.run). */
  name?: string;
  /** The connection it was sent on (a transaction's statements share one). */
  connection: object;
}

type QueryArgs = [config: unknown, values?: unknown, ...rest: unknown[]];

/**
 * The statements this process sends to Postgres while `work` runs, on every
 * pg client: knex's queries and ServiceDb.run's named statements alike
 * (pg.Client#query, patched for the while). The baselines run exactly what
 * the service ran, so they follow the store's SQL when it changes, instead
 * of a copy going stale. Everything in the process is seen (outbox relays
 * and consumers too): filter the result.
 */
export async function captureQueries<T>(
  work: () => Promise<T>,
): Promise<{ result: T; queries: CapturedQuery[] }> {
  const queries: CapturedQuery[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: QueryArgs) => unknown };
  const original = proto.query;
  proto.query = function captured(this: object, ...args: QueryArgs): unknown {
    const [config, values] = args;
    if (typeof config === 'string') {
      queries.push({
        sql: config,
        bindings: Array.isArray(values) ? [...values] : [],
        connection: this,
      });
    } else if (config !== null && typeof config === 'object' && 'text' in config) {
      const {
        text,
        name,
        values: configValues,
      } = config as {
        text: unknown;
        name?: unknown;
        values?: unknown;
      };
      if (typeof text === 'string')
        queries.push({
          sql: text,
          bindings: Array.isArray(configValues) ? [...(configValues as unknown[])] : [],
          ...(typeof name === 'string' ? { name } : {}),
          connection: this,
        });
    }
    return original.apply(this, args);
  };
  try {
    return { result: await work(), queries };
  } finally {
    proto.query = original;
  }
}
