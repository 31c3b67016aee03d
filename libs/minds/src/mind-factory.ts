import type { Tracer } from '@opentelemetry/api';
import { canonicalJson, sha256Hex } from '@crucible/hashing';
import type { Logger } from '@crucible/telemetry';
import { compileOpenAiMindOptions } from './compile-mind-options';
import type { Mind, MindFactory } from './mind';
import { MIND_DEFAULTS, type MindDefaults } from './mind-defaults';
import { OfflineMind } from './offline-mind';
import { OpenAiCompatibleMind } from './openai-compatible-mind';
import { ProviderRegistry } from './provider-state';
import { SchemaValidators } from './schema-validators';

export interface MindFactoryOptions {
  /** The service's WORLDS_LLM_* defaults (readMindDefaults); default: MIND_DEFAULTS. */
  readonly defaults?: MindDefaults;
  /** Where OPENAI_BASE_URL, OPENAI_API_KEY and `api_key_env` variables are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly tracer?: Tracer;
  readonly logger?: Logger;
}

/**
 * The MindFactory the worlds service hands the kernel. No config or
 * `offline`: the offline mind (one, shared). `openai-compatible`: an
 * OpenAI-compatible mind, one per distinct resolved config, so worlds with
 * the same config share a mind; minds on the same provider (base URL, key,
 * model) share its concurrency cap and what was learnt of its structured
 * output. Throws MindConfigError for a config that cannot work.
 */
export function createMindFactory(options: MindFactoryOptions = {}): MindFactory {
  const defaults = options.defaults ?? MIND_DEFAULTS;
  const env = options.env ?? process.env;
  const deps = {
    ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const offline = new OfflineMind({ ...deps, validators: new SchemaValidators() });
  const providers = new ProviderRegistry();
  const minds = new Map<string, OpenAiCompatibleMind>();

  return (config): Mind => {
    if (config === undefined || config.provider === 'offline') return offline;
    const compiled = compileOpenAiMindOptions(config, defaults, env);
    // The key is part of the identity, hashed so it is never a map key in clear.
    const key = sha256Hex(canonicalJson({ ...compiled, apiKey: compiled.apiKey ?? null }));
    const existing = minds.get(key);
    if (existing !== undefined) return existing;
    const provider = providers.state(
      { baseUrl: compiled.baseUrl, apiKey: compiled.apiKey, model: compiled.model },
      compiled.maxConcurrency,
    );
    const mind = new OpenAiCompatibleMind(compiled, { ...deps, provider });
    minds.set(key, mind);
    return mind;
  };
}
