import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testInfra } from './infra';

/** A database of its own for one test file. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

async function asAdmin<T>(adminUrl: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database for the calling test file, so files running in
 * parallel never share tables. Its name follows the run's convention
 * (`crucible_test_<ms>_<runId>_<random>`), so `npm test` drops it after the
 * run even if the test forgot to, and a later run drops it after a crash.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { runId, pgAdminUrl } = testInfra();
  const name = `crucible_test_${Date.now()}_${runId}_${randomBytes(4).toString('hex')}`;
  await asAdmin(pgAdminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      await asAdmin(pgAdminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
      dropped = true;
    },
  };
}
