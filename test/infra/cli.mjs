#!/usr/bin/env node
// Infrastructure by hand, for running services as separate processes:
//   node test/infra/cli.mjs up      start (or find) Postgres db, NATS, Kafka and
//                                   leave them running; prints `export` lines:
//                                   eval "$(node test/infra/cli.mjs up)"
//   node test/infra/cli.mjs down    stop what `up` started, drop its database
//   node test/infra/cli.mjs status  what runs, who owns it
// A broker kept by `up` is reused by `npm test` runs until `down`.
import { randomBytes } from 'node:crypto';
import {
  discardInstance,
  listInstances,
  loadInstance,
  readUpState,
  runningUpInstance,
  saveInstance,
  upLockPath,
  upStatePath,
  writeUpState,
} from './instances.mjs';
import { ensureKafkaJars, kafkaAnswers, kafkaInstanceUsable, startKafka } from './kafka.mjs';
import { withFileLock } from './locks.mjs';
import { DEFAULT_NATS_PORT, natsStatus, natsUrl, startNats } from './nats.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import {
  createDatabase,
  databaseExists,
  databaseUrl,
  dropDatabase,
  provisionServiceRoles,
} from './postgres.mjs';
import { isRunning } from './processes.mjs';
import { log, phase } from './report.mjs';
import { Session } from './session.mjs';
import { prepareMachine } from './stack.mjs';

const USAGE = 'usage: node test/infra/cli.mjs up|down|status';

function registeredServices() {
  const file = path.join(repoRoot, 'services', 'registry.json');
  return JSON.parse(readFileSync(file, 'utf8')).services.map((entry) => entry.name);
}

/** Marks a server started by this process as kept and records it in up.json. */
function keep(record) {
  saveInstance({ ...record, owner: null });
  writeUpState({ ...readUpState(), [record.kind]: record.id });
}

async function up(session) {
  await prepareMachine(session);
  const env = await withFileLock(upLockPath, 'up.json', async () => {
    let state = readUpState();
    if (!state.database || !(await databaseExists(state.database.name))) {
      // Not crucible_test_*: a run's stale-database sweep must never drop it.
      const name = `crucible_up_${Date.now()}_${randomBytes(3).toString('hex')}`;
      await phase(`postgres: create database ${name}`, () => createDatabase(name));
      writeUpState({ ...state, database: { name, url: databaseUrl(name) } });
    }

    let nats;
    if ((await natsStatus(DEFAULT_NATS_PORT)) === 'jetstream') {
      nats = natsUrl(DEFAULT_NATS_PORT);
    } else {
      const kept = runningUpInstance('nats');
      if (kept && (await natsStatus(kept.ports.client)) === 'jetstream') nats = kept.endpoint;
      else {
        const record = await phase('nats: start nats-server', () =>
          startNats({ signal: session.signal }),
        );
        keep(record);
        nats = record.endpoint;
      }
    }

    let kafka;
    const keptKafka = runningUpInstance('kafka');
    if (keptKafka && (await kafkaInstanceUsable(keptKafka))) {
      log(`kafka: reusing pid ${keptKafka.pid} on ${keptKafka.endpoint}`);
      kafka = keptKafka.endpoint;
    } else {
      await phase('kafka: jars', () => ensureKafkaJars({ signal: session.signal }));
      const record = await phase('kafka: format storage and start broker', () =>
        startKafka({ signal: session.signal }),
      );
      keep(record);
      kafka = record.endpoint;
    }
    state = readUpState();
    // A login role per service owning its schema: each service runs as its
    // own role, never as the superuser (docs/security.md, "Postgres").
    const roles = await phase('postgres: a role per service', () =>
      provisionServiceRoles(state.database.name, registeredServices()),
    );
    return {
      DATABASE_URL: state.database.url,
      ...Object.fromEntries(
        Object.entries(roles).map(([service, url]) => [
          `${service.toUpperCase()}_DATABASE_URL`,
          url,
        ]),
      ),
      NATS_URL: nats,
      KAFKA_BROKERS: kafka,
    };
  });
  for (const [name, value] of Object.entries(env))
    process.stdout.write(`export ${name}=${value}\n`);
  log(`up: recorded in ${upStatePath}; stop with: node test/infra/cli.mjs down`);
  return 0;
}

async function down() {
  await withFileLock(upLockPath, 'up.json', async () => {
    const state = readUpState();
    // Everything kept: what up.json names, and kept servers it lost track of.
    const kept = new Map(
      listInstances()
        .filter((record) => record.owner === null)
        .map((record) => [record.id, record]),
    );
    for (const id of [state.kafka, state.nats]) {
      const record = loadInstance(id);
      if (record) kept.set(record.id, record);
    }
    for (const record of kept.values()) {
      await phase(`stop ${record.kind} pid ${record.pid}`, () => discardInstance(record));
    }
    if (state.database)
      await phase(`postgres: drop database ${state.database.name}`, () =>
        dropDatabase(state.database.name),
      );
    writeUpState({ kafka: null, nats: null, database: null });
    if (kept.size === 0 && !state.database) log('down: nothing was up');
  });
  return 0;
}

async function status() {
  const state = readUpState();
  const lines = [];
  lines.push(
    `up.json: ${state.kafka || state.nats || state.database ? upStatePath : '(nothing kept)'}`,
  );
  if (state.database)
    lines.push(
      `  database ${state.database.name}: ${(await databaseExists(state.database.name)) ? 'exists' : 'MISSING'}`,
    );
  lines.push(`  nats on ${DEFAULT_NATS_PORT} (machine): ${await natsStatus(DEFAULT_NATS_PORT)}`);
  for (const record of listInstances()) {
    const alive = isRunning(record);
    const answers =
      alive && record.kind === 'kafka'
        ? (await kafkaAnswers(record.endpoint.split(',')))
          ? ', answers'
          : ', NOT answering'
        : alive && record.kind === 'nats'
          ? `, ${await natsStatus(record.ports.client)}`
          : '';
    const owner = record.owner
      ? `owned by pid ${record.owner.pid}${isRunning(record.owner) ? '' : ' (gone: leftover)'}`
      : 'kept (up)';
    lines.push(
      `  ${record.kind} ${record.id}: pid ${record.pid} ${alive ? 'running' : 'NOT running'}${answers}, ${record.endpoint}, ${owner}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

const command = process.argv[2];
const commands = { up, down, status };
if (!Object.hasOwn(commands, command)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
await new Session().run((session) => commands[command](session));
