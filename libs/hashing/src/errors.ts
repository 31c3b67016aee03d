/**
 * Why a value has no canonical JSON form. A closed set: callers switch on it
 * rather than parsing messages.
 */
export type NotJsonReason =
  | 'nan'
  | 'infinity'
  | 'undefined'
  | 'function'
  | 'symbol'
  | 'bigint'
  | 'cycle'
  | 'lone_surrogate'
  | 'lone_surrogate_in_key'
  | 'non_plain_object'
  | 'too_deep';

/**
 * Thrown by `canonicalJson` (and everything built on it: canonicalJsonBytes,
 * jsonComponentHash, componentHash) when the value, or something inside it,
 * cannot be written as RFC 8785 canonical JSON. `path` is an RFC 6901 JSON Pointer to
 * the offending value ('' is the root, '/entities/0/name' a nested member).
 */
export class NotJsonError extends Error {
  override readonly name = 'NotJsonError';
  readonly code = 'NOT_JSON' as const;

  constructor(
    readonly reason: NotJsonReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by the hash builders (`textComponentHash`, `componentHash`,
 * `cognitionProfileHash`, `scenarioManifestHash`) when an input is malformed.
 * `field` is the top-level input field; `path` is a JSON Pointer into the
 * input ('/entity_hashes/2', '/cognition_profiles/subject').
 */
export class InvalidHashInputError extends Error {
  override readonly name = 'InvalidHashInputError';
  readonly code = 'INVALID_HASH_INPUT' as const;

  constructor(
    readonly field: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
