import type { EnvReader } from '@crucible/runtime';

/**
 * The governance service's own settings, read once at start by its process
 * and by the all-in-one platform alike (the connection variables are
 * ServiceEnv's, in @crucible/runtime).
 */
export interface GovernanceSettings {
  /** GOVERNANCE_ESCALATION_POLL_MS: how often due escalation timers are looked for, in ms (default 1000). */
  readonly escalationPollMs: number;
  /** Where memory embeddings come from. */
  readonly embeddings: EmbeddingsSettings;
}

export type EmbeddingsSettings =
  /** GOVERNANCE_EMBEDDINGS=offline (default): the deterministic offline embedder. */
  | { readonly provider: 'offline' }
  | {
      /** GOVERNANCE_EMBEDDINGS=openai: an OpenAI-compatible embeddings endpoint. */
      readonly provider: 'openai';
      /** GOVERNANCE_EMBEDDING_MODEL (default text-embedding-3-small). */
      readonly model: string;
      /** OPENAI_BASE_URL (default: the client's, api.openai.com). */
      readonly baseURL: string | undefined;
      /** OPENAI_API_KEY (required with openai; never logged or stored). */
      readonly apiKey: string;
      /**
       * GOVERNANCE_EMBEDDING_DIMENSIONS (default 1536, text-embedding-3-small's):
       * the length every vector must have; another length is refused, since
       * vectors of two lengths cannot be compared.
       */
      readonly dimensions: number;
      /** GOVERNANCE_EMBEDDING_TIMEOUT_MS (default 30000): longest wait for one embeddings request. */
      readonly timeoutMs: number;
      /** GOVERNANCE_EMBEDDING_MAX_RETRIES (default 2): retries of a 429, 5xx, timeout or lost connection. */
      readonly maxRetries: number;
    };

export const DEFAULT_GOVERNANCE_SETTINGS: GovernanceSettings = {
  escalationPollMs: 1000,
  embeddings: { provider: 'offline' },
};

/** Reads the GovernanceSettings variables (problems are collected by the reader). */
export function readGovernanceSettings(reader: EnvReader): GovernanceSettings {
  const provider = reader.pattern(
    'GOVERNANCE_EMBEDDINGS',
    'offline',
    /^(offline|openai)$/,
    'offline or openai',
  );
  const model = reader.string('GOVERNANCE_EMBEDDING_MODEL', 'text-embedding-3-small');
  const baseURL = reader.optional('OPENAI_BASE_URL');
  const apiKey = reader.optional('OPENAI_API_KEY');
  const dimensions = reader.int('GOVERNANCE_EMBEDDING_DIMENSIONS', 1536, { min: 1, max: 16_384 });
  const timeoutMs = reader.int('GOVERNANCE_EMBEDDING_TIMEOUT_MS', 30_000, {
    min: 100,
    max: 600_000,
  });
  const maxRetries = reader.int('GOVERNANCE_EMBEDDING_MAX_RETRIES', 2, { min: 0, max: 10 });
  let embeddings: EmbeddingsSettings = { provider: 'offline' };
  if (provider === 'openai') {
    if (apiKey === undefined)
      reader.problem('OPENAI_API_KEY is required with GOVERNANCE_EMBEDDINGS=openai');
    embeddings = {
      provider: 'openai',
      model,
      baseURL,
      apiKey: apiKey ?? '',
      dimensions,
      timeoutMs,
      maxRetries,
    };
  }
  return {
    escalationPollMs: reader.int(
      'GOVERNANCE_ESCALATION_POLL_MS',
      DEFAULT_GOVERNANCE_SETTINGS.escalationPollMs,
      { min: 10, max: 600_000 },
    ),
    embeddings,
  };
}
