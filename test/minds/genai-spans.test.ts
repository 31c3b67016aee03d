import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { initTelemetry, type Telemetry } from '@crucible/telemetry';
import { InMemorySpanExporter } from '@crucible/telemetry/testing';
import { answer, createLlmServer, type LlmServer } from '../support';
import { VALID_ADJUDICATION, adjudicateRequest, mindOn, perceiveRequest } from './mind-fixtures';

// The GenAI client span of each LLM call, as exported by the SDK.
describe('OpenAiCompatibleMind: GenAI spans', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let server: LlmServer;

  beforeAll(() => {
    telemetry = initTelemetry({ serviceName: 'minds-span-test', exporter, env: {} });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });
  beforeEach(async () => {
    exporter.reset();
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('records a CLIENT span "chat {model}" with the request, response and usage attributes', async () => {
    server.enqueue(
      answer.json(VALID_ADJUDICATION, {
        usage: { input_tokens: 120, output_tokens: 45 },
        model: 'scripted-model-2026',
      }),
    );
    const mind = mindOn(server, {}, { tracer: telemetry.tracer });
    await mind.complete(
      adjudicateRequest({
        params: { temperature: 0.3, top_p: 0.8, max_tokens: 512, seed: 11 },
        purpose: {
          world_slug: 'ants',
          turn: 7,
          agent_id: 'ant-2',
          phase: 'adjudicate',
          attempt: 1,
        },
      }),
    );
    await telemetry.forceFlush();
    const [span] = exporter.getFinishedSpans();
    const port = Number(new URL(server.baseUrl).port);
    expect(span!.name).toBe('chat scripted-model');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'scripted-model',
      'gen_ai.output.type': 'json',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.request.max_tokens': 512,
      'gen_ai.request.seed': 11,
      'gen_ai.response.model': 'scripted-model-2026',
      'gen_ai.response.id': 'chatcmpl-scripted-0',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 45,
      'openai.api.type': 'chat_completions',
      'server.address': '127.0.0.1',
      'server.port': port,
      'crucible.world.slug': 'ants',
      'crucible.turn': 7,
      'crucible.agent.id': 'ant-2',
      'crucible.phase': 'adjudicate',
      'crucible.attempt': 1,
      'crucible.mind.tries': 1,
      'crucible.mind.queue_ms': expect.any(Number),
      'crucible.mind.structured_output': 'json_schema',
    });
  });

  it('is a child of the caller span, and covers the retries, with an event per retry', async () => {
    server.enqueue(answer.rateLimited({ retryAfterMs: 30 }), answer.text('ok'));
    const mind = mindOn(server, {}, { tracer: telemetry.tracer });
    const parent = telemetry.tracer.startSpan('turn');
    await context.with(trace.setSpan(context.active(), parent), () =>
      mind.complete(perceiveRequest()),
    );
    parent.end();
    await telemetry.forceFlush();
    const chat = exporter.getFinishedSpans().find((s) => s.name === 'chat scripted-model')!;
    expect(chat.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(chat.attributes['crucible.mind.tries']).toBe(2);
    expect(chat.events.map((e) => [e.name, e.attributes?.['error.type']])).toEqual([
      ['gen_ai.retry', 'rate_limited'],
    ]);
  });

  it('types a failed call by its failure kind, with ERROR status', async () => {
    server.handle(() => answer.rateLimited({ retryAfterMs: 10 }));
    const mind = mindOn(server, { maxRetries: 1 }, { tracer: telemetry.tracer });
    await expect(mind.complete(perceiveRequest())).rejects.toMatchObject({ kind: 'rate_limited' });
    await telemetry.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('rate_limited');
    expect(span!.attributes['crucible.mind.tries']).toBe(2);
    expect(span!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span!.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('leaves token counts out when the server sends none', async () => {
    server.enqueue(answer.text('ok', { usage: null }));
    await mindOn(server, {}, { tracer: telemetry.tracer }).complete(perceiveRequest());
    await telemetry.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span!.attributes['crucible.usage.reported']).toBe(false);
    expect(span!.attributes['gen_ai.output.type']).toBe('text');
  });
});
