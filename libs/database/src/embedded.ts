import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import knex, { type Knex } from 'knex';

/** An embedded Postgres (PGlite) opened on a data folder, with knex on top. */
export interface EmbeddedPostgres {
  readonly knex: Knex;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Opens PGlite on `dataDir` (created if missing) for this process alone.
 *
 * PGlite runs one query at a time on one session and does not guard its folder:
 * two processes on one folder silently lose writes. So a lock file holding our
 * pid guards the folder (a stale one, whose pid is gone, is taken over), and
 * knex gets a pool of exactly one connection that every service shares. The
 * rule that follows, for all code: never await other I/O (another query outside
 * the transaction, a NATS request) while holding a transaction.
 */
export async function openEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'crucible.lock');
  takeLock(lockPath);
  let pglite: PGlite | undefined;
  try {
    pglite = new PGlite(join(dataDir, 'pgdata'));
    await pglite.waitReady;
    const db = knex({
      client: 'pg',
      connection: createPgConfig(pglite) as unknown as Knex.PgConnectionConfig,
      pool: { min: 1, max: 1 },
      acquireConnectionTimeout: 60_000,
    });
    const opened = pglite;
    return {
      knex: db,
      dataDir,
      async close() {
        await db.destroy();
        await opened.close();
        rmSync(lockPath, { force: true });
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    rmSync(lockPath, { force: true });
    throw error;
  }
}

function takeLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `data folder ${lockPath.replace(/crucible\.lock$/, '')} is in use by process ${holder}; ` +
            'one process per folder (set CRUCIBLE_DATA_DIR to use another)',
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
