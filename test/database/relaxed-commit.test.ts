// RELAXED_COMMIT turns synchronous_commit off for the transaction of the
// statement that joins it, and for nothing else: the session keeps its own
// setting, a statement that joins it still writes what it writes, and an
// idle claim (no row) changes nothing (docs/architecture.md, "Commits that
// need not wait for the disk"). On real Postgres.
import { connectPostgres, RELAXED_COMMIT, type Knex } from '@crucible/database';
import { createTestDatabase, type TestDatabase } from '../support';

jest.setTimeout(30_000);

describe('RELAXED_COMMIT (real Postgres)', () => {
  let database: TestDatabase;
  let knex: Knex;
  let serverSetting: string;

  const setting = async (trx: Knex | Knex.Transaction): Promise<string> =>
    (await trx.raw<{ rows: Array<{ synchronous_commit: string }> }>('show synchronous_commit'))
      .rows[0]!.synchronous_commit;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection, so every check reads the session the statements ran on.
    knex = await connectPostgres(database.url, { attempts: 1, poolMax: 1 });
    serverSetting = await setting(knex);
    await knex.raw('create table lease (id int primary key, holder text)');
    await knex.raw("insert into lease values (1, null), (2, 'b')");
  });
  afterAll(async () => {
    try {
      await knex?.destroy();
    } finally {
      await database?.drop();
    }
  });

  it("turns synchronous_commit off for the joining statement's transaction only", async () => {
    await knex.transaction(async (trx) => {
      await trx.raw("set local synchronous_commit = 'on'");
      expect(await setting(trx)).toBe('on');
      const updated = await trx.raw<{ rows: unknown[] }>(
        `update lease set holder = 'a' from ${RELAXED_COMMIT} where id = 1 returning id`,
      );
      expect(updated.rows).toEqual([{ id: 1 }]);
      // What the commit will read: off, for this transaction.
      expect(await setting(trx)).toBe('off');
    });
    // Every session of the pool (one here) is back to the server's setting.
    expect(await setting(knex)).toBe(serverSetting);
    expect((await knex('lease').where({ id: 1 }).first()) as unknown).toEqual({
      id: 1,
      holder: 'a',
    });
  });

  it('leaves the session its setting after a statement run on its own', async () => {
    await knex.raw(`update lease set holder = 'c' from ${RELAXED_COMMIT} where id = 2`);
    expect(await setting(knex)).toBe(serverSetting);
    expect((await knex('lease').where({ id: 2 }).first()) as unknown).toEqual({
      id: 2,
      holder: 'c',
    });
  });

  it('writes nothing when no row matches', async () => {
    const updated = await knex.raw<{ rows: unknown[] }>(
      `update lease set holder = 'z' from ${RELAXED_COMMIT} where id = 99 returning id`,
    );
    expect(updated.rows).toEqual([]);
    expect(await knex('lease').orderBy('id')).toEqual([
      { id: 1, holder: 'a' },
      { id: 2, holder: 'c' },
    ]);
  });
});
