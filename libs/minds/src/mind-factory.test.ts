import { inspect } from 'node:util';
import { isMindConfigError } from './compile-mind-options';
import { MIND_DEFAULTS } from './mind-defaults';
import { createMindFactory } from './mind-factory';
import { OfflineMind } from './offline-mind';
import { OpenAiCompatibleMind } from './openai-compatible-mind';

const local = {
  provider: 'openai-compatible',
  base_url: 'http://127.0.0.1:9/v1',
  model: 'llama',
} as const;

describe('createMindFactory', () => {
  it('gives the offline mind when nothing is configured, or offline is', () => {
    const factory = createMindFactory({ env: {} });
    const none = factory(undefined);
    expect(none).toBeInstanceOf(OfflineMind);
    expect(none.provider).toBe('offline');
    expect(factory({ provider: 'offline', params: { temperature: 1 } })).toBe(none);
  });

  it('builds one OpenAI-compatible mind per distinct config', () => {
    const factory = createMindFactory({
      env: {},
      defaults: { ...MIND_DEFAULTS, maxConcurrency: 3 },
    });
    const mind = factory(local);
    expect(mind).toBeInstanceOf(OpenAiCompatibleMind);
    expect(mind.provider).toBe('openai-compatible');
    expect((mind as OpenAiCompatibleMind).settings).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'llama',
      maxConcurrency: 3,
      hasApiKey: false,
    });
    expect(factory({ ...local })).toBe(mind);
    // Sampling parameters are the requests' business, not the mind's.
    expect(factory({ ...local, params: { seed: 3 } })).toBe(mind);
    expect(factory({ ...local, timeout_ms: 1000 })).not.toBe(mind);
  });

  it('tells keys apart without keeping them in clear', () => {
    const factory = createMindFactory({ env: { KEY_A: 'sk-a', KEY_B: 'sk-b' } });
    const a = factory({ ...local, api_key_env: 'KEY_A' });
    const b = factory({ ...local, api_key_env: 'KEY_B' });
    expect(a).not.toBe(b);
    expect(JSON.stringify(a)).not.toContain('sk-a');
    expect(inspect(a, { depth: 10, showHidden: true })).not.toContain('sk-a');
    expect(factory({ ...local, api_key_env: 'KEY_A' })).toBe(a);
  });

  it('throws a MindConfigError for a config that cannot work, never defaulting to a hosted API keyless', () => {
    const factory = createMindFactory({ env: {} });
    let error: unknown;
    try {
      factory({ provider: 'openai-compatible', model: 'gpt' });
    } catch (caught: unknown) {
      error = caught;
    }
    expect(isMindConfigError(error)).toBe(true);
  });
});
