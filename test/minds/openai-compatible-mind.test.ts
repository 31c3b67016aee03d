import { answer, createLlmServer, type LlmServer } from '../support';
import { mindOn, perceiveRequest } from './mind-fixtures';

// The OpenAI-compatible mind against the scripted server over real HTTP:
// what it sends and what it returns when the server answers.
describe('OpenAiCompatibleMind: answers', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('returns the content, usage, served model, finish reason, latency and tries', async () => {
    server.enqueue(
      answer.text('A crumb lies by the table leg.', {
        usage: { input_tokens: 57, output_tokens: 8 },
        model: 'scripted-model-2026-01',
        finishReason: 'stop',
        delayMs: 60,
      }),
    );
    const mind = mindOn(server);
    const response = await mind.complete(perceiveRequest());
    expect(response).toEqual({
      content: 'A crumb lies by the table leg.',
      usage: { input_tokens: 57, output_tokens: 8 },
      provider: 'openai-compatible',
      model: 'scripted-model-2026-01',
      finish_reason: 'stop',
      latency_ms: expect.any(Number),
      tries: 1,
    });
    expect(response.latency_ms).toBeGreaterThanOrEqual(60);
    expect(response.latency_ms).toBeLessThan(5_000);
  });

  it('sends the model, the messages, every sampling parameter and the seed', async () => {
    server.enqueue(answer.text('ok'));
    const mind = mindOn(server);
    const request = perceiveRequest({
      params: {
        temperature: 0.7,
        top_p: 0.9,
        max_tokens: 256,
        seed: 42,
        presence_penalty: 0.1,
        frequency_penalty: -0.2,
        stop: ['\n\n'],
      },
    });
    await mind.complete(request);
    const [received] = server.requests;
    expect(received!.body).toEqual({
      model: 'scripted-model',
      messages: request.messages,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 256,
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: -0.2,
      stop: ['\n\n'],
    });
    // A local server without a key still gets the placeholder, never a real one.
    expect(received!.headers['authorization']).toBe('Bearer sk-no-key-required');
  });

  it('leaves unset parameters to the server and sends no response_format for text', async () => {
    server.enqueue(answer.text('ok'));
    await mindOn(server).complete(perceiveRequest());
    expect(Object.keys(server.requests[0]!.body).sort()).toEqual(['messages', 'model']);
  });

  it('uses its configured model when a request names none, and sends the key it has', async () => {
    server.enqueue(answer.text('ok'));
    const mind = mindOn(server, { model: 'local-llama', apiKey: 'sk-test-key' });
    const response = await mind.complete(perceiveRequest({ model: '' }));
    expect(server.requests[0]!.model).toBe('local-llama');
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer sk-test-key');
    expect(response.model).toBe('local-llama');
  });

  it('counts 0 tokens, flagged, when the server sends no usage', async () => {
    server.enqueue(answer.text('ok', { usage: null }));
    const response = await mindOn(server).complete(perceiveRequest());
    expect(response.usage).toEqual({ input_tokens: 0, output_tokens: 0, reported: false });
  });
});
