// `String.prototype.isWellFormed` ships with Node 20 (V8 11.3) but is typed
// only from lib ES2024; the regex is the fallback for runtimes without it.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when `s` has no lone surrogate, i.e. it is a sequence of Unicode scalar
 * values and therefore has exactly one UTF-8 encoding.
 */
export const isWellFormedString: (s: string) => boolean =
  nativeIsWellFormed === undefined ? isWellFormedByPattern : (s) => nativeIsWellFormed.call(s);

/** The fallback: no high surrogate without a low one after it, no low one without a high one before it. */
export function isWellFormedByPattern(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
