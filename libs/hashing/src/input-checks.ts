// Checks shared by the hash builders. Each failure names the input field and
// the JSON Pointer of the bad value, so a caller can point at it.
import { InvalidHashInputError } from './errors';
import { jsonPointer, type PathSegment } from './json-pointer';
import { isSha256Hex } from './sha256';
import { isWellFormedString } from './unicode';

function preview(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 72 ? `${value.slice(0, 72)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function invalid(segments: readonly PathSegment[], problem: string): InvalidHashInputError {
  const path = jsonPointer(segments);
  return new InvalidHashInputError(
    String(segments[0] ?? ''),
    path,
    `${path || 'input'}: ${problem}`,
  );
}

/** The input itself must be an object (not null, not an array). */
export function requireRecord(
  value: unknown,
  segments: readonly PathSegment[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(segments, `must be an object, got ${preview(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A list of SHA-256 hex hashes, order kept. */
export function requireHashList(value: unknown, segments: readonly PathSegment[]): string[] {
  if (!Array.isArray(value)) {
    throw invalid(segments, `must be an array of hashes, got ${preview(value)}`);
  }
  return (value as unknown[]).map((hash, index) => requireSha256Hex(hash, [...segments, index]));
}

/** A lowercase hex SHA-256, as every hash in the store is written. */
export function requireSha256Hex(value: unknown, segments: readonly PathSegment[]): string {
  if (!isSha256Hex(value)) {
    throw invalid(
      segments,
      `must be a lowercase hex SHA-256 (64 of [0-9a-f]), got ${preview(value)}`,
    );
  }
  return value;
}

/** A string that has a UTF-8 form (no lone surrogate). */
export function requireText(value: unknown, segments: readonly PathSegment[]): string {
  if (typeof value !== 'string') throw invalid(segments, `must be a string, got ${preview(value)}`);
  if (!isWellFormedString(value)) {
    throw invalid(segments, 'holds a lone surrogate, so it has no UTF-8 form to hash');
  }
  return value;
}

/**
 * A safe integer (exactly representable, so its JSON form is its digits),
 * within [min, max] when bounds are given.
 */
export function requireInteger(
  value: unknown,
  segments: readonly PathSegment[],
  bounds?: { min: number; max: number },
): number {
  const inBounds =
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    (bounds === undefined || (value >= bounds.min && value <= bounds.max));
  if (!inBounds) {
    const wanted =
      bounds === undefined ? 'a safe integer' : `an integer from ${bounds.min} to ${bounds.max}`;
    throw invalid(segments, `must be ${wanted}, got ${preview(value)}`);
  }
  return value;
}

/**
 * A label → hash binding map: a plain object whose keys have a UTF-8 form and
 * whose values are SHA-256 hex. Returned as a null-prototype copy, so a label
 * such as "__proto__" stays an ordinary member.
 */
export function requireHashBindings(
  value: unknown,
  segments: readonly PathSegment[],
): Record<string, string> {
  const proto: unknown =
    typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    throw invalid(segments, `must be a plain object of label → hash, got ${preview(value)}`);
  }
  const source = value as Record<string, unknown>;
  const bindings = Object.create(null) as Record<string, string>;
  for (const label of Object.keys(source)) {
    if (!isWellFormedString(label)) {
      throw invalid([...segments, label], 'label holds a lone surrogate, so it has no UTF-8 form');
    }
    bindings[label] = requireSha256Hex(source[label], [...segments, label]);
  }
  return bindings;
}
