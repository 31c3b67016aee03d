export { connectPostgres, type ConnectOptions } from './connect';
export { openEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
export { migrate, sqlMigrations, type MigrateOptions, type Migration } from './migrate';
export { jsonArrayBytes } from './json-array';
export { RELAXED_COMMIT } from './relaxed-commit';
export { transientDatabaseFailure, type TransientFailure } from './transient-failure';
export { ServiceDb, type DbSession, type NamedStatement } from './service-db';
export type { Knex } from 'knex';
