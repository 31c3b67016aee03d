/**
 * A deterministic random source in [0, 1) seeded from a hex digest
 * (mulberry32 over its first 32 bits): the offline mind's answers vary with
 * the request and never between two runs of the same request.
 */
export function seededRandom(hexSeed: string): () => number {
  let state = Number.parseInt(hexSeed.slice(0, 8).padEnd(8, '0'), 16) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, chosen by `random` (the first when there is only one). */
export function pick<T>(items: readonly [T, ...T[]], random: () => number): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}
