#!/usr/bin/env node
// `npm run nats:config`: a nats-server configuration giving each service and
// the gateway its own user and least-privilege permissions, generated from
// schemas/catalog.json (docs/security.md, "NATS"). Needs `npm run build`.
//
//   node scripts/nats-config.mjs [--prefix crucible] [--secrets FILE] [--out FILE] [--rotate USER]...
//
// --secrets FILE   JSON {user: password} (default .data/nats-secrets.json, mode 0600):
//                  users missing from it get a new random password; the others
//                  keep theirs, so regenerating after a catalog change rotates nothing.
// --rotate USER    give USER a new password (repeatable); then reload the server
//                  (nats-server --signal reload) and restart USER's processes.
// --out FILE       where the configuration goes (default stdout); include it from
//                  the server's own configuration (`include ./crucible-auth.conf`).
// Prints, on stderr, the NATS_USER/NATS_PASSWORD each process needs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { defaultCatalog } = require(join(ROOT, 'libs/contracts/dist'));
const { natsPermissions, natsServerConfig } = require(join(ROOT, 'libs/messaging/dist'));

const { values } = parseArgs({
  options: {
    prefix: { type: 'string', default: process.env.CRUCIBLE_PREFIX ?? 'crucible' },
    secrets: { type: 'string', default: join(ROOT, '.data', 'nats-secrets.json') },
    out: { type: 'string' },
    rotate: { type: 'string', multiple: true, default: [] },
  },
});

const permissions = natsPermissions(defaultCatalog(), values.prefix);
const secrets = existsSync(values.secrets) ? JSON.parse(readFileSync(values.secrets, 'utf8')) : {};
for (const { user } of permissions) {
  if (secrets[user] === undefined || values.rotate.includes(user))
    secrets[user] = randomBytes(24).toString('base64url');
}
mkdirSync(dirname(values.secrets), { recursive: true });
writeFileSync(values.secrets, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
chmodSync(values.secrets, 0o600);

const config = natsServerConfig(
  permissions,
  permissions.map(({ user }) => ({ user, password: secrets[user] })),
);
if (values.out) writeFileSync(values.out, config, { mode: 0o600 });
else process.stdout.write(config);
for (const { user } of permissions)
  process.stderr.write(`${user}: NATS_USER=${user} NATS_PASSWORD=${secrets[user]}\n`);
