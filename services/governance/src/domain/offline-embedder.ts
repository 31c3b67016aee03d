import { createHash } from 'node:crypto';
import { canonicalJson } from '@crucible/hashing';

/** Dimensions of the offline embedding. */
export const OFFLINE_DIMENSIONS = 256;

/**
 * The deterministic offline embedding of a text: each lowercase word (and
 * each pair of neighbouring words) is hashed (sha256) to one dimension and a
 * sign, the counts are L2-normalised. Texts sharing words are near; the same
 * text always gives the same vector, on every machine. Pure.
 */
export function offlineEmbedding(text: string): number[] {
  const vector = new Array<number>(OFFLINE_DIMENSIONS).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  // words[i] precedes w (slice(1) shifted the indices by one).
  const features = [...words, ...words.slice(1).map((w, i) => `${words[i] as string} ${w}`)];
  for (const feature of features) {
    const digest = createHash('sha256').update(feature, 'utf8').digest();
    const index = digest.readUInt16BE(0) % OFFLINE_DIMENSIONS;
    vector[index] = (vector[index] ?? 0) + ((digest[2] ?? 0) & 1 ? 1 : -1);
  }
  return normalize(vector);
}

/** The vector scaled to length 1 (a zero vector stays zero). */
export function normalize(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm === 0 ? [...vector] : vector.map((x) => x / norm);
}

/** The text a datum is embedded from: its `text` field when it is a string, else its canonical JSON. */
export function datumText(data: Record<string, unknown>): string {
  return typeof data.text === 'string' ? data.text : canonicalJson(data);
}
