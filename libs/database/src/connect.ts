import knex, { type Knex } from 'knex';

export interface ConnectOptions {
  /** How many times to try before giving up (30: a cold Postgres in a container takes seconds to accept connections). */
  attempts?: number;
  /** Pause between attempts, in milliseconds (1 s). */
  delayMs?: number;
  /** Largest pool size; each replica holds at most this many connections. */
  poolMax?: number;
  /** Called before each retry with the attempt number and the error. */
  onRetry?: (attempt: number, error: unknown) => void;
}

/**
 * Connects a knex pool to Postgres at `url`, retrying until the server
 * answers `select 1` or the attempts run out (then the last error is thrown).
 */
export async function connectPostgres(url: string, options: ConnectOptions = {}): Promise<Knex> {
  const attempts = options.attempts ?? 30;
  const delayMs = options.delayMs ?? 1000;
  const db = knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: options.poolMax ?? 10, afterCreate: genericPlans },
    // Fail fast on a dead pool instead of queueing forever.
    acquireConnectionTimeout: 10_000,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw('select 1');
      return db;
    } catch (error) {
      if (attempt >= attempts) {
        await db.destroy();
        throw error;
      }
      options.onRetry?.(attempt, error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

interface SessionConnection {
  query(sql: string, callback: (error: (Error & { code?: string }) | null) => void): void;
}

/**
 * Each new connection plans the services' named statements (ServiceDb) once
 * and keeps that plan: `plan_cache_mode = force_generic_plan`. Left to
 * Postgres, a statement whose values are arrays (unnest of the rows to
 * write) is planned again at every execution, because the plan made without
 * the values is estimated dearer than one made with them: the worlds
 * commit spent about 2 ms a turn planning, more than executing it (server
 * log of a 1-agent LLM turn: bind 2.03 ms against 0.78 ms with this, execute
 * 1.72 against 1.54). The statements are key lookups and inserts of given
 * rows, whose plan does not depend on the values. Statements knex builds
 * (unnamed) are planned per execution either way. A server that does not
 * know the setting (before Postgres 12) keeps its default.
 */
function genericPlans(
  connection: SessionConnection,
  done: (error: Error | null, connection: SessionConnection) => void,
): void {
  connection.query('set plan_cache_mode = force_generic_plan', (error) => {
    // 42704 undefined_object: an unrecognized configuration parameter.
    done(error !== null && error.code !== '42704' ? error : null, connection);
  });
}
