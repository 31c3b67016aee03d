#!/usr/bin/env node
// `npm start`. Builds what changed, then:
// - with DATABASE_URL, NATS_URL and KAFKA_BROKERS set: every service as its own
//   process on that infrastructure, the gateway in front;
// - otherwise: the whole platform in one process on the embedded default
//   (PGlite in CRUCIBLE_DATA_DIR, in-process bus and event log).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

// The services a real deployment runs, each its own process (gateway last).
const SERVICES = ['components', 'names', 'scenarios', 'gateway'];

function build() {
  const started = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(node, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('build failed; see the errors above');
    process.exit(result.status ?? 1);
  }
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function runEmbedded() {
  const child = spawn(node, [join(root, 'services/platform/dist/main.js')], {
    cwd: root,
    stdio: 'inherit',
  });
  forwardSignals([child]);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runDistributed() {
  const children = [];
  let stopping = false;
  for (const name of SERVICES) {
    const child = spawn(node, [join(root, `services/${name}/dist/main.js`)], {
      cwd: root,
      env: { ...process.env, OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(child.stdout, process.stdout, name);
    prefixLines(child.stderr, process.stderr, name);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${name} exited (${signal ?? code}); stopping the others`);
        stopping = true;
        for (const other of children) if (other !== child) other.kill('SIGTERM');
      }
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null))
        process.exit(code ?? 1);
    });
    children.push(child);
  }
  forwardSignals(children, () => (stopping = true));
  const port = process.env.PORT ?? '8080';
  const host = process.env.HOST ?? '127.0.0.1';
  console.log(
    `Crucible services starting on real infrastructure; the gateway will listen on http://${host}:${port} (MCP at /mcp)`,
  );
}

function forwardSignals(children, onStop = () => {}) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      onStop();
      for (const child of children) child.kill(signal);
    });
  }
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

build();
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
