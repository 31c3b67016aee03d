// Records of runs in progress (`npm test`, `npm run bench`):
// .cache/infra/runs/<runId>.json = { runId, owner }. A run killed before its
// clean-up (SIGKILL, crash) leaves its record behind, so the next run can
// drop that run's databases at once instead of waiting for them to go stale.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { infraStateDir } from './paths.mjs';
import { dropRunDatabases } from './postgres.mjs';
import { currentProcess, isRunning } from './processes.mjs';

const runsDir = path.join(infraStateDir, 'runs');

function recordPath(runId) {
  return path.join(runsDir, `${runId}.json`);
}

export function recordRun(runId) {
  mkdirSync(runsDir, { recursive: true });
  writeFileSync(recordPath(runId), JSON.stringify({ runId, owner: currentProcess() }));
}

export function forgetRun(runId) {
  rmSync(recordPath(runId), { force: true });
}

/** Drops the databases of recorded runs whose process is gone; returns their names. */
export async function dropDatabasesOfDeadRuns() {
  let names = [];
  try {
    names = readdirSync(runsDir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const dropped = [];
  for (const name of names) {
    let record;
    try {
      record = JSON.parse(readFileSync(path.join(runsDir, name), 'utf8'));
    } catch {
      continue; // being written by a run that is starting
    }
    if (isRunning(record.owner)) continue;
    dropped.push(...(await dropRunDatabases(record.runId)));
    forgetRun(record.runId);
  }
  return dropped;
}
