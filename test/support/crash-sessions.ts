import type { Client } from 'pg';

// What a service process's Postgres sessions are doing, read from
// pg_stat_activity and pg_locks. The crash harness starts each service with
// an application name of its own (PGAPPNAME, which node-postgres sends for
// every connection, the pool's and the relay's session alike), so these
// queries see that process's sessions and no one else's.

/**
 * Open transactions of `applicationName` (begun, not committed) waiting for
 * a lock on `relation` (a qualified table name), each as `<pid>:<start>`
 * (the transaction's start, so a later transaction of the same session is
 * another): in flight, and unable to commit while the lock is held. A
 * components write inserts all its rows in one statement, which waits for
 * the held table's lock when it starts, before it writes: the transaction
 * is open with its reads done and nothing written yet.
 */
export async function writersWaitingFor(
  db: Client,
  applicationName: string,
  relation: string,
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT a.pid || ':' || extract(epoch from a.xact_start) AS id
       FROM pg_stat_activity a
      WHERE a.datname = current_database()
        AND a.application_name = $1
        AND a.xact_start IS NOT NULL
        AND EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.pid = a.pid AND NOT l.granted AND l.relation = $2::regclass)
      ORDER BY a.pid`,
    [applicationName, relation],
  );
  return rows.rows.map((row) => row.id);
}

/** Sessions of `applicationName` waiting for a lock on `relation` (written or not). */
export async function sessionsWaitingFor(
  db: Client,
  applicationName: string,
  relation: string,
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM pg_stat_activity a
      WHERE a.datname = current_database()
        AND a.application_name = $1
        AND EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.pid = a.pid AND NOT l.granted AND l.relation = $2::regclass)`,
    [applicationName, relation],
  );
  return rows.rows[0]?.n ?? 0;
}

/** Sessions of `applicationName` still connected (a dead process's last ones end when their statement does). */
export async function sessionsOf(db: Client, applicationName: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  return rows.rows[0]?.n ?? 0;
}
