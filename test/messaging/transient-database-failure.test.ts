// Failures Postgres raises that a retry can get past (a deadlock, a
// serialization failure, a lock not granted in time, no free connection)
// are answered `unavailable` and retryable (HTTP 503), not `internal`;
// failures a retry would meet again (a constraint, a syntax error) stay
// `internal`. Each failure is provoked on real Postgres, so the check is
// against the errors the driver really throws (docs/messaging.md,
// "Database failures").
import knexFactory from 'knex';
import { defaultCatalog } from '@crucible/contracts';
import { connectPostgres, transientDatabaseFailure, type Knex } from '@crucible/database';
import { NatsBus, RpcClient, RpcServer } from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';
import { rejectionOf } from '../contracts/waits';
import { createTestDatabase, testInfra, uniqueName, type TestDatabase } from '../support';

jest.setTimeout(30_000);

/** The error `work` rejects with (it must reject). */
async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return rejectionOf(work);
}

describe('transient database failures (real Postgres)', () => {
  let database: TestDatabase;
  let knex: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = await connectPostgres(database.url, { attempts: 1 });
    await knex.raw('create table t (id int primary key, v int not null)');
    await knex.raw('insert into t values (1, 0), (2, 0)');
  });
  afterAll(async () => {
    try {
      await knex?.destroy();
    } finally {
      await database?.drop();
    }
  });

  /** Two transactions that each lock a row and then want the other's: one is chosen to fail. */
  async function deadlock(): Promise<unknown> {
    let bothLocked!: () => void;
    const locked = new Promise<void>((resolve) => (bothLocked = resolve));
    let count = 0;
    const side = (first: number, second: number) =>
      knex.transaction(async (trx) => {
        await trx.raw('update t set v = v + 1 where id = ?', [first]);
        if (++count === 2) bothLocked();
        await locked;
        await trx.raw('update t set v = v + 1 where id = ?', [second]);
      });
    const outcomes = await Promise.allSettled([side(1, 2), side(2, 1)]);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    return (failed[0] as PromiseRejectedResult).reason;
  }

  it('knows a deadlock, a serialization failure and a lock timeout as conflicts', async () => {
    expect(transientDatabaseFailure(await deadlock())).toEqual({
      reason: 'database_conflict',
      sqlstate: '40P01',
    });

    // Two serializable transactions, each reading what the other writes.
    const serializable = async (read: number, write: number, ready: Promise<void>) =>
      knex.transaction(
        async (trx) => {
          await trx.raw('select v from t where id = ?', [read]);
          await ready;
          await trx.raw('update t set v = v + 1 where id = ?', [write]);
        },
        { isolationLevel: 'serializable' },
      );
    let go!: () => void;
    const ready = new Promise<void>((resolve) => (go = resolve));
    const both = Promise.allSettled([serializable(1, 2, ready), serializable(2, 1, ready)]);
    setTimeout(go, 100);
    const rejected = (await both).filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(transientDatabaseFailure((rejected[0] as PromiseRejectedResult).reason)).toEqual({
      reason: 'database_conflict',
      sqlstate: '40001',
    });

    // A row held by one transaction; another may wait 50 ms for it.
    await knex.transaction(async (holder) => {
      await holder.raw('select * from t where id = 1 for update');
      const waited = await failureOf(
        knex.transaction(async (trx) => {
          await trx.raw(`set local lock_timeout = '50ms'`);
          await trx.raw('update t set v = v + 1 where id = 1');
        }),
      );
      expect(transientDatabaseFailure(waited)).toEqual({
        reason: 'database_conflict',
        sqlstate: '55P03',
      });
    });
  });

  it('knows a pool with no free connection in time as unavailable', async () => {
    const small = knexFactory({
      client: 'pg',
      connection: database.url,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 100,
    });
    try {
      await small.transaction(async () => {
        const starved = await failureOf(small.raw('select 1'));
        expect(transientDatabaseFailure(starved)).toEqual({ reason: 'database_unavailable' });
      });
    } finally {
      await small.destroy();
    }
  });

  it('leaves failures a retry would meet again alone', async () => {
    for (const failure of [
      await failureOf(knex.raw('insert into t values (1, 0)')),
      await failureOf(knex.raw('selec 1')),
      await failureOf(knex.raw('select 1 / 0')),
      new Error('connect ECONNREFUSED 127.0.0.1:9'),
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      undefined,
      '40P01',
    ])
      expect(transientDatabaseFailure(failure)).toBeUndefined();
  });

  it('answers a handler that met one unavailable and retryable; another failure stays internal', async () => {
    const catalog = defaultCatalog();
    const { natsUrl } = testInfra();
    const bus = await NatsBus.connect({ url: natsUrl, name: uniqueName('transient_db') });
    const prefix = uniqueName('transient_db');
    const logger = memoryLogger();
    const server = new RpcServer({
      bus,
      catalog,
      prefix,
      service: { name: 'components', version: '0.0.0-test' },
      logger,
    });
    let next: unknown;
    // Every operation of the service answers with `next` (the server needs them all).
    for (const op of catalog.operationsOf('components'))
      server.handle(op.name, () => Promise.reject(next as Error));
    try {
      await server.start();
      const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 5_000 });
      const put = () => rejectionOf(client.call('put_environment', { content: 'x' }));
      next = await deadlock();
      expect(await put()).toMatchObject({
        code: 'unavailable',
        retryable: true,
        details: { reason: 'database_conflict', sqlstate: '40P01' },
      });
      next = await failureOf(knex.raw('insert into t values (1, 0)'));
      expect(await put()).toMatchObject({ code: 'internal', retryable: false });
    } finally {
      await server.stop();
      await bus.close();
    }
  });
});
