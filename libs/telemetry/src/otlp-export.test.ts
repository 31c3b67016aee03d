import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { createOtlpJsonReceiver } from './otlp-json-receiver';

// Auto-instrumentation patches modules through require-in-the-middle, which
// jest's module loader bypasses; the OTLP exporter also needs dynamic import(),
// which jest forbids without --experimental-vm-modules. So this runs the built
// package in a real `node` child, as services run in production.
const packageDir = path.resolve(__dirname, '..');

beforeAll(() => {
  // Incremental: a no-op when dist is current, and the child must not run stale code.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', packageDir], {
    stdio: 'pipe',
  });
}, 60_000);

// The service's main: telemetry already registered by `-r`, so http is patched.
const childMain = `
  const { initTelemetry } = require('@crucible/telemetry');
  const telemetry = initTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME });
  const http = require('node:http');
  const server = http.createServer((req, res) => res.end('pong'));
  server.listen(0, '127.0.0.1', () => {
    http.get('http://127.0.0.1:' + server.address().port + '/ping', (res) => {
      res.resume();
      res.on('end', () => server.close(() => telemetry.shutdown().then(
        () => process.exit(0),
        (error) => { console.error(error); process.exit(1); },
      )));
    });
  });
`;

interface ChildResult {
  readonly code: number | null;
  readonly stderr: string;
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within 8 s; stderr: ${stderr}`));
    }, 8_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function childEnv(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  delete env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  delete env['OTEL_TRACES_SAMPLER'];
  return env;
}

it('receives the client and server spans of one HTTP call, in one trace', async () => {
  const receiver = await createOtlpJsonReceiver();
  try {
    const result = await runNode(
      ['-r', '@crucible/telemetry/register', '-e', childMain],
      childEnv({ OTEL_SERVICE_NAME: 'otlp-child', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
    );
    expect(result).toEqual({ code: 0, stderr: '' });

    // shutdown() flushed before exit, so both spans are already here.
    const spans = await receiver.waitFor(
      (all) =>
        all.some((s) => s.kind === SpanKind.SERVER) && all.some((s) => s.kind === SpanKind.CLIENT),
      2_000,
    );
    const client = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.traceId).toBe(client.traceId);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(client.parentSpanId).toBeUndefined();
    expect(server).toMatchObject({
      serviceName: 'otlp-child',
      scopeName: '@opentelemetry/instrumentation-http',
      attributes: { 'url.path': '/ping', 'http.response.status_code': 200 },
    });
    expect(client.attributes['url.full']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ping$/);
  } finally {
    await receiver.close();
  }
}, 10_000);

it('refuses to start the register entry without OTEL_SERVICE_NAME', async () => {
  const env = childEnv({});
  delete env['OTEL_SERVICE_NAME'];
  const result = await runNode(['-r', '@crucible/telemetry/register', '-e', ''], env);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('OTEL_SERVICE_NAME must be set');
}, 10_000);
