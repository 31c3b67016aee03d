// Records of the servers these scripts start (Kafka brokers, and nats-server
// when none runs on 4222). Each instance has a folder (config, data, logs)
// and a state file `<id>.json` beside it:
//   { id, kind, pid, startTime, dir, ports, endpoint, owner, createdAt }
// `owner` is the process (pid + start time) that stops it when done, or null
// for a server kept running on purpose (`cli.mjs up`, CRUCIBLE_KEEP_INFRA=1),
// which up.json then points at. The state file is written before the server
// is spawned, so a run killed at any moment leaves enough to clean up after it.
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { infraStateDir, instancesDir } from './paths.mjs';
import { isRunning, terminate } from './processes.mjs';
import { log } from './report.mjs';

const STOP_GRACE_MS = { kafka: 20_000, nats: 5_000 };
/** A folder without a state file is a start that crashed before writing one. */
const ORPHAN_DIR_AGE_MS = 60 * 60_000;

export function newInstance(kind, owner) {
  const id = `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(instancesDir, id);
  mkdirSync(dir, { recursive: true });
  const record = {
    id,
    kind,
    pid: null,
    startTime: null,
    dir,
    ports: {},
    endpoint: null,
    owner,
    createdAt: new Date().toISOString(),
  };
  saveInstance(record);
  return record;
}

export function saveInstance(record) {
  writeJsonAtomically(path.join(instancesDir, `${record.id}.json`), record);
}

export function loadInstance(id) {
  if (!id) return null;
  return readJson(path.join(instancesDir, `${id}.json`));
}

export function listInstances() {
  let names = [];
  try {
    names = readdirSync(instancesDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => readJson(path.join(instancesDir, name)))
    .filter(Boolean);
}

/** Stops the instance's server (if it still runs) and deletes its folder and record. */
export async function discardInstance(record) {
  const outcome = record.pid
    ? await terminate(record, { graceMs: STOP_GRACE_MS[record.kind] ?? 10_000 })
    : 'never started';
  rmSync(record.dir, { recursive: true, force: true });
  rmSync(path.join(instancesDir, `${record.id}.json`), { force: true });
  return outcome;
}

/**
 * Cleans up after runs that died without cleaning up (SIGKILL, crash):
 * servers whose owner is gone are stopped, kept servers that died are
 * forgotten, and their folders are removed. Servers of live runs are left alone.
 */
export async function reapOrphanedInstances() {
  let reaped = 0;
  for (const record of listInstances()) {
    const orphaned = record.owner ? !isRunning(record.owner) : !isRunning(record);
    if (!orphaned) continue;
    const outcome = await discardInstance(record);
    log(`removed leftover ${record.kind} instance ${record.id} (server ${outcome})`);
    reaped += 1;
  }
  let names = [];
  try {
    names = readdirSync(instancesDir, { withFileTypes: true });
  } catch {
    return reaped;
  }
  const known = new Set(listInstances().map((record) => record.id));
  for (const entry of names) {
    if (!entry.isDirectory() || known.has(entry.name)) continue;
    const dir = path.join(instancesDir, entry.name);
    if (Date.now() - statSync(dir).mtimeMs > ORPHAN_DIR_AGE_MS)
      rmSync(dir, { recursive: true, force: true });
  }
  return reaped;
}

// up.json: what `cli.mjs up` (or a run with CRUCIBLE_KEEP_INFRA=1) left
// running for later runs: { kafka: instanceId|null, nats: instanceId|null,
// database: { name, url }|null }.
export const upStatePath = path.join(infraStateDir, 'up.json');
export const upLockPath = path.join(infraStateDir, 'up.lock');

export function readUpState() {
  return { kafka: null, nats: null, database: null, ...readJson(upStatePath) };
}

export function writeUpState(state) {
  if (!state.kafka && !state.nats && !state.database) rmSync(upStatePath, { force: true });
  else writeJsonAtomically(upStatePath, state);
}

/** The kept instance of `kind` named in up.json, if it is still the process we started. */
export function runningUpInstance(kind) {
  const record = loadInstance(readUpState()[kind]);
  return record && isRunning(record) ? record : null;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// Readers never see a half-written file: write aside, then rename over.
function writeJsonAtomically(file, value) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}
