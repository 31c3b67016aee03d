// The outbox cursor migration of every producing service, on an outbox that
// already holds rows published and not yet published by the relay that
// claimed and marked rows.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, migrate, type Knex } from '@crucible/database';
import { createTestDatabase, type TestDatabase } from '../support';

const MIGRATIONS = join(__dirname, '../../migrations');

const SERVICES = [
  { schema: 'components', migration: '0002_outbox_cursor.sql' },
  { schema: 'names', migration: '0002_outbox_cursor.sql' },
  { schema: 'scenarios', migration: '0003_outbox_cursor.sql' },
];

describe.each(SERVICES)('outbox cursor migration of $schema on existing rows', (service) => {
  let database: TestDatabase;
  let knex: Knex;
  let before: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = await connectPostgres(database.url, { attempts: 3, delayMs: 200 });
    before = mkdtempSync(join(tmpdir(), 'crucible-migrations-'));
    const dir = join(MIGRATIONS, service.schema);
    for (const name of readdirSync(dir).filter((n) => n < service.migration))
      copyFileSync(join(dir, name), join(before, name));
  });

  afterAll(async () => {
    try {
      await knex?.destroy();
      rmSync(before, { recursive: true, force: true });
    } finally {
      await database?.drop();
    }
  });

  it('leaves published rows behind the cursor and everything from the first unpublished one ahead', async () => {
    await migrate(knex, { schema: service.schema, dir: before });
    const outbox = `${service.schema}.outbox`;
    const row = (n: number, published: boolean) =>
      `('00000000-0000-4000-8000-00000000000${n}', 't', 'k${n}',
        '{"type": "x.y", "n": ${n}}', '{"traceparent": "p${n}"}', ${published ? 'now()' : 'null'})`;
    // 1 and 2 published, 3 not (its claim expired), 4 published after it.
    await knex.raw(`insert into ${outbox} (event_id, topic, key, envelope, headers, published_at)
      values ${row(1, true)}, ${row(2, true)}, ${row(3, false)}, ${row(4, true)}`);

    expect(
      await migrate(knex, { schema: service.schema, dir: join(MIGRATIONS, service.schema) }),
    ).toContain(service.migration);

    const pending: Array<{ key: string; envelope: string; headers: string }> = await knex(
      `${service.schema}.outbox_pending`,
    )
      .select('key', knex.raw('envelope::text as envelope'), knex.raw('headers::text as headers'))
      .orderBy('id');
    // The JSON survives the change of column type (as jsonb had normalized it).
    expect(
      pending.map((r) => ({
        ...r,
        envelope: JSON.parse(r.envelope),
        headers: JSON.parse(r.headers),
      })),
    ).toEqual([
      { key: 'k3', envelope: { type: 'x.y', n: 3 }, headers: { traceparent: 'p3' } },
      { key: 'k4', envelope: { type: 'x.y', n: 4 }, headers: { traceparent: 'p4' } },
    ]);

    // A row written now sorts after all of them, and event ids need not be unique any more.
    await knex.raw(`insert into ${outbox} (event_id, topic, key, envelope)
      values ('00000000-0000-4000-8000-000000000001', 't', 'k5', '{}')`);
    const order = await knex(`${service.schema}.outbox_pending`)
      .select('key')
      .orderBy([{ column: 'tx' }, { column: 'id' }]);
    expect(order.map((r: { key: string }) => r.key)).toEqual(['k3', 'k4', 'k5']);
    const columns = await knex('information_schema.columns')
      .where({ table_schema: service.schema, table_name: 'outbox' })
      .pluck('column_name');
    expect(columns).not.toEqual(expect.arrayContaining(['published_at']));
    expect(columns).not.toEqual(expect.arrayContaining(['claimed_until']));
  });
});
