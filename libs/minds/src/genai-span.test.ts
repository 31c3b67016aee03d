import {
  chatErrorAttributes,
  chatRequestAttributes,
  chatResponseAttributes,
  chatSpanName,
  serverAttributes,
} from './genai-span';
import type { MindRequest } from './mind';

const request: MindRequest = {
  model: 'gpt-x',
  messages: [{ role: 'user', content: 'hi' }],
  params: { temperature: 0.2, top_p: 0.5, max_tokens: 100, seed: 7, stop: ['\n'] },
  response_format: { type: 'json_schema', name: 'a', schema: {} },
  purpose: { world_slug: 'ants', turn: 4, agent_id: 'ant-1', phase: 'adjudicate', attempt: 1 },
};

describe('GenAI span attributes', () => {
  it('names the span "chat {model}"', () => {
    expect(chatSpanName('gpt-x')).toBe('chat gpt-x');
  });

  it('records what was asked, of whom and why', () => {
    expect(chatRequestAttributes('openai', 'gpt-x', request)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-x',
      'gen_ai.output.type': 'json',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['\n'],
      'crucible.world.slug': 'ants',
      'crucible.turn': 4,
      'crucible.agent.id': 'ant-1',
      'crucible.phase': 'adjudicate',
      'crucible.attempt': 1,
    });
    const bare = chatRequestAttributes('openai', 'm', {
      ...request,
      params: {},
      response_format: { type: 'text' },
    });
    expect(Object.keys(bare).filter((key) => key.startsWith('gen_ai.request.'))).toEqual([
      'gen_ai.request.model',
    ]);
    expect(bare['gen_ai.output.type']).toBe('text');
  });

  it('records the server, defaulting the port from the scheme', () => {
    expect(serverAttributes('https://api.example.com/v1')).toEqual({
      'server.address': 'api.example.com',
      'server.port': 443,
    });
    expect(serverAttributes('http://127.0.0.1:8080/v1')).toEqual({
      'server.address': '127.0.0.1',
      'server.port': 8080,
    });
    expect(serverAttributes('http://[::1]/v1')).toEqual({
      'server.address': '::1',
      'server.port': 80,
    });
  });

  it('records who answered, why it stopped and the tokens', () => {
    expect(
      chatResponseAttributes({
        model: 'gpt-x-2026',
        finishReason: 'stop',
        usage: { input_tokens: 10, output_tokens: 3 },
        tries: 2,
        responseId: 'chatcmpl-1',
        systemFingerprint: 'fp',
      }),
    ).toEqual({
      'gen_ai.response.model': 'gpt-x-2026',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 3,
      'openai.response.system_fingerprint': 'fp',
      'crucible.mind.tries': 2,
    });
  });

  it('leaves token counts out when the server reported none', () => {
    const attributes = chatResponseAttributes({
      model: 'm',
      finishReason: 'stop',
      usage: { input_tokens: 0, output_tokens: 0, reported: false },
      tries: 1,
    });
    expect(attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(attributes['crucible.usage.reported']).toBe(false);
  });

  it('types a failure by its kind', () => {
    expect(chatErrorAttributes('rate_limited', 3)).toEqual({
      'error.type': 'rate_limited',
      'crucible.mind.tries': 3,
    });
  });
});
