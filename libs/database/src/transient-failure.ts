/**
 * A database failure that the same request, tried again, can get past:
 * what the RPC server answers as `unavailable` (retryable, HTTP 503)
 * instead of `internal` (docs/messaging.md, "Database failures").
 */
export interface TransientFailure {
  /**
   * `database_conflict`: the statement lost to a concurrent one (a deadlock,
   * a serialization failure, a lock it may not wait for);
   * `database_unavailable`: the database could not take it (its connection
   * failed, it is shutting down or starting, it is out of connections).
   */
  readonly reason: 'database_conflict' | 'database_unavailable';
  /** The SQLSTATE Postgres gave, when it gave one. */
  readonly sqlstate?: string;
}

/** serialization_failure, deadlock_detected, lock_not_available. */
const CONFLICTS = new Set(['40001', '40P01', '55P03']);
/** admin_shutdown, crash_shutdown, cannot_connect_now. */
const SHUTTING_DOWN = new Set(['57P01', '57P02', '57P03']);

/**
 * What `error` says, if it is a transient failure of Postgres (the `pg`
 * driver's or the embedded PGlite's, through knex or not); undefined for
 * anything else, including a constraint violation or a syntax error (a
 * retry would fail the same way). Only errors the database or its driver
 * raised are recognised, so a refused connection to some other server is
 * not taken for the database's.
 */
export function transientDatabaseFailure(error: unknown): TransientFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, severity, name, message } = error as Record<string, unknown>;
  if (typeof code === 'string' && typeof severity === 'string') {
    if (CONFLICTS.has(code)) return { reason: 'database_conflict', sqlstate: code };
    // Class 08: connection exception; class 53: insufficient resources.
    if (code.startsWith('08') || code.startsWith('53') || SHUTTING_DOWN.has(code))
      return { reason: 'database_unavailable', sqlstate: code };
    return undefined;
  }
  // knex found no free connection in time; pg lost its connection mid-query.
  if (name === 'KnexTimeoutError') return { reason: 'database_unavailable' };
  if (typeof message === 'string' && /^Connection terminated\b/.test(message))
    return { reason: 'database_unavailable' };
  return undefined;
}
