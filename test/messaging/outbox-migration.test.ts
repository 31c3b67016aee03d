// Upgrading the schemas made before @crucible/messaging owned the outbox.
// legacy-migrations/ holds the services' migrations as they were: each made
// its own outbox (0001) and moved it to the relay's cursor (NNNN_outbox_cursor,
// recorded in the schema's knex_migrations). A schema built with them, holding
// events published and not yet published, is started with today's start-up
// (migrateServiceSchema, as prepareService runs it) after a restart: it must
// start cleanly, keep its cursor, publish exactly the events not yet published
// (none lost, none doubled), and end with the tables a new schema gets. On
// real Postgres and on a PGlite data folder (what `npm start` keeps).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceDb, connectPostgres, migrate, sqlMigrations, type Knex } from '@crucible/database';
import { EVENT_LOG_SCHEMA, EmbeddedEventLog, OutboxRelay } from '@crucible/messaging';
import { MIGRATIONS_ROOT, migrateServiceSchema } from '@crucible/runtime';
import { memoryLogger } from '@crucible/telemetry';
import { createTestDatabase } from '../support';
import { migrateEventLog, openPgliteFolder, type OpenedDatabase } from './backends';
import { drainCount } from './outbox-harness';

jest.setTimeout(60_000);

const LEGACY = join(__dirname, 'legacy-migrations');

const SERVICES = [
  { name: 'components', cursorMigration: '0002_outbox_cursor.sql' },
  { name: 'names', cursorMigration: '0002_outbox_cursor.sql' },
  { name: 'scenarios', cursorMigration: '0003_outbox_cursor.sql' },
] as const;

/** A database that survives a restart of the processes using it. */
interface Restartable {
  readonly database: OpenedDatabase;
  /** Closes the connection and opens the same database (or data folder) again. */
  restart(): Promise<OpenedDatabase>;
  drop(): Promise<void>;
}

const BACKENDS: ReadonlyArray<{ name: string; open: () => Promise<Restartable> }> = [
  {
    name: 'Postgres',
    async open() {
      const database = await createTestDatabase();
      const connect = async (): Promise<OpenedDatabase> => {
        const knex = await connectPostgres(database.url, { attempts: 1 });
        return { knex, advisoryLock: true, close: () => knex.destroy() };
      };
      // The pool is what a process holds; the database outlives it.
      let current = await connect();
      return {
        database: current,
        async restart() {
          await current.close();
          current = await connect();
          return current;
        },
        async drop() {
          try {
            await current.close();
          } finally {
            await database.drop();
          }
        },
      };
    },
  },
  {
    name: 'a PGlite data folder',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'crucible-upgrade-'));
      let current = await openPgliteFolder(dataDir);
      return {
        database: current,
        async restart() {
          await current.close();
          current = await openPgliteFolder(dataDir);
          return current;
        },
        async drop() {
          try {
            await current.close();
          } finally {
            rmSync(dataDir, { recursive: true, force: true });
          }
        },
      };
    },
  },
];

