import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knex, Migration } from '@crucible/database';

/**
 * The names under which the services applied the outbox's last change as
 * their own migration, before this lib owned the tables (components and
 * names 0002, scenarios 0003). Their schemas' knex_migrations still record
 * them; the service's migrations are told they are retired, not missing.
 */
export const RETIRED_OUTBOX_MIGRATIONS: readonly string[] = [
  '0002_outbox_cursor.sql',
  '0003_outbox_cursor.sql',
];

/** The first outbox's change to the cursor, as the services applied it (same depth from src/ and dist/). */
const CLAIM_TO_CURSOR = resolve(__dirname, '../../migrations/legacy/claim-to-cursor.sql');

/**
 * The lib's first migration (creating the outbox) as applied to a schema
 * that may already hold one made by the service's own migrations:
 * - no outbox yet: `create` runs;
 * - the first outbox (its relay claimed and marked rows: `published_at`):
 *   it is moved to the cursor as the services' own migration did, the
 *   cursor starting before the first row not yet published;
 * - the cursor's outbox: the service's `NNNN_outbox_cursor.sql` made
 *   exactly what `create` makes, rows and cursor included; nothing runs.
 * Either way the schema ends with the tables `create` makes, and no event
 * is lost or published again beyond what at-least-once already allows.
 */
export function adoptingLegacyOutbox(create: Migration, schema: string): Migration {
  return {
    name: create.name,
    async up(trx: Knex.Transaction) {
      const columns = await outboxColumns(trx, schema);
      if (columns.size === 0) return create.up(trx);
      if (columns.has('published_at')) await trx.raw(readFileSync(CLAIM_TO_CURSOR, 'utf8'));
    },
  };
}

async function outboxColumns(trx: Knex.Transaction, schema: string): Promise<Set<string>> {
  const rows: Array<{ column_name: string }> = await trx('information_schema.columns')
    .where({ table_schema: schema, table_name: 'outbox' })
    .select('column_name');
  return new Set(rows.map((row) => row.column_name));
}
