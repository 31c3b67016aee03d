import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';

/** One step of a schema's history, applied once. */
export interface Migration {
  /** Its name in the migrations table (for SQL files, the file name). */
  readonly name: string;
  /** Applies it inside the batch's transaction, with the schema first on search_path. */
  up(trx: Knex.Transaction): Promise<void>;
}

export interface MigrateOptions {
  /** The Postgres schema; created if missing; migrations run with it first on search_path. */
  schema: string;
  /** The steps, applied in this order, each once (see `sqlMigrations`). */
  migrations: readonly Migration[];
  /**
   * The table in `schema` that records what was applied (default
   * `knex_migrations`, the service's own). A lib that keeps tables in every
   * service's schema records its steps in a table of its own.
   */
  table?: string;
  /**
   * Names recorded as applied whose steps are no longer in `migrations`
   * because they moved elsewhere (the outbox's, to @crucible/messaging).
   * Any other recorded name missing from `migrations` stops the start: a
   * migration is never deleted, only followed by a new one.
   */
  retired?: readonly string[];
  /**
   * Hold a Postgres advisory lock while migrating so replicas starting together
   * wait for each other instead of racing (default true). Embedded PGlite has
   * one process and one connection, so it turns this off.
   */
  advisoryLock?: boolean;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]*$/;

/** Applies the pending migrations of one schema, in one transaction; returns the names applied. */
export async function migrate(db: Knex, options: MigrateOptions): Promise<string[]> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const config: Knex.MigratorConfig = {
    schemaName: options.schema,
    tableName: options.table ?? 'knex_migrations',
    migrationSource: new MigrationList(options.migrations, options.schema),
    // Checked below instead, so that retired names pass.
    disableMigrationsListValidation: true,
  };
  const run = async (): Promise<string[]> => {
    // Created only when missing: a service's own role owns its schema but
    // may not create schemas, and Postgres checks that right even for
    // `create schema if not exists` on one that exists (docs/security.md, "Postgres").
    const found = await db.raw<{ rows: unknown[] }>(
      'select 1 from pg_namespace where nspname = ?',
      [options.schema],
    );
    if (found.rows.length === 0) await db.raw('create schema if not exists ??', [options.schema]);
    const [completed] = (await db.migrate.list(config)) as [Array<{ name: string }>, unknown];
    const known = new Set([...options.migrations.map((m) => m.name), ...(options.retired ?? [])]);
    const unknown = completed.map((m) => m.name).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `schema ${options.schema} has migrations applied that this version does not know: ` +
          `${unknown.join(', ')} (in ${config.tableName}); a migration is never deleted`,
      );
    }
    const [, applied] = (await db.migrate.latest(config)) as [number, string[]];
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

/** The `NNNN_name.sql` files of a folder, in name order, each run as it is. */
export function sqlMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return {
        name,
        async up(trx: Knex.Transaction) {
          await trx.raw(sql);
        },
      };
    });
}

/** Migrations as knex sees them: each sets the schema's search_path for its transaction first. */
class MigrationList implements Knex.MigrationSource<Migration> {
  constructor(
    private readonly migrations: readonly Migration[],
    private readonly schema: string,
  ) {}

  getMigrations(): Promise<Migration[]> {
    return Promise.resolve([...this.migrations]);
  }

  getMigrationName(migration: Migration): string {
    return migration.name;
  }

  getMigration(migration: Migration): Promise<Knex.Migration> {
    const schema = this.schema;
    return Promise.resolve({
      async up(trx: Knex) {
        // SET LOCAL: the search_path lasts only for this migration's transaction.
        await trx.raw(`set local search_path to "${schema}", public`);
        await migration.up(trx as Knex.Transaction);
      },
      down() {
        return Promise.reject(
          new Error(`migration ${migration.name} has no down step: write a new migration instead`),
        );
      },
    });
  }
}
