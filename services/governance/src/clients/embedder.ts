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

/**
 * An OpenAI-compatible embeddings endpoint through the official client. Its
 * failures are `unavailable` (retryable): the memory is not stored.
 */
export class OpenAiEmbedder implements Embedder {
  private readonly client: OpenAI;

  constructor(
    readonly model: string,
    options: { apiKey: string; baseURL?: string; timeoutMs: number },
  ) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 1,
    });
  }

  async embed(text: string): Promise<number[]> {
    try {
      const response = await this.client.embeddings.create({ model: this.model, input: text });
      const vector = response.data[0]?.embedding;
      if (vector === undefined) throw new Error('the embeddings endpoint answered no vector');
      return normalize(vector);
    } catch (error) {
      throw unavailable('the embeddings provider did not answer', {
        reason: 'embeddings_unavailable',
        service: 'embeddings',
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
