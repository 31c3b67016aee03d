// Where a string scan has to stop: characters JCS escapes (controls, '"',
// '\\') and surrogates (a pair is kept, a lone one is refused). Most strings
// match nothing and are used whole after one native scan. Global so that
// `lastIndex` walks the matches without allocating match arrays.
// eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
const STOP = /[\u0000-\u001f"\\\ud800-\udfff]/g;

// What JSON.stringify (and so RFC 8785) writes for each code unit it escapes:
// the two-character forms where JSON has one, \u00XX (lowercase hex) else.
const ESCAPES: readonly string[] = (() => {
  const escapes: string[] = [];
  for (let code = 0; code < 0x20; code++) {
    escapes[code] = '\\u' + code.toString(16).padStart(4, '0');
  }
  escapes[0x08] = '\\b';
  escapes[0x09] = '\\t';
  escapes[0x0a] = '\\n';
  escapes[0x0c] = '\\f';
  escapes[0x0d] = '\\r';
  escapes[0x22] = '\\"';
  escapes[0x5c] = '\\\\';
  return escapes;
})();

/**
 * The characters of `s` as they appear between the quotes of its JSON string
 * literal, escaped exactly as JSON.stringify (and RFC 8785) does; `s` itself
 * when nothing needs escaping. Undefined when `s` holds a lone surrogate,
 * which has no UTF-8 form and so no canonical JSON form.
 */
export function escapeJsonStringContent(s: string): string | undefined {
  STOP.lastIndex = 0;
  if (!STOP.test(s)) return s;
  // Only the stops are visited in JavaScript; the stretches between them are
  // slices, so this beats JSON.stringify's per-character loop on V8 11.
  let escaped = '';
  let copiedUpTo = 0;
  do {
    const at = STOP.lastIndex - 1;
    const code = s.charCodeAt(at);
    if (code < 0xd800) {
      escaped += s.slice(copiedUpTo, at) + (ESCAPES[code] as string);
      copiedUpTo = at + 1;
    } else if (code <= 0xdbff && (s.charCodeAt(at + 1) & 0xfc00) === 0xdc00) {
      STOP.lastIndex = at + 2;
    } else {
      // A pair is consumed at its high half, so a low surrogate seen here
      // has no high one before it; a high one here has no low one after it.
      return undefined;
    }
  } while (STOP.test(s));
  return copiedUpTo === 0 ? s : escaped + s.slice(copiedUpTo);
}
