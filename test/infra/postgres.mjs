// PostgreSQL for test runs: the machine's server on 127.0.0.1:5432 (trust
// auth, user postgres). Each run gets a fresh database, dropped at the end;
// databases of runs that crashed are dropped by a later run.
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { runCaptured } from './processes.mjs';
import { log } from './report.mjs';
import { waitUntil } from './timing.mjs';

export const PG_HOST_PORT = '127.0.0.1:5432';
export const PG_ADMIN_URL = `postgres://postgres@${PG_HOST_PORT}/postgres`;
/** Every database a test run or a test file creates is named `crucible_test_<ms>_<runId>[_<suffix>]`. */
export const TEST_DATABASE_PREFIX = 'crucible_test_';
/** A test database older than this belongs to a run that crashed (CI runs are capped at 90 min). */
export const STALE_TEST_DATABASE_MS = 6 * 60 * 60_000;

const SAFE_NAME = /^[a-z0-9_]{1,63}$/;

export function databaseUrl(name) {
  return `postgres://postgres@${PG_HOST_PORT}/${name}`;
}

export function testDatabaseName(runId) {
  return `${TEST_DATABASE_PREFIX}${Date.now()}_${runId}`;
}

async function withAdminClient(use) {
  const client = new pg.Client({
    connectionString: PG_ADMIN_URL,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 60_000,
  });
  client.on('error', () => {}); // a dropped connection surfaces through the query instead
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function answers() {
  try {
    await withAdminClient((client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Makes sure the server answers; starts the machine's cluster once if it does not. */
export async function ensurePostgres({ signal } = {}) {
  if (await answers()) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length === 0)
    throw new Error(
      `PostgreSQL does not answer on ${PG_HOST_PORT} and no cluster is installed under /etc/postgresql`,
    );
  for (const version of versions) {
    log(`PostgreSQL does not answer on ${PG_HOST_PORT}: starting cluster ${version}/main`);
    await runCaptured('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      timeoutMs: 60_000,
    }).catch((error) => log(error.message));
  }
  await waitUntil(`PostgreSQL on ${PG_HOST_PORT}`, answers, {
    timeoutMs: 30_000,
    intervalMs: 500,
    signal,
  });
}

function quoted(name) {
  if (!SAFE_NAME.test(name))
    throw new Error(`refusing unsafe database name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export async function createDatabase(name) {
  await withAdminClient((client) => client.query(`CREATE DATABASE ${quoted(name)}`));
  return databaseUrl(name);
}

export async function dropDatabase(name) {
  await withAdminClient((client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`),
  );
}

async function testDatabaseNames(client) {
  const { rows } = await client.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'crucible\\_test\\_%'`,
  );
  return rows.map((row) => row.datname);
}

/** Drops every database of run `runId`: its own and any a test file left behind. */
export async function dropRunDatabases(runId) {
  return withAdminClient(async (client) => {
    const names = (await testDatabaseNames(client)).filter((name) => name.split('_')[3] === runId);
    for (const name of names)
      await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
    return names;
  });
}

/** Drops test databases whose name says they were created more than `olderThanMs` ago. */
export async function dropStaleTestDatabases({ olderThanMs = STALE_TEST_DATABASE_MS } = {}) {
  return withAdminClient(async (client) => {
    const stale = (await testDatabaseNames(client)).filter((name) => {
      const createdAt = Number(name.split('_')[2]);
      return Number.isFinite(createdAt) && Date.now() - createdAt > olderThanMs;
    });
    for (const name of stale)
      await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
    return stale;
  });
}

export async function databaseExists(name) {
  return withAdminClient(
    async (client) =>
      (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
}

/** The login role of a service: it owns its schema and nothing else (docs/security.md, "Postgres"). */
export function serviceRole(service) {
  return `crucible_${service}`;
}

/** `url` with `user` as its user name (no password: set PGPASSWORD or edit the URL). */
export function withUser(url, user) {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  return parsed.toString();
}

/**
 * Least privilege for the services of `services` in database `name`: a
 * login role per service (cluster-wide, created once: no superuser, no
 * right to create databases, roles or schemas), allowed to connect to the
 * database, owning its schema (created here, or taken over with everything
 * in it when a superuser made it before). No one else may connect but
 * superusers. Returns `{service: url}` to give each service as DATABASE_URL.
 * Safe to run again, and concurrently.
 */
export async function provisionServiceRoles(name, services) {
  const database = quoted(name);
  await withAdminClient(async (client) => {
    for (const service of services) {
      const role = quoted(serviceRole(service));
      // Roles are cluster-wide: concurrent runs may race to create one.
      await client.query(`DO $$ BEGIN
          CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    }
  });
  const client = new pg.Client({
    connectionString: databaseUrl(name),
    connectionTimeoutMillis: 5_000,
    statement_timeout: 60_000,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    for (const service of services) {
      const schema = quoted(service);
      const role = quoted(serviceRole(service));
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
      await client.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
      // A schema a superuser migrated before: its tables, views, sequences
      // and functions change hands too (a sequence owned by a column follows its table).
      await client.query(
        `DO $$ DECLARE r record; BEGIN
           FOR r IN SELECT c.relname, c.relkind FROM pg_class c
                     WHERE c.relnamespace = '${service}'::regnamespace AND c.relkind IN ('r','p','v','m','S','f')
                       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a','i'))
           LOOP
             EXECUTE format('ALTER %s %I.%I OWNER TO %I',
               CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                 WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
               '${service}', r.relname, '${serviceRole(service)}');
           END LOOP;
           FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p WHERE p.pronamespace = '${service}'::regnamespace
           LOOP
             EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, '${serviceRole(service)}');
           END LOOP;
         END $$`,
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
  return Object.fromEntries(
    services.map((service) => [service, withUser(databaseUrl(name), serviceRole(service))]),
  );
}
