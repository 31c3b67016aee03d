import {
  compileOpenAiMindOptions,
  isLoopback,
  isMindConfigError,
  type MindConfigError,
} from './compile-mind-options';
import { MIND_DEFAULTS } from './mind-defaults';

const local = {
  provider: 'openai-compatible',
  base_url: 'http://127.0.0.1:8000/v1',
  model: 'llama',
} as const;

function configError(run: () => unknown): MindConfigError {
  try {
    run();
  } catch (error: unknown) {
    if (isMindConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a MindConfigError');
}

describe('compileOpenAiMindOptions', () => {
  it('takes the world config first and the service defaults for the rest', () => {
    expect(compileOpenAiMindOptions(local, MIND_DEFAULTS, {})).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKey: undefined,
      model: 'llama',
      timeoutMs: 120_000,
      deadlineMs: 600_000,
      maxRetries: 2,
      maxConcurrency: 4,
      structuredOutput: 'json_schema',
      backoff: { initialMs: 500, maxMs: 8_000, maxRetryAfterMs: 60_000 },
    });
    const tuned = compileOpenAiMindOptions(
      {
        ...local,
        timeout_ms: 5000,
        max_retries: 0,
        max_concurrency: 16,
        structured_output: 'json_object',
      },
      { ...MIND_DEFAULTS, deadlineMs: 9000 },
      {},
    );
    expect(tuned).toMatchObject({
      timeoutMs: 5000,
      maxRetries: 0,
      maxConcurrency: 16,
      structuredOutput: 'json_object',
      deadlineMs: 9000,
    });
  });

  it('falls back to OPENAI_BASE_URL and OPENAI_API_KEY, as the openai client does', () => {
    const options = compileOpenAiMindOptions(
      { provider: 'openai-compatible', model: 'm' },
      MIND_DEFAULTS,
      { OPENAI_BASE_URL: 'https://llm.example.com/v1', OPENAI_API_KEY: 'sk-env' },
    );
    expect(options).toMatchObject({ baseUrl: 'https://llm.example.com/v1', apiKey: 'sk-env' });
    expect(
      compileOpenAiMindOptions({ provider: 'openai-compatible', model: 'm' }, MIND_DEFAULTS, {
        OPENAI_API_KEY: 'k',
      }).baseUrl,
    ).toBe('https://api.openai.com/v1');
  });

  it('reads the key from the variable api_key_env names', () => {
    const options = compileOpenAiMindOptions(
      { ...local, api_key_env: 'MY_LLM_KEY' },
      MIND_DEFAULTS,
      {
        MY_LLM_KEY: 'sk-mine',
        OPENAI_API_KEY: 'sk-other',
      },
    );
    expect(options.apiKey).toBe('sk-mine');
    const error = configError(() =>
      compileOpenAiMindOptions({ ...local, api_key_env: 'MY_LLM_KEY' }, MIND_DEFAULTS, {
        OPENAI_API_KEY: 'x',
      }),
    );
    expect(error).toMatchObject({ path: '/api_key_env', code: 'mind_config' });
    expect(error.message).toContain('MY_LLM_KEY');
  });

  it('refuses a hosted API without a key, and lets a local server go without', () => {
    const hosted = configError(() =>
      compileOpenAiMindOptions({ provider: 'openai-compatible', model: 'm' }, MIND_DEFAULTS, {}),
    );
    expect(hosted.path).toBe('/api_key_env');
    expect(hosted.message).toContain('https://api.openai.com');
    for (const base_url of [
      'http://localhost:11434/v1',
      'http://127.0.0.2:8080/v1',
      'http://[::1]:8000/v1',
    ]) {
      expect(
        compileOpenAiMindOptions({ ...local, base_url }, MIND_DEFAULTS, {}).apiKey,
      ).toBeUndefined();
    }
  });

  it('needs a model from the world or the service', () => {
    expect(
      configError(() => compileOpenAiMindOptions({ ...local, model: undefined }, MIND_DEFAULTS, {}))
        .path,
    ).toBe('/model');
    expect(
      compileOpenAiMindOptions(
        { ...local, model: undefined },
        { ...MIND_DEFAULTS, model: 'qwen' },
        {},
      ).model,
    ).toBe('qwen');
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(
      configError(() =>
        compileOpenAiMindOptions({ ...local, base_url: 'ftp://x/v1' }, MIND_DEFAULTS, {}),
      ).path,
    ).toBe('/base_url');
    const fromEnv = configError(() =>
      compileOpenAiMindOptions({ provider: 'openai-compatible', model: 'm' }, MIND_DEFAULTS, {
        OPENAI_BASE_URL: 'nope',
      }),
    );
    expect(fromEnv.message).toContain('OPENAI_BASE_URL');
  });
});

describe('isLoopback', () => {
  it('knows this machine by name and address', () => {
    for (const url of [
      'http://localhost/',
      'http://api.localhost/',
      'http://127.0.0.1/',
      'http://[::1]/',
    ]) {
      expect([url, isLoopback(new URL(url))]).toEqual([url, true]);
    }
    for (const url of [
      'https://api.openai.com/',
      'http://10.0.0.1/',
      'http://localhost.example.com/',
    ]) {
      expect([url, isLoopback(new URL(url))]).toEqual([url, false]);
    }
  });
});
