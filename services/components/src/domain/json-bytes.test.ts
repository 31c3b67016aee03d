import { canonicalJson } from '@crucible/hashing';
import { jsonBytes } from './json-bytes';

describe('jsonBytes', () => {
  it.each([
    ['plain ASCII', 'A room.'],
    ['quotes and backslashes', 'He said "hi" \\ C:\\path\\'],
    ['control characters', 'nul-free \b\t\n\f\r \u0001\u001f \u007f'],
    ['non-ASCII', 'café naïve € \u2028\u2029 דּ'],
    ['emoji', '🐜 ant 😀 and a ZWJ 👩‍👩‍👧'],
  ])('is the UTF-8 length of the JSON string literal: %s', (_name, text) => {
    expect(jsonBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text), 'utf8'));
    // The same bytes the text adds inside a canonical document.
    const wrapped = Buffer.byteLength(canonicalJson({ a: text }), 'utf8');
    expect(jsonBytes(text)).toBe(wrapped - Buffer.byteLength('{"a":}'));
  });

  it('is the canonical JSON length of a JSON value, whatever its key order', () => {
    const schema = { type: 'object', properties: { b: { type: 'string' }, a: { minimum: 1.0 } } };
    expect(jsonBytes(schema)).toBe(
      Buffer.byteLength('{"properties":{"a":{"minimum":1},"b":{"type":"string"}},"type":"object"}'),
    );
  });
});
