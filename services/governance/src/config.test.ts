import { EnvReader } from '@crucible/runtime';
import { readGovernanceSettings } from './config';

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  const settings = readGovernanceSettings(reader);
  reader.done();
  return settings;
}

describe('governance settings', () => {
  it('defaults to the offline embedder', () => {
    expect(read({}).embeddings).toEqual({ provider: 'offline' });
  });

  it('reads the OpenAI-compatible embedder with its defaults and overrides', () => {
    expect(read({ GOVERNANCE_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-x' }).embeddings).toEqual({
      provider: 'openai',
      model: 'text-embedding-3-small',
      baseURL: undefined,
      apiKey: 'sk-x',
      dimensions: 1536,
      timeoutMs: 30_000,
      maxRetries: 2,
    });
    expect(
      read({
        GOVERNANCE_EMBEDDINGS: 'openai',
        OPENAI_API_KEY: 'sk-x',
        OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
        GOVERNANCE_EMBEDDING_MODEL: 'nomic-embed-text',
        GOVERNANCE_EMBEDDING_DIMENSIONS: '768',
        GOVERNANCE_EMBEDDING_TIMEOUT_MS: '5000',
        GOVERNANCE_EMBEDDING_MAX_RETRIES: '0',
      }).embeddings,
    ).toMatchObject({
      model: 'nomic-embed-text',
      baseURL: 'http://127.0.0.1:11434/v1',
      dimensions: 768,
      timeoutMs: 5000,
      maxRetries: 0,
    });
  });

  it('refuses openai without a key, and out-of-range numbers', () => {
    expect(() => read({ GOVERNANCE_EMBEDDINGS: 'openai' })).toThrow(/OPENAI_API_KEY is required/);
    expect(() =>
      read({
        GOVERNANCE_EMBEDDINGS: 'openai',
        OPENAI_API_KEY: 'sk-x',
        GOVERNANCE_EMBEDDING_DIMENSIONS: '0',
      }),
    ).toThrow(/GOVERNANCE_EMBEDDING_DIMENSIONS/);
  });
});
