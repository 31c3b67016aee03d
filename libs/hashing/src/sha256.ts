import { hash } from 'node:crypto';

/** Lowercase hex SHA-256: the only hash form this package produces or accepts. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** True when `s` is a string of exactly 64 lowercase hex characters. */
export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && SHA256_HEX_PATTERN.test(s);
}

/**
 * SHA-256 of `data` as 64 lowercase hex characters. A string is hashed as its
 * UTF-8 bytes, exactly as given: no Unicode normalization, no trimming, no
 * newline conversion. This is the raw primitive: like TextEncoder it encodes
 * a lone surrogate (which has no UTF-8 form) as U+FFFD. Content is hashed
 * through textComponentHash / jsonComponentHash, which refuse lone
 * surrogates instead, so no stored address is ever ambiguous.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
