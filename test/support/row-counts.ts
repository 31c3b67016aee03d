import type { Knex } from 'knex';

/** Rows of every table, keyed `<schema>.<table>`. */
export type RowCounts = Readonly<Record<string, number>>;

/** Tables that record which migrations ran: written at start only, never by a request. */
const MIGRATION_BOOKKEEPING = new Set(['knex_migrations', 'knex_migrations_lock']);

/**
 * Every base table of every schema in the database but Postgres's own
 * (pg_*, information_schema), read from the catalog: a table added by a
 * migration is counted without anyone listing it. Sorted by schema and name.
 */
export async function listTables(knex: Knex): Promise<Array<{ schema: string; table: string }>> {
  const result = await knex.raw<{ rows: Array<{ schema: string; table: string }> }>(
    `SELECT table_schema AS schema, table_name AS table
       FROM information_schema.tables
      WHERE table_type = 'BASE TABLE'
        AND table_schema <> 'information_schema'
        AND table_schema NOT LIKE 'pg\\_%'
      ORDER BY table_schema, table_name`,
  );
  return result.rows.filter((row) => !MIGRATION_BOOKKEEPING.has(row.table));
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Rows of every table `listTables` finds, in one statement (one snapshot of them all). */
export async function countRows(knex: Knex): Promise<RowCounts> {
  const tables = await listTables(knex);
  if (tables.length === 0) throw new Error('countRows: the database has no tables');
  const sql = tables
    .map(
      ({ schema, table }, i) =>
        `SELECT ${i} AS i, count(*)::int AS n FROM ${quoted(schema)}.${quoted(table)}`,
    )
    .join(' UNION ALL ');
  const result = await knex.raw<{ rows: Array<{ i: number; n: number }> }>(sql);
  const counts: Record<string, number> = {};
  for (const { i, n } of result.rows) {
    const entry = tables[i];
    if (entry) counts[`${entry.schema}.${entry.table}`] = n;
  }
  return counts;
}

/** Outbox rows every service's relay has yet to publish (the `outbox_pending` views). */
async function unpublished(knex: Knex): Promise<number> {
  const views = await knex.raw<{ rows: Array<{ schema: string }> }>(
    `SELECT table_schema AS schema FROM information_schema.views WHERE table_name = 'outbox_pending'`,
  );
  let total = 0;
  for (const { schema } of views.rows) {
    const result = await knex.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(*)::int AS n FROM ${quoted(schema)}.outbox_pending`,
    );
    total += result.rows[0]?.n ?? 0;
  }
  return total;
}

/**
 * `countRows` once the system is at rest: every outbox published and two
 * counts in a row alike. Take "before" counts with this, so events of
 * earlier writes (which the embedded event log stores in tables) cannot land
 * between "before" and "after" and pass for a write of the request under test.
 */
export async function settledRowCounts(knex: Knex, timeoutMs = 15_000): Promise<RowCounts> {
  const deadline = Date.now() + timeoutMs;
  let previous = await countRows(knex);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const pending = await unpublished(knex);
    const current = await countRows(knex);
    if (pending === 0 && JSON.stringify(current) === JSON.stringify(previous)) return current;
    if (Date.now() > deadline)
      throw new Error(
        `settledRowCounts: not at rest after ${timeoutMs} ms (${pending} outbox rows unpublished)`,
      );
    previous = current;
  }
}

/** How a table's count moved: [before, after] (undefined: the table was not there). */
export type RowCountChanges = Record<string, [number | undefined, number | undefined]>;

/** The tables whose counts differ, with both counts: `{ 'scenarios.outbox': [3, 4] }`. */
export function rowCountChanges(before: RowCounts, after: RowCounts): RowCountChanges {
  const changes: RowCountChanges = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[key] !== after[key]) changes[key] = [before[key], after[key]];
  }
  return changes;
}
