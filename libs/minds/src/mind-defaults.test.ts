import { ConfigError, EnvReader } from '@crucible/runtime';
import { MIND_DEFAULTS, readMindDefaults } from './mind-defaults';

describe('readMindDefaults', () => {
  it('defaults everything when nothing is set', () => {
    const reader = new EnvReader({});
    expect(readMindDefaults(reader)).toEqual(MIND_DEFAULTS);
    reader.done();
  });

  it('reads every WORLDS_LLM_ variable', () => {
    const reader = new EnvReader({
      WORLDS_LLM_MODEL: 'gpt-4o-mini',
      WORLDS_LLM_TIMEOUT_MS: '30000',
      WORLDS_LLM_DEADLINE_MS: '90000',
      WORLDS_LLM_MAX_RETRIES: '5',
      WORLDS_LLM_MAX_CONCURRENCY: '8',
      WORLDS_LLM_BACKOFF_MS: '250',
      WORLDS_LLM_MAX_RETRY_AFTER_MS: '0',
    });
    expect(readMindDefaults(reader)).toEqual({
      model: 'gpt-4o-mini',
      timeoutMs: 30000,
      deadlineMs: 90000,
      maxRetries: 5,
      maxConcurrency: 8,
      backoffInitialMs: 250,
      maxRetryAfterMs: 0,
    });
    reader.done();
  });

  it('reports every bad value at once', () => {
    const reader = new EnvReader({
      WORLDS_LLM_MAX_CONCURRENCY: '0',
      WORLDS_LLM_TIMEOUT_MS: 'soon',
    });
    readMindDefaults(reader);
    expect(() => reader.done()).toThrow(ConfigError);
    try {
      reader.done();
    } catch (error: unknown) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
