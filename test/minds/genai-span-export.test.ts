import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { createOtlpJsonReceiver, type OtlpJsonReceiver } from '@crucible/telemetry/testing';
import { answer, createLlmServer, type LlmServer } from '../support';
import { adjudicateRequest, mindOptions, VALID_ADJUDICATION } from './mind-fixtures';

// The OTLP exporter needs dynamic import(), which jest forbids, so the mind
// runs in a real node child from the built package, as in the service, and
// exports over OTLP/HTTP JSON to a receiver here; the LLM server is ours too.
const repoRoot = path.resolve(__dirname, '../..');

const childMain = `
  const { initTelemetry } = require('@crucible/telemetry');
  const telemetry = initTelemetry({ serviceName: 'minds-otlp-child' });
  const { OpenAiCompatibleMind } = require('@crucible/worlds');
  const mind = new OpenAiCompatibleMind(JSON.parse(process.env.MIND_OPTIONS), { tracer: telemetry.tracer });
  mind.complete(JSON.parse(process.env.MIND_REQUEST))
    .then(() => telemetry.shutdown())
    .then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
`;

beforeAll(() => {
  // Incremental: a no-op when dist is current; the child must not run stale code.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'services/worlds'], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
}, 120_000);

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-e', childMain], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within 15 s; stderr: ${stderr}`));
    }, 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('GenAI span over OTLP', () => {
  let receiver: OtlpJsonReceiver | undefined;
  let server: LlmServer | undefined;

  afterEach(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('exports the chat span with its gen_ai attributes', async () => {
    receiver = await createOtlpJsonReceiver();
    server = await createLlmServer();
    server.enqueue(
      answer.json(VALID_ADJUDICATION, { usage: { input_tokens: 80, output_tokens: 20 } }),
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      MIND_OPTIONS: JSON.stringify(mindOptions(server)),
      MIND_REQUEST: JSON.stringify(
        adjudicateRequest({
          params: { temperature: 0.5, seed: 99, max_tokens: 300 },
          purpose: {
            world_slug: 'ants',
            turn: 2,
            agent_id: 'ant-1',
            phase: 'adjudicate',
            attempt: 0,
          },
        }),
      ),
    };
    const result = await runChild(env);
    expect(result).toEqual({ code: 0, stderr: '' });

    const spans = await receiver.waitFor(
      (all) => all.some((s) => s.name.startsWith('chat ')),
      5_000,
    );
    const chat = spans.find((s) => s.name === 'chat scripted-model')!;
    expect(chat).toMatchObject({
      kind: SpanKind.CLIENT,
      serviceName: 'minds-otlp-child',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'scripted-model',
        'gen_ai.response.model': 'scripted-model',
        'gen_ai.request.temperature': 0.5,
        'gen_ai.request.seed': 99,
        'gen_ai.request.max_tokens': 300,
        'gen_ai.usage.input_tokens': 80,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.response.finish_reasons': ['stop'],
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(server.baseUrl).port),
        'crucible.world.slug': 'ants',
        'crucible.turn': 2,
        'crucible.agent.id': 'ant-1',
        'crucible.phase': 'adjudicate',
      },
    });
    expect(server.requests).toHaveLength(1);
    // The chat span is the call's only span: its HTTP request is not traced
    // (no client span of its own, no trace headers sent to the LLM server).
    expect(spans.map((s) => s.name)).toEqual(['chat scripted-model']);
    expect(server.requests[0]?.headers['traceparent']).toBeUndefined();
  }, 30_000);
});
