/**
 * `[t0,t1,...]` as UTF-8 bytes, each text (JSON already) written in as it
 * is: the value of a `$n::json` parameter read with `json_array_elements`,
 * whose elements keep their text byte for byte. `pg` sends a Buffer as it
 * is (in binary format, which for json is the text), where an array of
 * strings it would write as a `text[]` literal, escaping every quote and
 * backslash with two regular expressions per element, and a string joined
 * from many it would measure and copy again. Either way a large batch (a
 * turn of 100 agents writes some 0.7 MB of call requests and audit
 * envelopes) made strings of V8's large-object space, which always come
 * from new memory: measured, most of their cost was page faults. A Buffer
 * comes from memory the process reuses (docs/architecture.md, "Large
 * parameters").
 */
export function jsonArrayBytes(texts: readonly string[]): Buffer {
  let size = texts.length === 0 ? 2 : texts.length + 1;
  for (const text of texts) size += Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  bytes[at++] = 0x5b; // [
  texts.forEach((text, i) => {
    if (i > 0) bytes[at++] = 0x2c; // ,
    at += bytes.write(text, at, 'utf8');
  });
  bytes[at++] = 0x5d; // ]
  return bytes;
}
