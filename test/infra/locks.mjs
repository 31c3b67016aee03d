// A cross-process lock file for the few things two concurrent runs must not
// do at once (downloading the Kafka jars, changing up.json). The holder is
// recorded by pid and start time, so the lock of a crashed run is broken.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentProcess, isRunning } from './processes.mjs';
import { log } from './report.mjs';
import { sleep, TimedOut } from './timing.mjs';

/** Runs `critical` while holding the lock at `lockPath`; waits up to `timeoutMs` for it. */
export async function withFileLock(
  lockPath,
  what,
  critical,
  { timeoutMs = 15 * 60_000, signal } = {},
) {
  await acquire(lockPath, what, timeoutMs, signal);
  try {
    return await critical();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

async function acquire(lockPath, what, timeoutMs, signal) {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const me = JSON.stringify(currentProcess());
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockPath, me, { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const held = readHolder(lockPath);
    // An unreadable lock is being written right now: treat it as held.
    if (held && !isRunning(held.holder)) {
      // Re-read just before removing so we only ever remove the stale lock
      // we looked at, not one a third process has just taken.
      if (readHolder(lockPath)?.raw === held.raw) rmSync(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for ${what} (lock held by pid ${held?.holder.pid ?? '?'})`);
      announced = true;
    }
    if (Date.now() > deadline)
      throw new TimedOut(
        `gave up waiting ${timeoutMs / 1000}s for the lock on ${what} (${lockPath})`,
      );
    await sleep(250, signal);
  }
}

function readHolder(lockPath) {
  try {
    const raw = readFileSync(lockPath, 'utf8');
    return { raw, holder: JSON.parse(raw) };
  } catch {
    return null;
  }
}
