// Migration 0003 on a store holding self-edges (forks that changed nothing,
// recorded before the service stopped writing them): the self-edges go, the
// other edges and every derivation stay.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, migrate, sqlMigrations, type Knex } from '@crucible/database';
import { createTestDatabase, type TestDatabase } from '../support';

const MIGRATIONS = join(__dirname, '../../migrations/scenarios');
const h = (c: string): string => c.repeat(64);

describe('scenarios migration 0003 (no self-edges) on existing data', () => {
  let database: TestDatabase;
  let knex: Knex;
  let before: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = await connectPostgres(database.url, { attempts: 3, delayMs: 200 });
    before = mkdtempSync(join(tmpdir(), 'crucible-migrations-'));
    for (const file of ['0001_scenarios.sql', '0002_component_uses.sql'])
      copyFileSync(join(MIGRATIONS, file), join(before, file));
  });

  afterAll(async () => {
    try {
      await knex?.destroy();
      rmSync(before, { recursive: true, force: true });
    } finally {
      await database?.drop();
    }
  });

  it('deletes the edges from a scenario to itself, and only those', async () => {
    await migrate(knex, { schema: 'scenarios', migrations: sqlMigrations(before) });
    // a: a root; b forked from a; a "forked" from a with no changes (the
    // self-edge); b forked from b with a as additional parent.
    await knex.raw(`
      insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds)
        values ('${h('a')}', 'root', 'Root.', 60), ('${h('b')}', 'child', 'Child.', 60);
      insert into scenarios.scenario_derivations (id, child_hash, parent_key) values
        (1, '${h('a')}', ''), (2, '${h('b')}', '${h('a')}:primary'),
        (3, '${h('a')}', '${h('a')}:primary'), (4, '${h('b')}', '${h('b')}:primary|${h('a')}:');
      insert into scenarios.scenario_derivation_parents (derivation_id, parent_hash, parent_index, role) values
        (2, '${h('a')}', 0, 'primary'), (3, '${h('a')}', 0, 'primary'),
        (4, '${h('b')}', 0, 'primary'), (4, '${h('a')}', 1, null);
    `);
    const hasParents = async (hash: string) =>
      (
        await knex.raw(
          `select exists (select 1 from scenarios.scenario_derivations d
             join scenarios.scenario_derivation_parents p on p.derivation_id = d.id
            where d.child_hash = ?) as has`,
          [hash],
        )
      ).rows[0].has;
    expect(await hasParents(h('a'))).toBe(true);

    expect(
      await migrate(knex, { schema: 'scenarios', migrations: sqlMigrations(MIGRATIONS) }),
    ).toContain('0003_no_self_edges.sql');

    const edges = await knex('scenarios.scenario_derivation_parents')
      .select('derivation_id', 'parent_hash', 'parent_index')
      .orderBy(['derivation_id', 'parent_index']);
    expect(edges).toEqual([
      { derivation_id: '2', parent_hash: h('a'), parent_index: 0 },
      { derivation_id: '4', parent_hash: h('a'), parent_index: 1 },
    ]);
    expect(await knex('scenarios.scenario_derivations').count({ n: '*' })).toEqual([{ n: '4' }]);
    // The root is a root again; b keeps its real parent.
    expect(await hasParents(h('a'))).toBe(false);
    expect(await hasParents(h('b'))).toBe(true);
  });
});
