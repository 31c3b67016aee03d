import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { ConcurrencyLimit } from './concurrency-limit';
import type { StructuredOutputMode } from './structured-output';

/** Who a call goes to: one provider is one base URL, key and model. */
export interface ProviderIdentity {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
}

/** What every mind calling one provider shares. */
export interface ProviderState {
  /** sha256 of the identity (so the key itself is never a map key or a log field). */
  readonly key: string;
  readonly limit: ConcurrencyLimit;
  /**
   * The structured output mode the server was last seen to accept after
   * refusing a stronger one; undefined until a refusal. Only ever weakens, so
   * a refusal costs one failed call per provider, not one per call.
   */
  structuredOutput: StructuredOutputMode | undefined;
}

/** The key of a provider; base URLs differing only by a trailing slash are one provider. */
export function providerKey(identity: ProviderIdentity): string {
  return sha256Hex(
    canonicalJson({
      base_url: identity.baseUrl.replace(/\/+$/, ''),
      api_key: identity.apiKey ?? null,
      model: identity.model,
    }),
  );
}

/** A fresh state for one provider (a mind built alone gets one of its own). */
export function newProviderState(
  identity: ProviderIdentity,
  maxConcurrency: number,
): ProviderState {
  return {
    key: providerKey(identity),
    limit: new ConcurrencyLimit(maxConcurrency),
    structuredOutput: undefined,
  };
}

/**
 * The provider states of one process, by provider: every world whose mind
 * calls the same provider shares its concurrency cap and what was learnt of
 * its structured output. A cap asked for by several configs is the strictest.
 */
export class ProviderRegistry {
  private readonly states = new Map<string, ProviderState>();

  state(identity: ProviderIdentity, maxConcurrency: number): ProviderState {
    const key = providerKey(identity);
    const existing = this.states.get(key);
    if (existing !== undefined) {
      existing.limit.lowerTo(maxConcurrency);
      return existing;
    }
    const state = newProviderState(identity, maxConcurrency);
    this.states.set(key, state);
    return state;
  }

  get size(): number {
    return this.states.size;
  }
}
