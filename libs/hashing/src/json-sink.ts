/**
 * Where canonical JSON is written. One traversal (canonical-json.ts) feeds
 * either sink, so the string and the bytes follow one set of rules; a
 * property test checks they agree byte for byte.
 */
export interface JsonSink {
  /** One ASCII structural character, by code: [ ] { } or an array's comma. */
  punctuation(code: number): void;
  /** An ASCII-only token: a number's digits, true, false, null. */
  ascii(s: string): void;
  /**
   * `s` as a quoted JSON string escaped per RFC 8785; false, with nothing
   * written, when `s` holds a lone surrogate.
   */
  jsonString(s: string): boolean;
  /**
   * An object member's key and the colon after it, preceded by a comma unless
   * it is the first member; false, with nothing written, for a lone surrogate.
   */
  memberKey(key: string, first: boolean): boolean;
}
