#!/usr/bin/env node
// The `secrets` container of deploy/compose.yaml: everything least privilege
// needs before the first start, generated once and kept (a restart rotates
// nothing; delete the volumes to start over). Run from the image's /app.
//
//   node deploy/secrets.mjs <out>
//
// <out>/postgres/10-crucible-roles.sql   run by the postgres image on its first start
//                                        (docker-entrypoint-initdb.d): a login role
//                                        per service with a password, owning its schema
// <out>/nats/nats.conf                   the NATS server's configuration: JetStream and
//                                        a user per service and the gateway, allowed only
//                                        their own subjects (docs/security.md, "NATS")
// <out>/<process>/process.env            what one process adds to its environment:
//                                        DATABASE_URL as its own role (not the gateway),
//                                        NATS_USER, NATS_PASSWORD
// <out>/secrets.json                     the generated passwords (mode 0600)
//
// Each of these folders is its own volume in compose.yaml, mounted only
// where it is needed: a service sees its own credentials, no other's.
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { defaultCatalog } = require(join(ROOT, 'libs/contracts/dist'));
const { natsPermissions, natsServerConfig } = require(join(ROOT, 'libs/messaging/dist'));

const out = process.argv[2];
if (!out) throw new Error('usage: node deploy/secrets.mjs <out>');
// The variables are for test/security/deploy-secrets.test.ts, which runs this
// against the machine's servers; compose.yaml sets none of them.
const prefix = process.env.CRUCIBLE_PREFIX ?? 'crucible';
const database = process.env.POSTGRES_DB ?? 'crucible';
const rolePrefix = process.env.CRUCIBLE_ROLE_PREFIX ?? 'crucible_';
const storeDir = process.env.NATS_STORE_DIR ?? '/data/jetstream';
const services = JSON.parse(
  readFileSync(join(ROOT, 'services/registry.json'), 'utf8'),
).services.map((s) => s.name);

const secretsFile = join(out, 'secrets.json');
const secrets = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
const secret = (key) => (secrets[key] ??= randomBytes(24).toString('hex'));
// Who reads each file (compose.yaml sets these, as the images' users): the
// services run as `node` (uid 1000), Postgres' init as `postgres` (uid 999).
const owners = {
  postgres: Number(process.env.POSTGRES_UID ?? process.getuid()),
  process: Number(process.env.PROCESS_UID ?? process.getuid()),
};
const write = (file, text, owner = process.getuid()) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
  if (owner !== process.getuid()) chownSync(file, owner, owner);
};

// Postgres: the role names are those `npm run infra:up` creates (docs/security.md).
const roles = services.map((service) => {
  const role = `${rolePrefix}${service}`;
  return [
    `CREATE ROLE ${role} LOGIN PASSWORD '${secret(`postgres:${service}`)}'`,
    `  NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;`,
    `GRANT CONNECT ON DATABASE ${database} TO ${role};`,
    `CREATE SCHEMA IF NOT EXISTS ${service} AUTHORIZATION ${role};`,
  ].join('\n');
});
write(
  join(out, 'postgres', '10-crucible-roles.sql'),
  [`REVOKE ALL ON DATABASE ${database} FROM PUBLIC;`, ...roles, ''].join('\n'),
  owners.postgres,
);

// NATS: one user per service and one for the gateway, from the catalog.
const permissions = natsPermissions(defaultCatalog(), prefix);
const credentials = permissions.map(({ user }) => ({ user, password: secret(`nats:${user}`) }));
write(
  join(out, 'nats', 'nats.conf'),
  `jetstream { store_dir: ${JSON.stringify(storeDir)} }\n${natsServerConfig(permissions, credentials)}`,
);

for (const { user, password } of credentials) {
  const lines = [`NATS_USER=${user}`, `NATS_PASSWORD=${password}`];
  if (services.includes(user))
    lines.unshift(
      `DATABASE_URL=postgres://${rolePrefix}${user}:${secrets[`postgres:${user}`]}@postgres:5432/${database}`,
    );
  write(join(out, user, 'process.env'), `${lines.join('\n')}\n`, owners.process);
}
write(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`);
process.stdout.write(
  `secrets: ${services.length} database roles, ${credentials.length} NATS users\n`,
);
