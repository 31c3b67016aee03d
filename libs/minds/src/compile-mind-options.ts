import type { MindConfig } from './mind';
import { MAX_BACKOFF_MS, type MindDefaults } from './mind-defaults';
import type { OpenAiCompatibleMindOptions } from './openai-compatible-mind';

/** The openai client's own default, used when neither the world nor OPENAI_BASE_URL names one. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const MIND_CONFIG_ERROR = Symbol.for('@crucible/minds.MindConfigError');

/**
 * A world's `mind` cannot be used as configured (no model, no key for a
 * hosted API, an unset api_key_env variable, a base URL that is not http).
 * `path` is the JSON Pointer of the field within the mind config.
 */
export class MindConfigError extends Error {
  override readonly name = 'MindConfigError';
  readonly code = 'mind_config' as const;

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    Object.defineProperty(this, MIND_CONFIG_ERROR, { value: true });
  }
}

/** True for a MindConfigError from any copy of this module. */
export function isMindConfigError(value: unknown): value is MindConfigError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [MIND_CONFIG_ERROR]?: unknown })[MIND_CONFIG_ERROR] === true
  );
}

type OpenAiCompatibleConfig = Extract<MindConfig, { provider: 'openai-compatible' }>;

/**
 * The fully defaulted options of an OpenAI-compatible mind: the world's
 * config first, then the openai client's usual variables (OPENAI_BASE_URL,
 * OPENAI_API_KEY, or the variable `api_key_env` names), then the service's
 * defaults. A hosted API without a key is an error here, not a 401 later;
 * a loopback server may need none.
 */
export function compileOpenAiMindOptions(
  config: OpenAiCompatibleConfig,
  defaults: MindDefaults,
  env: NodeJS.ProcessEnv,
): OpenAiCompatibleMindOptions {
  const baseUrl = config.base_url ?? nonEmpty(env['OPENAI_BASE_URL']) ?? OPENAI_DEFAULT_BASE_URL;
  const url = httpUrl(baseUrl, config.base_url === undefined ? 'OPENAI_BASE_URL' : undefined);
  const model = config.model ?? defaults.model;
  if (model === undefined) {
    throw new MindConfigError(
      '/model',
      'the mind names no model: set mind.model, or WORLDS_LLM_MODEL for the service',
    );
  }
  return {
    baseUrl,
    apiKey: apiKey(config, env, url),
    model,
    timeoutMs: config.timeout_ms ?? defaults.timeoutMs,
    deadlineMs: defaults.deadlineMs,
    maxRetries: config.max_retries ?? defaults.maxRetries,
    maxConcurrency: config.max_concurrency ?? defaults.maxConcurrency,
    structuredOutput: config.structured_output ?? 'json_schema',
    backoff: {
      initialMs: defaults.backoffInitialMs,
      maxMs: Math.max(MAX_BACKOFF_MS, defaults.backoffInitialMs),
      maxRetryAfterMs: defaults.maxRetryAfterMs,
    },
  };
}

function apiKey(
  config: OpenAiCompatibleConfig,
  env: NodeJS.ProcessEnv,
  url: URL,
): string | undefined {
  if (config.api_key_env !== undefined) {
    const key = nonEmpty(env[config.api_key_env]);
    if (key === undefined) {
      throw new MindConfigError(
        '/api_key_env',
        `the mind reads its API key from ${config.api_key_env}, which is not set`,
      );
    }
    return key;
  }
  const key = nonEmpty(env['OPENAI_API_KEY']);
  if (key === undefined && !isLoopback(url)) {
    throw new MindConfigError(
      '/api_key_env',
      `no API key for ${url.origin}: set OPENAI_API_KEY, or name the variable that holds it in mind.api_key_env`,
    );
  }
  return key;
}

/** Whether a URL points at this machine (where vLLM, llama.cpp or Ollama may need no key). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

function httpUrl(value: string, variable: string | undefined): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const where = variable === undefined ? 'mind.base_url' : variable;
    throw new MindConfigError(
      '/base_url',
      `${where} is not an http(s) URL: ${JSON.stringify(value)}`,
    );
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
