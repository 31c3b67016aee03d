import { LRUCache } from 'lru-cache';

/**
 * Immutable reads by hash (a component never changes once stored, so an
 * entry never goes stale), least recently used dropped first, bounded by the
 * summed size estimate of its values; an entry larger than the budget is not
 * kept. Misses are never cached (a stored marker is a value too).
 */
export type ReadCache = LRUCache<string, NonNullable<unknown>>;

/**
 * A read cache of `maxBytes`. Zero (COMPONENTS_CACHE_MB=0) keeps nothing:
 * lru-cache needs a positive budget, and one byte holds no reply.
 */
export function readCache(maxBytes: number): ReadCache {
  return new LRUCache<string, NonNullable<unknown>>({ maxSize: Math.max(1, maxBytes) });
}
