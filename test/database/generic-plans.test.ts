// Every connection of a real-infrastructure pool plans the services' named
// statements once (plan_cache_mode = force_generic_plan, set as it opens;
// docs/architecture.md, "Plans made once"): a named statement run again
// with other values keeps its first plan instead of being planned anew.
// On real Postgres.
import { connectPostgres, ServiceDb, type Knex } from '@crucible/database';
import { createTestDatabase, type TestDatabase } from '../support';

jest.setTimeout(30_000);

describe('generic plans (real Postgres)', () => {
  let database: TestDatabase;
  let knex: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = await connectPostgres(database.url, { attempts: 1, poolMax: 2 });
    await knex.raw('create schema bench_plans');
    await knex.raw('create table bench_plans.rows (id int primary key, body text)');
  });
  afterAll(async () => {
    try {
      await knex?.destroy();
    } finally {
      await database?.drop();
    }
  });

  it('sets plan_cache_mode on every connection of the pool', async () => {
    // Two connections at once: both are new ones the pool opened.
    const modes = await Promise.all(
      [0, 1].map(() =>
        knex.transaction(async (trx) => {
          const { rows } = await trx.raw<{ rows: Array<{ plan_cache_mode: string }> }>(
            'show plan_cache_mode',
          );
          await new Promise((resolve) => setTimeout(resolve, 50));
          return rows[0]?.plan_cache_mode;
        }),
      ),
    );
    expect(modes).toEqual(['force_generic_plan', 'force_generic_plan']);
  });

  it('runs a named statement of arrays with one plan, whatever the values', async () => {
    const db = new ServiceDb(knex, 'bench_plans');
    const insert = db.statement(
      'insert_rows',
      `insert into ${db.quotedTable('rows')} (id, body)
       select * from unnest($1::int[], $2::text[]) returning id`,
    );
    // In one transaction: one connection, which prepared the statement and is asked about it.
    const { inserted, plans } = await knex.transaction(async (trx) => {
      const ids: number[] = [];
      for (let batch = 0; batch < 8; batch++) {
        const values = Array.from({ length: batch + 1 }, (_, i) => batch * 100 + i);
        const rows = await db.run<{ id: number }>(
          insert,
          [values, values.map((id) => `row ${id}`)],
          trx,
        );
        ids.push(...rows.map((r) => r.id));
      }
      const { rows } = await trx.raw<{
        rows: Array<{ generic_plans: string; custom_plans: string }>;
      }>(
        `select generic_plans, custom_plans from pg_prepared_statements where name = 'bench_plans.insert_rows'`,
      );
      return { inserted: ids, plans: rows };
    });
    expect(inserted).toHaveLength(36);
    // Left to its default, Postgres made a custom plan for each of the first five runs at least.
    expect(plans.map((p) => [Number(p.generic_plans), Number(p.custom_plans)])).toEqual([[8, 0]]);
  });
});
