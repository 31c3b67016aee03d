// Migration 0002 on a store that already holds scenarios: the backfill
// records every use of every kind once, with the scenario's created_at.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, migrate, sqlMigrations, type Knex } from '@crucible/database';
import { createTestDatabase, type TestDatabase } from '../support';

const MIGRATIONS = join(__dirname, '../../migrations/scenarios');
const h = (c: string): string => c.repeat(64);

describe('scenarios migration 0002 (component uses) on existing data', () => {
  let database: TestDatabase;
  let knex: Knex;
  let onlyFirst: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = await connectPostgres(database.url, { attempts: 3, delayMs: 200 });
    onlyFirst = mkdtempSync(join(tmpdir(), 'crucible-migrations-'));
    copyFileSync(join(MIGRATIONS, '0001_scenarios.sql'), join(onlyFirst, '0001_scenarios.sql'));
  });

  afterAll(async () => {
    try {
      await knex?.destroy();
      rmSync(onlyFirst, { recursive: true, force: true });
    } finally {
      await database?.drop();
    }
  });

  it('backfills one row per (kind, component, scenario)', async () => {
    await migrate(knex, { schema: 'scenarios', migrations: sqlMigrations(onlyFirst) });
    await knex.raw(`
      insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds, created_at)
        values ('${h('a')}', 'old', 'Old one.', 60, '2026-01-01T00:00:00Z'),
               ('${h('b')}', 'old', 'Old two.', 60, '2026-01-02T00:00:00Z');
      insert into scenarios.profile_parts values ('${h('1')}', '${h('2')}', '${h('3')}', '${h('4')}', '${h('5')}', 1);
      -- One profile under two labels, one environment under two labels.
      insert into scenarios.scenario_cognition_profiles values
        ('${h('a')}', 'keeper', '${h('1')}'), ('${h('a')}', 'spare', '${h('1')}');
      insert into scenarios.scenario_environments values
        ('${h('a')}', 'dome', '${h('6')}'), ('${h('a')}', 'attic', '${h('6')}'),
        ('${h('b')}', 'dome', '${h('6')}');
      insert into scenarios.scenario_entities values
        ('${h('a')}', 0, '${h('7')}'), ('${h('a')}', 1, '${h('8')}'), ('${h('b')}', 0, '${h('7')}');
    `);

    expect(
      await migrate(knex, { schema: 'scenarios', migrations: sqlMigrations(MIGRATIONS) }),
    ).toContain('0002_component_uses.sql');

    const rows = await knex('scenarios.scenario_component_uses')
      .select('kind', 'component_hash', 'scenario_hash')
      .select(knex.raw(`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day`))
      .orderBy(['scenario_hash', 'kind', 'component_hash']);
    expect(rows).toEqual([
      {
        kind: 'adjudicate_system',
        component_hash: h('4'),
        scenario_hash: h('a'),
        day: '2026-01-01',
      },
      {
        kind: 'adjudication_schema',
        component_hash: h('5'),
        scenario_hash: h('a'),
        day: '2026-01-01',
      },
      {
        kind: 'cognition_profile',
        component_hash: h('1'),
        scenario_hash: h('a'),
        day: '2026-01-01',
      },
      { kind: 'entity', component_hash: h('7'), scenario_hash: h('a'), day: '2026-01-01' },
      { kind: 'entity', component_hash: h('8'), scenario_hash: h('a'), day: '2026-01-01' },
      { kind: 'environment', component_hash: h('6'), scenario_hash: h('a'), day: '2026-01-01' },
      { kind: 'intend_system', component_hash: h('3'), scenario_hash: h('a'), day: '2026-01-01' },
      { kind: 'perceive_system', component_hash: h('2'), scenario_hash: h('a'), day: '2026-01-01' },
      { kind: 'entity', component_hash: h('7'), scenario_hash: h('b'), day: '2026-01-02' },
      { kind: 'environment', component_hash: h('6'), scenario_hash: h('b'), day: '2026-01-02' },
    ]);
    // Recording again changes nothing.
    await knex.raw(`select scenarios.record_component_uses(array['${h('a')}', '${h('b')}'])`);
    expect(await knex('scenarios.scenario_component_uses').count({ n: '*' })).toEqual([
      { n: '10' },
    ]);
  });
});
