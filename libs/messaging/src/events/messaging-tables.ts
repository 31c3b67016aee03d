import { resolve } from 'node:path';
import { migrate, sqlMigrations, type Knex } from '@crucible/database';
import { adoptingLegacyOutbox } from './legacy-outbox';

/** This lib's migrations (same depth from src/ and dist/). */
const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');

/** The table, in each service's schema, recording which of this lib's migrations it has. */
export const MESSAGING_MIGRATIONS_TABLE = 'messaging_migrations';

export interface MessagingTablesOptions {
  /** The service's schema. */
  schema: string;
  /** Hold the schema's migration lock (see `migrate`); false on the embedded PGlite. */
  advisoryLock?: boolean;
}

/**
 * Brings the tables this lib keeps in a service's schema (`outbox`,
 * `outbox_relay`, the `outbox_pending` view, `processed_events`) up to this
 * version, recorded in the schema's own `messaging_migrations`: they are
 * versioned with the lib, not copied into each service's migrations. Run it
 * before the service's migrations (`prepareService` does). Returns the
 * names applied.
 */
export function migrateMessagingTables(
  knex: Knex,
  options: MessagingTablesOptions,
): Promise<string[]> {
  const migrations = sqlMigrations(MIGRATIONS_DIR).map((migration) =>
    migration.name === '0001_outbox.sql'
      ? adoptingLegacyOutbox(migration, options.schema)
      : migration,
  );
  return migrate(knex, {
    schema: options.schema,
    migrations,
    table: MESSAGING_MIGRATIONS_TABLE,
    advisoryLock: options.advisoryLock,
  });
}