describe.each(BACKENDS)('upgrading on $name', (backend) => {
  // One database for the whole file (opening PGlite is what costs), a schema
  // per service and starting state in it: `today_<service>` made with all of
  // the legacy migrations, `first_<service>` with their 0001 only.
  let db: Restartable;
  let restarted: OpenedDatabase;
  const before = new Map<
    string,
    { cursor: Record<string, unknown>; pending: Awaited<ReturnType<typeof pendingOf>> }
  >();
  const applied = { consumer: 'names_projection', event_id: randomUUID() };

  beforeAll(async () => {
    db = await backend.open();
    const { knex, advisoryLock } = db.database;
    for (const { name } of SERVICES) {
      const today = new ServiceDb(knex, `today_${name}`);
      const legacy = sqlMigrations(join(LEGACY, name));
      await migrate(knex, { schema: today.schema, migrations: legacy, advisoryLock });
      // Two events the relay published (the cursor is past them, its lease
      // left behind by a process that died), two it has not.
      await insertEvents(today, ['k1', 'k2']);
      await knex.raw(
        `update ?? set last_tx = o.tx, last_id = o.id, published = 2,
           holder = 'old:1', lease_until = now() - interval '1 second'
         from (select tx, id from ?? where key = 'k2') o`,
        [today.qualified('outbox_relay'), today.qualified('outbox')],
      );
      await insertEvents(today, ['k3', 'k4']);
      if (name === 'scenarios') await today.table('processed_events').insert(applied);
      before.set(name, { cursor: await cursorOf(today), pending: await pendingOf(today) });

      const first = new ServiceDb(knex, `first_${name}`);
      await migrate(knex, {
        schema: first.schema,
        migrations: legacy.filter((m) => m.name === `0001_${name}.sql`),
        advisoryLock,
      });
      // 1 and 2 published, 3 not (its claim expired), 4 published after it.
      await insertEvents(first, ['k1', 'k2', 'k3', 'k4']);
      await first
        .table('outbox')
        .whereIn('key', ['k1', 'k2', 'k4'])
        .update({ published_at: knex.fn.now() });
    }
    restarted = await db.restart();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it.each(SERVICES)(
    "$name, today's outbox: starts, keeps its cursor, publishes what was left, ends with the tables of a new schema",
    async (service) => {
      const { cursor, pending } = before.get(service.name)!;
      expect(pending.map((r) => r.key)).toEqual(['k3', 'k4']);
      const schema = `today_${service.name}`;
      // The lib's migrations, then the service's own added since (scenarios'
      // world projection, numbered after its retired 0003_outbox_cursor.sql).
      expect(await upgrade(restarted, schema, service.name)).toEqual([
        '0001_outbox.sql',
        '0002_processed_events.sql',
        '0003_outbox_lz4.sql',
        ...newerThanLegacy(service.name),
      ]);
      const after = new ServiceDb(restarted.knex, schema);
      expect(await cursorOf(after)).toEqual(cursor);
      expect(await pendingOf(after)).toEqual(pending);
      if (service.name === 'scenarios') {
        expect(await after.table('processed_events').select('consumer', 'event_id')).toEqual([
          applied,
        ]);
      }
      // The service's history keeps the name it applied (a rollback finds it done).
      expect(await after.table('knex_migrations').pluck('name')).toContain(service.cursorMigration);

      expect(await publishedKeys(restarted, after)).toEqual(['k3', 'k4']);
      // The next start has nothing left to do.
      expect(await upgrade(restarted, schema, service.name)).toEqual([]);
      expect(await shapeOf(restarted.knex, schema)).toEqual(
        await freshShape(restarted, service.name),
      );
    },
  );

  it.each(SERVICES)(
    '$name, the first outbox (claimed and marked rows): the cursor starts before the first row not published',
    async (service) => {
      const schema = `first_${service.name}`;
      expect(await upgrade(restarted, schema, service.name)).toEqual(
        expect.arrayContaining(['0001_outbox.sql', '0002_processed_events.sql']),
      );
      const after = new ServiceDb(restarted.knex, schema);
      // From the first unpublished row on: 4 goes out again (at least once).
      expect((await pendingOf(after)).map((r) => r.key)).toEqual(['k3', 'k4']);
      expect(await publishedKeys(restarted, after)).toEqual(['k3', 'k4']);
      expect(await shapeOf(restarted.knex, schema)).toEqual(
        await freshShape(restarted, service.name),
      );
    },
  );

  it('gives a new schema the messaging tables, recorded apart from the service’s own', async () => {
    const schema = 'new_components';
    expect(await upgrade(restarted, schema, 'components')).toEqual([
      '0001_outbox.sql',
      '0002_processed_events.sql',
      '0003_outbox_lz4.sql',
      '0001_components.sql',
    ]);
    const created = new ServiceDb(restarted.knex, schema);
    expect(await created.table('messaging_migrations').orderBy('id').pluck('name')).toEqual([
      '0001_outbox.sql',
      '0002_processed_events.sql',
      '0003_outbox_lz4.sql',
    ]);
    expect(await created.table('knex_migrations').pluck('name')).toEqual(['0001_components.sql']);
    expect(await cursorOf(created)).toEqual({
      last_tx: '0',
      last_id: '0',
      published: '0',
      holder: null,
    });
  });

  it('refuses to start a schema whose history names a migration this version does not know', async () => {
    const schema = 'new_names';
    await upgrade(restarted, schema, 'names');
    await restarted.knex(`${schema}.knex_migrations`).insert({
      name: '0002_from_a_newer_version.sql',
      batch: 2,
      migration_time: new Date(),
    });
    await expect(upgrade(restarted, schema, 'names')).rejects.toThrow(
      `schema ${schema} has migrations applied that this version does not know: 0002_from_a_newer_version.sql`,
    );
  });
});

/** Inserts one outbox row per key, each in a transaction of its own, as services wrote them. */
async function insertEvents(db: ServiceDb, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    await db.table('outbox').insert({
      event_id: randomUUID(),
      topic: topicOf(db.schema),
      key,
      envelope: JSON.stringify({ key, note: 'as written' }),
      headers: JSON.stringify({ traceparent: `p-${key}` }),
    });
  }
}

function topicOf(schema: string): string {
  return `upgrade.${schema}.events`;
}

/** Today's start-up of `service` on `schema`; the migrations it applied. */
/** The service's own migrations written after the legacy set: an upgrade applies them too. */
function newerThanLegacy(service: string): string[] {
  const legacy = new Set(sqlMigrations(join(LEGACY, service)).map((m) => m.name));
  return sqlMigrations(join(MIGRATIONS_ROOT, service))
    .map((m) => m.name)
    .filter((name) => !legacy.has(name));
}

async function upgrade(
  database: OpenedDatabase,
  schema: string,
  service: string,
): Promise<string[]> {
  return migrateServiceSchema(database.knex, {
    schema,
    migrationsDir: join(MIGRATIONS_ROOT, service),
    advisoryLock: database.advisoryLock,
  });
}

async function cursorOf(db: ServiceDb): Promise<Record<string, unknown>> {
  const [row] = await db
    .table('outbox_relay')
    .select(
      db.knex.raw('last_tx::text as last_tx'),
      db.knex.raw('last_id::text as last_id'),
      db.knex.raw('published::text as published'),
      'holder',
    );
  return row as Record<string, unknown>;
}

async function pendingOf(
  db: ServiceDb,
): Promise<Array<{ event_id: string; key: string; envelope: string; headers: string }>> {
  return db
    .table('outbox_pending')
    .orderBy([{ column: 'tx' }, { column: 'id' }])
    .select(
      'event_id',
      'key',
      db.knex.raw('envelope::text as envelope'),
      db.knex.raw('headers::text as headers'),
    );
}

/** Runs today's relay on the schema until nothing is left; the keys it published, in order. */
async function publishedKeys(database: OpenedDatabase, db: ServiceDb): Promise<string[]> {
  await migrateEventLog(database);
  const logger = memoryLogger('upgrade');
  const eventLog = new EmbeddedEventLog({ knex: database.knex, logger });
  const relay = new OutboxRelay({ db, eventLog, logger });
  try {
    await eventLog.ensureTopics([topicOf(db.schema)]);
    // Waits for them: see drainCount.
    await drainCount(relay, (await pendingOf(db)).length);
    const records: Array<{ key: string; value: Buffer }> = await database
      .knex(`${EVENT_LOG_SCHEMA}.records`)
      .where({ topic: topicOf(db.schema) })
      .orderBy('id')
      .select('key', 'value');
    // Each record is the envelope as it was stored.
    for (const record of records) {
      expect(JSON.parse(record.value.toString('utf8'))).toEqual({
        key: record.key,
        note: 'as written',
      });
    }
    return records.map((r) => r.key);
  } finally {
    await relay.stop();
    await eventLog.close();
  }
}

/** The tables today's start-up gives a new schema of the service (`fresh_<service>`). */
async function freshShape(database: OpenedDatabase, service: string): Promise<Shape> {
  const fresh = `fresh_${service}`;
  await upgrade(database, fresh, service);
  return shapeOf(database.knex, fresh);
}

interface Shape {
  columns: unknown[];
  indexes: unknown[];
  constraints: unknown[];
  views: unknown[];
  routines: unknown[];
}

/**
 * Everything a schema's tables are, but their data and the migration
 * records: columns in order (types, defaults, nullability), indexes,
 * constraints, views, functions; the schema's own name written as S.
 */
async function shapeOf(knex: Knex, schema: string): Promise<Shape> {
  const own = (table: string) => !/_migrations(_lock)?$/.test(table);
  const rows = async <T extends Record<string, unknown>>(sql: string): Promise<T[]> =>
    (await knex.raw<{ rows: T[] }>(sql, [schema])).rows;
  const columns = await rows<{ table_name: string }>(
    `select table_name, column_name, data_type, is_nullable, column_default
       from information_schema.columns where table_schema = ?
      order by table_name, ordinal_position`,
  );
  const indexes = await rows<{ tablename: string }>(
    `select tablename, indexname, indexdef from pg_indexes where schemaname = ?
      order by tablename, indexname`,
  );
  const constraints = await rows<{ table_name: string }>(
    `select c.conrelid::regclass::text as table_name, c.conname, pg_get_constraintdef(c.oid) as def
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = ? order by 1, 2`,
  );
  const views = await rows(
    `select viewname, definition from pg_views where schemaname = ? order by viewname`,
  );
  const routines = await rows(
    `select p.proname, pg_get_function_identity_arguments(p.oid) as args
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = ? order by 1, 2`,
  );
  const normalized = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value).split(`"${schema}".`).join('S.').split(`${schema}.`).join('S.'),
    );
  return normalized({
    columns: columns.filter((c) => own(c.table_name)),
    indexes: indexes.filter((i) => own(i.tablename)),
    constraints: constraints.filter((c) => own(c.table_name)),
    views,
    routines,
  }) as Shape;
}
