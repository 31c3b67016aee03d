import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';

export interface MigrateOptions {
  /** The service's own Postgres schema; created if missing; migrations run with it first on search_path. */
  schema: string;
  /** Folder of `NNNN_name.sql` files, applied in name order, each once, each in a transaction. */
  dir: string;
  /**
   * Hold a Postgres advisory lock while migrating so replicas starting together
   * wait for each other instead of racing (default true). Embedded PGlite has
   * one process and one connection, so it turns this off.
   */
  advisoryLock?: boolean;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]*$/;

/** Applies pending SQL migrations of one service; returns the names applied. */
export async function migrate(db: Knex, options: MigrateOptions): Promise<string[]> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const run = async (): Promise<string[]> => {
    await db.raw('create schema if not exists ??', [options.schema]);
    const [, applied] = (await db.migrate.latest({
      schemaName: options.schema,
      tableName: 'knex_migrations',
      migrationSource: new SqlMigrationSource(options.dir, options.schema),
    })) as [number, string[]];
    return applied;
  };
  if (options.advisoryLock === false) return run();

  // Session-level lock on one dedicated connection; the migrations themselves
  // run on other pool connections while it is held.
  const client = db.client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void>;
  };
  const connection = await client.acquireConnection();
  const key = `crucible.migrate.${options.schema}`;
  try {
    await db.raw('select pg_advisory_lock(hashtext(?))', [key]).connection(connection);
    try {
      return await run();
    } finally {
      await db.raw('select pg_advisory_unlock(hashtext(?))', [key]).connection(connection);
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

interface SqlMigration {
  name: string;
  sql: string;
}

/** Reads plain SQL files as knex migrations. */
class SqlMigrationSource implements Knex.MigrationSource<SqlMigration> {
  constructor(
    private readonly dir: string,
    private readonly schema: string,
  ) {}

  getMigrations(): Promise<SqlMigration[]> {
    const files = readdirSync(this.dir)
      .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
      .sort();
    return Promise.resolve(
      files.map((name) => ({ name, sql: readFileSync(join(this.dir, name), 'utf8') })),
    );
  }

  getMigrationName(migration: SqlMigration): string {
    return migration.name;
  }

  getMigration(migration: SqlMigration): Promise<Knex.Migration> {
    const schema = this.schema;
    return Promise.resolve({
      async up(trx: Knex) {
        // SET LOCAL: the search_path lasts only for this migration's transaction.
        await trx.raw(`set local search_path to "${schema}", public`);
        await trx.raw(migration.sql);
      },
      down() {
        return Promise.reject(
          new Error(`migration ${migration.name} has no down step: write a new migration instead`),
        );
      },
    });
  }
}
