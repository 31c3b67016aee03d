// A nats-server of a test's own, on a free loopback port, for tests that stop
// the server or give it a configuration (permissions): the run's shared
// server is never stopped or reconfigured (test/infra/README.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NATS_SERVER = process.env['CRUCIBLE_NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';
const LOOPBACK = '127.0.0.1';

export interface TestNatsServer {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: it vanishes as in a crash); resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port and configuration. */
  restart(): Promise<void>;
  /** Kills it and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface (the OS picks; we close at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a NATS server greets on `port` with its INFO line. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: LOOPBACK, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('utf8').startsWith('INFO ')));
  });
}

/**
 * Starts nats-server on a free port with `config` (nats-server configuration
 * text, e.g. from `natsServerConfig`) when given; resolves once it greets.
 */
export async function startTestNatsServer(config?: string): Promise<TestNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-nats-'));
  const port = await freePort();
  const args = ['-a', LOOPBACK, '-p', String(port)];
  if (config !== undefined) {
    const file = join(dir, 'nats.conf');
    writeFileSync(file, config);
    args.push('-c', file);
  }
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    const started = spawn(NATS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const deadline = Date.now() + 15_000;
    while (!(await greets(port))) {
      if (started.exitCode !== null)
        throw new Error(`nats-server exited (${started.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  try {
    await launch();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://${LOOPBACK}:${port}`,
    port,
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
