// Least privilege in Postgres (docs/security.md, "Postgres"): each service
// logs in as its own role, created by the infrastructure scripts
// (provisionServiceRoles in test/infra/postgres.mjs, run by `infra:up`),
// migrates and runs in the schema that role owns, and can neither read nor
// write another service's schema, nor create one, nor act as a superuser.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { defaultCatalog } from '@crucible/contracts';
import { RpcClient } from '@crucible/messaging';
import { loadServiceDefinitions } from '@crucible/platform';
import {
  EnvReader,
  connectInfrastructure,
  migrateServiceSchema,
  MIGRATIONS_ROOT,
  type Infrastructure,
  type Stoppable,
} from '@crucible/runtime';
import { connectPostgres } from '@crucible/database';
import { createLogger } from '@crucible/telemetry';
import { createTestDatabase, testInfra, uniqueName, type TestDatabase } from '../support';

jest.setTimeout(120_000);

interface PostgresInfra {
  provisionServiceRoles: (database: string, services: string[]) => Promise<Record<string, string>>;
}

const logger = createLogger({ service: 'test', level: 'error' });
// Every registered service, each as its own role.
const SERVICES = loadServiceDefinitions().map((definition) => definition.name);

/** The error code Postgres answered `sql` with when run as `url`'s role, or null if it succeeded. */
async function refusal(url: string, sql: string): Promise<string | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  } finally {
    await client.end();
  }
}

describe('a Postgres role per service', () => {
  let database: TestDatabase;
  let urls: Record<string, string>;
  const infras: Infrastructure[] = [];
  const services: Stoppable[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // An existing deployment: the components schema was migrated by a superuser.
    const admin = await connectPostgres(database.url, { attempts: 1 });
    try {
      await migrateServiceSchema(admin, {
        schema: 'components',
        migrationsDir: join(MIGRATIONS_ROOT, 'components'),
        advisoryLock: true,
      });
    } finally {
      await admin.destroy();
    }
    const scripts = pathToFileURL(join(__dirname, '..', 'infra', 'postgres.mjs')).href;
    const { provisionServiceRoles } = (await import(scripts)) as PostgresInfra;
    urls = await provisionServiceRoles(database.name, SERVICES);
    const prefix = uniqueName('pgr');
    const reader = new EnvReader({});
    for (const definition of loadServiceDefinitions()) {
      const infra = await connectInfrastructure({
        databaseUrl: urls[definition.name]!,
        natsUrl: testInfra().natsUrl,
        kafkaBrokers: [...testInfra().kafkaBrokers],
        prefix,
        clientName: uniqueName(definition.name),
        logger,
      });
      infras.push(infra);
      // Migrates its schema as its own role, then serves.
      services.push(await definition.configure(reader).start(infra));
    }
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    for (const infra of infras) await infra.close();
    await database?.drop();
  });

  it('runs every service as its own role, none a superuser', async () => {
    for (const service of SERVICES) {
      const client = new Client({ connectionString: urls[service] });
      await client.connect();
      try {
        const { rows } = await client.query<{ user: string; superuser: boolean }>(
          `SELECT current_user AS user, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
        );
        expect(rows[0]).toEqual({ user: `crucible_${service}`, superuser: false });
      } finally {
        await client.end();
      }
    }
    // The service works as that role: a write, its outbox row, a read.
    const rpc = new RpcClient({
      bus: infras[0]!.bus,
      catalog: defaultCatalog(),
      prefix: infras[0]!.prefix,
      timeoutMs: 5_000,
    });
    const put = await rpc.call('put_environment', { content: 'A room owned by its role.' });
    const read = await rpc.call('get_environment', { hash: put.hash });
    expect(read.content).toBe('A room owned by its role.');
  });

  it("refuses a service another's schema: no read, no write, no new tables", async () => {
    const components = urls['components']!;
    // 42501: insufficient_privilege.
    expect(await refusal(components, 'SELECT * FROM names.scenario_names LIMIT 1')).toBe('42501');
    expect(await refusal(components, 'SELECT * FROM scenarios.outbox LIMIT 1')).toBe('42501');
    expect(await refusal(components, "DELETE FROM names.outbox WHERE topic = ''")).toBe('42501');
    expect(await refusal(components, 'CREATE TABLE names.planted (x int)')).toBe('42501');
    expect(await refusal(urls['names']!, 'SELECT * FROM components.environments')).toBe('42501');
    expect(await refusal(components, 'CREATE SCHEMA planted')).toBe('42501');
    expect(await refusal(components, 'SET ROLE postgres')).toBe('42501');
    // Its own schema it reads and owns (the superuser's tables changed hands).
    expect(await refusal(components, 'SELECT count(*) FROM components.environments')).toBeNull();
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin
      .query<{ owner: string }>(
        `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'components'`,
      )
      .finally(() => admin.end());
    expect(rows).toEqual([{ owner: 'crucible_components' }]);
  });
});
