// deploy/secrets.mjs, the compose deployment's first container, run against
// this machine's servers: its SQL, applied to a database of the test's own,
// makes a login role per service that uses its own schema and is refused
// another's; its nats.conf starts a nats-server on which each process's
// credentials connect and a client without them is refused; a second run
// keeps every password. Docker itself is not on CI machines (deploy/README.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import {
  createTestDatabase,
  startTestNatsServer,
  testInfra,
  uniqueName,
  type TestDatabase,
  type TestNatsServer,
} from '../support';

const ROOT = join(__dirname, '..', '..');

/** A process.env file as a map. */
function envFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** Postgres' error code for `sql` run on `url`, or null when it succeeds. */
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

describe('deploy/secrets.mjs', () => {
  it('makes roles, NATS users and per-process credentials that work, and keeps them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crucible-secrets-'));
    const rolePrefix = `${uniqueName('r')}_`.toLowerCase();
    let database: TestDatabase | undefined;
    let nats: TestNatsServer | undefined;
    const admin = new Client({ connectionString: testInfra().pgAdminUrl });
    await admin.connect();
    try {
      database = await createTestDatabase();
      const run = () =>
        execFileSync(process.execPath, [join(ROOT, 'deploy', 'secrets.mjs'), out], {
          env: {
            ...process.env,
            POSTGRES_DB: database!.name,
            CRUCIBLE_ROLE_PREFIX: rolePrefix,
            CRUCIBLE_PREFIX: uniqueName('dp'),
            NATS_STORE_DIR: join(out, 'jetstream'),
          },
        });
      run();
      const names = envFile(join(out, 'names', 'process.env'));
      const gateway = envFile(join(out, 'gateway', 'process.env'));
      expect(Object.keys(names).sort()).toEqual(['DATABASE_URL', 'NATS_PASSWORD', 'NATS_USER']);
      expect(Object.keys(gateway).sort()).toEqual(['NATS_PASSWORD', 'NATS_USER']);

      // Postgres: the SQL as the image's first start runs it, on our database.
      const sql = readFileSync(join(out, 'postgres', '10-crucible-roles.sql'), 'utf8');
      const onDatabase = new Client({ connectionString: database.url });
      await onDatabase.connect();
      try {
        await onDatabase.query(sql);
      } finally {
        await onDatabase.end();
      }
      const url = new URL(names.DATABASE_URL!);
      expect(url.username).toBe(`${rolePrefix}names`);
      const local = new URL(testInfra().pgAdminUrl);
      url.host = local.host;
      expect(await refusal(url.toString(), 'CREATE TABLE names.t (x int)')).toBeNull();
      expect(await refusal(url.toString(), 'CREATE TABLE components.t (x int)')).toBe('42501');
      expect(await refusal(url.toString(), 'CREATE SCHEMA other')).toBe('42501');

      // NATS: the server starts on the configuration; credentials let in, none refused.
      nats = await startTestNatsServer(readFileSync(join(out, 'nats', 'nats.conf'), 'utf8'));
      const client = await connect({
        servers: nats.url,
        user: names.NATS_USER,
        pass: names.NATS_PASSWORD,
      });
      await client.close();
      await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(
        /authorization/i,
      );

      // A second run (a container restart) rotates nothing.
      run();
      expect(envFile(join(out, 'names', 'process.env'))).toEqual(names);
    } finally {
      await nats?.stop();
      await database?.drop();
      const { rows } = await admin.query<{ rolname: string }>(
        'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)',
        [rolePrefix],
      );
      for (const { rolname } of rows) await admin.query(`DROP ROLE "${rolname}"`);
      await admin.end();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
