import OpenAI from 'openai';
import { unavailable } from '@crucible/contracts';
import { OFFLINE_DIMENSIONS, normalize, offlineEmbedding } from '../domain/offline-embedder';

/** Turns texts into unit vectors; vectors of one `model` are comparable. */
export interface Embedder {
  readonly model: string;
  embed(text: string): Promise<number[]>;
}

/** The deterministic offline embedder (`npm start` and tests): no network. */
export class OfflineEmbedder implements Embedder {
  readonly model = `offline-hash-${OFFLINE_DIMENSIONS}`;

  embed(text: string): Promise<number[]> {
    return Promise.resolve(offlineEmbedding(text));
  }
}

/** How to reach an OpenAI-compatible embeddings endpoint (GovernanceSettings.embeddings). */
export interface OpenAiEmbedderOptions {
  readonly model: string;
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  /** The length every vector must have. */
  readonly dimensions: number;
  /** Longest wait for one request, in ms (a timeout is retried like a 5xx). */
  readonly timeoutMs: number;
  /** Retries of a 429, a 5xx, a timeout or a lost connection (the client's backoff, Retry-After honoured). */
  readonly maxRetries: number;
}

/**
 * An OpenAI-compatible embeddings endpoint through the official client.
 * Failures, once the client's retries are spent, are `unavailable`
 * (reason `embeddings_unavailable`, retryable); a vector of another length
 * than `dimensions` is `unavailable` with reason `embedding_dimensions_mismatch`
 * (stored vectors of two lengths could not be compared). Either way the
 * caller stores nothing.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly dimensions: number;

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async embed(text: string): Promise<number[]> {
    let vector: readonly number[] | undefined;
    try {
      // float, not the client's default base64: every compatible server speaks it.
      const response = await this.client.embeddings.create({
        model: this.model,
        input: text,
        encoding_format: 'float',
      });
      vector = response.data[0]?.embedding;
    } catch (error) {
      throw unavailable('the embeddings provider did not answer', {
        reason: 'embeddings_unavailable',
        service: 'embeddings',
        cause: error instanceof Error ? error.message : String(error),
      });
    }
    if (vector === undefined || !vector.every((x) => Number.isFinite(x))) {
      throw unavailable('the embeddings provider answered no usable vector', {
        reason: 'embeddings_unavailable',
        service: 'embeddings',
      });
    }
    if (vector.length !== this.dimensions) {
      throw unavailable(
        `the embeddings provider answered ${vector.length} dimensions, ${this.dimensions} are configured (GOVERNANCE_EMBEDDING_DIMENSIONS)`,
        {
          reason: 'embedding_dimensions_mismatch',
          service: 'embeddings',
          expected: this.dimensions,
          actual: vector.length,
        },
      );
    }
    return normalize(vector);
  }
}
