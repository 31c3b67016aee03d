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
    pool: { min: 0, max: options.poolMax ?? 10 },
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
