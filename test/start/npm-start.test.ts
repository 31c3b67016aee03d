import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegistry } from '@crucible/platform';
import {
  TEST_ADMIN_TOKEN,
  createTestDatabase,
  http,
  testInfra,
  uniqueName,
  type TestDatabase,
} from '../support';
import { commandOf, descendantsOf, isRunning } from './process-tree';

// `npm start` as a user runs it, stopped as a user stops it: a signal to npm,
// to scripts/start.mjs, or Ctrl+C (SIGINT to the whole process group). Every
// process it started must be gone within the grace period, and the port free.
const ROOT = join(__dirname, '..', '..');
// scripts/start.mjs kills a child still running 20 s after the signal.
const STOP_GRACE_MS = 20_000;

type Target = 'npm' | 'start.mjs' | 'process group';
type StopSignal = 'SIGINT' | 'SIGTERM';

interface Started {
  readonly npmPid: number;
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm start` in a process group of its own (so a group signal reaches nothing else). */
function npmStart(env: Record<string, string>): Started {
  // The npm running this test when there is one, else the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli?.endsWith('npm-cli.js')
    ? [process.execPath, [npmCli, 'start']]
    : ['npm', ['start']];
  // Jest's NODE_OPTIONS are not the user's; and no real infrastructure unless asked.
  const {
    NODE_OPTIONS: _options,
    DATABASE_URL: _database,
    NATS_URL: _nats,
    KAFKA_BROKERS: _kafka,
    ...inherited
  } = process.env;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const wakers = new Set<() => void>();
  const append = (chunk: string) => {
    output += chunk;
    for (const wake of wakers) wake();
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const wake of wakers) wake();
      resolve({ code, signal });
    }),
  );
  return {
    npmPid: child.pid!,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`npm start exited before printing ${pattern}:\n${output}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`npm start did not print ${pattern} in time:\n${output}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, 500));
          wakers.add(wake);
        });
      }
    },
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Sends `signal` to `target`, then checks that everything stopped in time and cleanly. */
async function stopAndCheck(
  started: Started,
  url: string,
  target: Target,
  signal: StopSignal,
): Promise<void> {
  expect((await http(`${url}/health`, 'GET')).status).toBe(200);
  const tree = descendantsOf(started.npmPid);
  const startScript = tree.find((pid) => commandOf(pid).includes('scripts/start.mjs'));
  expect(startScript).toBeDefined();
  const sentAt = Date.now();
  if (target === 'npm') process.kill(started.npmPid, signal);
  else if (target === 'start.mjs') process.kill(startScript!, signal);
  else process.kill(-started.npmPid, signal);

  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_GRACE_MS + 5_000).unref(),
  );
  const exit = await Promise.race([started.exited, timeout]);
  if (exit === 'timeout')
    throw new Error(`npm start still runs after ${signal}:\n${started.output()}`);
  expect(Date.now() - sentAt).toBeLessThan(STOP_GRACE_MS);
  expect({ exit, left: tree.filter(isRunning).map(commandOf) }).toEqual({
    exit: { code: 0, signal: null },
    left: [],
  });
  expect(await portIsFree(Number(new URL(url).port))).toBe(true);
}

/** Whatever a failed test left: the group, then any process of the tree that escaped it. */
function killLeftovers(started: Started | undefined, tree: number[]): void {
  if (!started) return;
  try {
    process.kill(-started.npmPid, 'SIGKILL');
  } catch {
    // already gone
  }
  for (const pid of tree.filter(isRunning)) process.kill(pid, 'SIGKILL');
}

// Each of npm and start.mjs gets each signal in one of the two modes (the
// path through start.mjs is the same in both), and Ctrl+C is tried in both:
// there every process gets SIGINT from the terminal, the children twice.
const EMBEDDED_CASES: Array<[Target, StopSignal]> = [
  ['npm', 'SIGTERM'],
  ['start.mjs', 'SIGINT'],
  ['process group', 'SIGINT'],
];
const REAL_CASES: Array<[Target, StopSignal]> = [
  ['npm', 'SIGINT'],
  ['start.mjs', 'SIGTERM'],
  ['process group', 'SIGINT'],
];

describe('stopping npm start on the embedded default', () => {
  // One data folder for every case: PGlite opens an existing one much faster,
  // and each case checks that the previous one let go of it.
  const dataDir = mkdtempSync(join(tmpdir(), 'crucible-npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(EMBEDDED_CASES)(
    '%s given %s stops every process and frees the port',
    async (target, signal) => {
      let started: Started | undefined;
      let tree: number[] = [];
      try {
        started = npmStart({ CRUCIBLE_DATA_DIR: dataDir, PORT: '0' });
        const [, url] = await started.waitFor(/HTTP API\s+(http:\/\/[^/\s]+)\/v1/);
        tree = descendantsOf(started.npmPid);
        expect(tree.map(commandOf).some((c) => c.includes('services/platform/dist/main.js'))).toBe(
          true,
        );
        // No CRUCIBLE_ADMIN_TOKEN: the token kept in the data folder (made by
        // the first case), printed, readable by this user only, and required.
        const file = join(dataDir, 'admin-token');
        const [, token] = await started.waitFor(/Admin token \(kept in [^)]+\): (\S+)/);
        expect(readFileSync(file, 'utf8').trim()).toBe(token);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const names = `${url!}/v1/names`;
        expect(
          (await http(names, 'GET', undefined, { authorization: `Bearer ${token}` })).status,
        ).toBe(200);
        expect((await http(names, 'GET', undefined, { authorization: '' })).status).toBe(401);
        await stopAndCheck(started, url!, target, signal);
      } finally {
        killLeftovers(started, tree);
      }
    },
    120_000,
  );
});

describe('stopping npm start on real infrastructure', () => {
  const services = readRegistry().map((entry) => entry.name);
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(REAL_CASES)(
    '%s given %s stops every process and frees the port',
    async (target, signal) => {
      const infra = testInfra();
      let started: Started | undefined;
      let tree: number[] = [];
      try {
        started = npmStart({
          CRUCIBLE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          DATABASE_URL: database.url,
          NATS_URL: infra.natsUrl,
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          CRUCIBLE_PREFIX: uniqueName('p'),
          PORT: '0',
        });
        const [, url] = await started.waitFor(/\[gateway\] .*"msg":"listening".*"url":"([^"]+)"/);
        for (const name of services)
          await started.waitFor(new RegExp(`\\[${name}\\] .*"msg":"ready"`));
        tree = descendantsOf(started.npmPid);
        const commands = tree.map(commandOf);
        for (const name of [...services, 'gateway'])
          expect(commands.some((c) => c.includes(`services/${name}/dist/main.js`))).toBe(true);
        await stopAndCheck(started, url!, target, signal);
      } finally {
        killLeftovers(started, tree);
      }
    },
    150_000,
  );
});
