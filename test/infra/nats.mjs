// NATS with JetStream for test runs. The machine's nats-server on
// 127.0.0.1:4222 is used when it answers with JetStream enabled; otherwise
// we start our own nats-server on a free port and stop it when done.
import path from 'node:path';
import { discardInstance, newInstance, saveInstance } from './instances.mjs';
import { firstLineFrom, freePort, LOOPBACK } from './ports.mjs';
import { currentProcess, isRunning, spawnDetached, tailOf } from './processes.mjs';
import { StopWaiting, waitUntil } from './timing.mjs';

export const DEFAULT_NATS_PORT = 4222;
const NATS_SERVER = process.env.CRUCIBLE_NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const START_TIMEOUT_MS = 15_000;

export function natsUrl(port) {
  return `nats://${LOOPBACK}:${port}`;
}

/**
 * What the server on `port` says about itself in its INFO line:
 * 'jetstream', 'no-jetstream' or 'silent' (nothing NATS-like answered).
 * A raw socket is enough, and needs no JetStream client package.
 */
export async function natsStatus(port, { timeoutMs = 2_000 } = {}) {
  const line = await firstLineFrom(port, { timeoutMs });
  if (!line?.startsWith('INFO ')) return 'silent';
  try {
    return JSON.parse(line.slice(5)).jetstream === true ? 'jetstream' : 'no-jetstream';
  } catch {
    return 'silent';
  }
}

/**
 * Starts our own nats-server with JetStream on a free port. The instance is
 * owned by `owner` (this process unless kept); call `discardInstance` to stop it.
 */
export async function startNats({ signal, owner = currentProcess() } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const record = newInstance('nats', owner);
    const port = await freePort();
    const logFile = path.join(record.dir, 'nats.log');
    Object.assign(record, { ports: { client: port }, endpoint: natsUrl(port) });
    saveInstance(record);
    const server = await spawnDetached({
      command: NATS_SERVER,
      args: ['-a', LOOPBACK, '-p', String(port), '-js', '-sd', path.join(record.dir, 'jetstream')],
      cwd: record.dir,
      logFile,
    });
    Object.assign(record, server);
    saveInstance(record);
    try {
      await waitUntil(
        `nats-server with JetStream on ${LOOPBACK}:${port}`,
        async () => {
          if (!isRunning(record)) throw new StopWaiting(`nats-server exited:\n${tailOf(logFile)}`);
          return (await natsStatus(port, { timeoutMs: 1_000 })) === 'jetstream';
        },
        { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, signal },
      );
      return record;
    } catch (error) {
      const portTaken = /address already in use/i.test(tailOf(logFile));
      await discardInstance(record);
      if (portTaken && attempt < 3) continue;
      throw error;
    }
  }
}
