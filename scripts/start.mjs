#!/usr/bin/env node
// `npm start`. Builds what changed, then:
// - with DATABASE_URL, NATS_URL and KAFKA_BROKERS set: every service listed in
//   services/registry.json as its own process on that infrastructure, the
//   gateway in front;
// - otherwise: the whole platform in one process on the embedded default
//   (PGlite in CRUCIBLE_DATA_DIR, in-process bus and event log).
//
// SIGINT or SIGTERM, to this process or to the npm running it, stops every
// child gracefully and then exits (0 when each stopped cleanly). npm hands
// its signal to its child: package.json `exec`s node, so that child is this
// process and not a shell that would die and leave us running. A child still
// running STOP_GRACE_MS after the signal is killed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

// A service drains within 15 s (runMain in libs/runtime); then a few to exit.
const STOP_GRACE_MS = 20_000;

/** The running children and their names (tsc while building, then the services). */
const children = new Map();
let stopSignal;
let failed = false;

/** The services a real deployment runs, each its own process, in registry order. */
function registeredServices() {
  const file = join(root, 'services', 'registry.json');
  return JSON.parse(readFileSync(file, 'utf8')).services.map((entry) => entry.name);
}

/**
 * `<NAME>_DATABASE_URL`, `<NAME>_NATS_USER` and `<NAME>_NATS_PASSWORD`, when
 * set, become that process's DATABASE_URL, NATS_USER and NATS_PASSWORD: its
 * own Postgres role and NATS user (docs/security.md; `infra:up` prints the
 * database URLs, `npm run nats:config` the NATS users).
 */
function serviceOwnVariables(name) {
  const own = {};
  for (const variable of ['DATABASE_URL', 'NATS_USER', 'NATS_PASSWORD']) {
    const value = process.env[`${name.toUpperCase()}_${variable}`];
    if (value) own[variable] = value;
  }
  return own;
}

function spawnChild(name, args, options) {
  const child = spawn(node, args, { cwd: root, ...options });
  children.set(child, name);
  const exited = new Promise((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}

/** Asks every child to stop; kills those still running after the grace period. */
function stopAll(signal) {
  if (stopSignal) return;
  stopSignal = signal;
  for (const child of children.keys()) child.kill(signal);
  setTimeout(() => {
    for (const [child, name] of children) {
      console.error(`${name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      child.kill('SIGKILL');
    }
  }, STOP_GRACE_MS).unref();
}

// A Ctrl+C in a terminal reaches us twice (from the terminal, and from npm);
// the children got it from the terminal too and ignore repeats while draining.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll(signal);
    if (children.size === 0) process.exit(128 + constants.signals[signal]);
  });
}

async function build() {
  const started = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const { exited } = spawnChild('tsc', [tsc, '-b'], { stdio: 'inherit' });
  const { code } = await exited;
  if (stopSignal) process.exit(128 + constants.signals[stopSignal]);
  if (code !== 0) {
    console.error('build failed; see the errors above');
    process.exit(code ?? 1);
  }
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Exits once every child has: 0 if each stopped cleanly when asked, 1 otherwise. */
function supervise(name, exited) {
  void exited.then(({ code, signal }) => {
    if (!stopSignal) {
      console.error(`${name} exited (${signal ?? code}); stopping the others`);
      failed = true;
      stopAll('SIGTERM');
    } else if (code !== 0) {
      console.error(`${name} stopped with ${signal ?? `exit code ${code}`}`);
      failed = true;
    }
    if (children.size === 0) process.exit(failed ? 1 : 0);
  });
}

function runEmbedded() {
  const { exited } = spawnChild('platform', [join(root, 'services/platform/dist/main.js')], {
    stdio: 'inherit',
  });
  supervise('platform', exited);
}

function runDistributed() {
  for (const name of [...registeredServices(), 'gateway']) {
    const { child, exited } = spawnChild(name, [join(root, `services/${name}/dist/main.js`)], {
      env: {
        ...process.env,
        ...serviceOwnVariables(name),
        OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(child.stdout, process.stdout, name);
    prefixLines(child.stderr, process.stderr, name);
    supervise(name, exited);
  }
  const port = process.env.PORT ?? '8080';
  const host = process.env.HOST ?? '127.0.0.1';
  console.log(
    `Crucible services starting on real infrastructure; the gateway will listen on http://${host}:${port} (MCP at /mcp)`,
  );
}

function prefixLines(from, to, name) {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) to.write(`[${name}] ${line}\n`);
  });
  from.on('end', () => pending && to.write(`[${name}] ${pending}\n`));
}

/**
 * The gateway's admin token (docs/security.md): CRUCIBLE_ADMIN_TOKEN when
 * set, else the one kept in the data folder, else a new one written there
 * (readable by this user only). Either way the children get it in their
 * environment and the user is told where it is.
 */
function adminToken() {
  const given = process.env.CRUCIBLE_ADMIN_TOKEN?.trim();
  if (given) {
    console.log('Admin token: from CRUCIBLE_ADMIN_TOKEN');
    return given;
  }
  const dataDir = process.env.CRUCIBLE_DATA_DIR?.trim() || join(root, '.data');
  const file = join(dataDir, 'admin-token');
  let token = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!token) {
    token = `crucible_${randomBytes(32).toString('base64url')}`;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  console.log(
    `Admin token (kept in ${file}): ${token}\n` +
      `  for the examples: export CRUCIBLE_TOKEN=$(cat ${file})`,
  );
  return token;
}

await build();
process.env.CRUCIBLE_ADMIN_TOKEN = adminToken();
const real = ['DATABASE_URL', 'NATS_URL', 'KAFKA_BROKERS'];
const set = real.filter((name) => process.env[name]);
if (set.length === real.length) runDistributed();
else {
  if (set.length > 0) {
    console.error(
      `set all of ${real.join(', ')} to run on real infrastructure (missing: ${real.filter((n) => !process.env[n]).join(', ')})`,
    );
    process.exit(2);
  }
  runEmbedded();
}
