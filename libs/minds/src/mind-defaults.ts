import type { EnvReader } from '@crucible/runtime';

/**
 * The worlds service's defaults for OpenAI-compatible minds, for what a
 * world's `mind` leaves unset. Read once at start from WORLDS_LLM_*
 * (docs/services/worlds-minds.md lists them).
 */
export interface MindDefaults {
  /** WORLDS_LLM_MODEL: the model of a mind that names none. Unset: such a mind is a config error. */
  readonly model: string | undefined;
  /** WORLDS_LLM_TIMEOUT_MS: longest wait for one HTTP attempt's answer (default 120000). */
  readonly timeoutMs: number;
  /** WORLDS_LLM_DEADLINE_MS: longest a call may take with its retries, queue wait excluded (default 600000). */
  readonly deadlineMs: number;
  /** WORLDS_LLM_MAX_RETRIES: retries after a failed attempt (default 2). */
  readonly maxRetries: number;
  /** WORLDS_LLM_MAX_CONCURRENCY: calls in flight at once per provider (default 4). */
  readonly maxConcurrency: number;
  /** WORLDS_LLM_BACKOFF_MS: first wait between retries when the server names none; doubles up to 8 s (default 500). */
  readonly backoffInitialMs: number;
  /**
   * WORLDS_LLM_MAX_RETRY_AFTER_MS: longest Retry-After honoured (default
   * 60000); a server asking for longer fails the call at once as rate_limited.
   */
  readonly maxRetryAfterMs: number;
}

export const MIND_DEFAULTS: MindDefaults = {
  model: undefined,
  timeoutMs: 120_000,
  deadlineMs: 600_000,
  maxRetries: 2,
  maxConcurrency: 4,
  backoffInitialMs: 500,
  maxRetryAfterMs: 60_000,
};

/** Cap on the computed backoff (the openai client's own cap). */
export const MAX_BACKOFF_MS = 8_000;

/** Reads WORLDS_LLM_*; problems are collected by the reader (its `done()` throws them). */
export function readMindDefaults(reader: EnvReader): MindDefaults {
  const d = MIND_DEFAULTS;
  return {
    model: reader.optional('WORLDS_LLM_MODEL'),
    timeoutMs: reader.int('WORLDS_LLM_TIMEOUT_MS', d.timeoutMs, { min: 100, max: 600_000 }),
    deadlineMs: reader.int('WORLDS_LLM_DEADLINE_MS', d.deadlineMs, { min: 100, max: 3_600_000 }),
    maxRetries: reader.int('WORLDS_LLM_MAX_RETRIES', d.maxRetries, { min: 0, max: 10 }),
    maxConcurrency: reader.int('WORLDS_LLM_MAX_CONCURRENCY', d.maxConcurrency, {
      min: 1,
      max: 256,
    }),
    backoffInitialMs: reader.int('WORLDS_LLM_BACKOFF_MS', d.backoffInitialMs, {
      min: 1,
      max: 60_000,
    }),
    maxRetryAfterMs: reader.int('WORLDS_LLM_MAX_RETRY_AFTER_MS', d.maxRetryAfterMs, {
      min: 0,
      max: 3_600_000,
    }),
  };
}
