import { internal } from '@crucible/contracts';
import {
  decodeJson,
  decodeMessage,
  encodeError,
  encodeJson,
  encodeMessage,
  encodeResult,
  resultJson,
} from './codec';

describe('resultJson', () => {
  it('is the result as encodeResult encoded it, without decoding', () => {
    for (const result of [{ hash: 'a', was_new: true }, [1, 'two'], 'text', 0, null]) {
      const inner = resultJson(encodeResult(result));
      expect(inner && decodeJson(inner)).toEqual(result);
    }
  });

  it('is undefined for an error reply and for replies encoded another way', () => {
    expect(resultJson(encodeError(internal()))).toBeUndefined();
    expect(resultJson(encodeJson({ result: 1, extra: true }).subarray(0, 12))).toBeUndefined();
    expect(resultJson(new TextEncoder().encode('{ "result": 1 }'))).toBeUndefined();
    expect(resultJson(new Uint8Array())).toBeUndefined();
  });
});

describe('what a message text proves of its strings', () => {
  const BAD = ['nul \u0000 here', 'lone \ud800 high', 'lone \udc00 low', '\udc00\ud800'];
  const GOOD = ['plain', '“curly” — text', 'pair \u{1F600} ok', 'new\nline\ttab'];

  it('encodeMessage: clean only when no string holds a NUL or a lone surrogate', () => {
    for (const text of GOOD) {
      expect(encodeMessage({ text })?.known.cleanStrings).toBe(true);
      expect(encodeMessage({ [text]: 1 })?.known.cleanStrings).toBe(true);
    }
    for (const text of BAD) {
      expect(encodeMessage({ text })?.known.cleanStrings).toBe(false);
      expect(encodeMessage({ [text]: 1 })?.known.cleanStrings).toBe(false);
      expect(encodeMessage([[{ deep: text }]])?.known.cleanStrings).toBe(false);
    }
  });

  it('encodeMessage: the same bytes as encodeJson, undefined when there is no JSON', () => {
    const value = { a: ['“x”', 1, null], b: { c: true } };
    expect(encodeMessage(value)?.bytes).toEqual(encodeJson(value));
    expect(encodeMessage(undefined)).toBeUndefined();
    expect(encodeMessage({ big: 1n })).toBeUndefined();
  });

  it('decodeMessage: clean only without \\u escapes; raw NULs never parse', () => {
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(decodeMessage(bytes('{"a":"“x”\\n"}')).known.cleanStrings).toBe(true);
    expect(decodeMessage(bytes('{"a":"\\ud800"}')).known.cleanStrings).toBe(false);
    expect(decodeMessage(bytes('{"\\u0000":1}')).known.cleanStrings).toBe(false);
    // An escaped backslash before a u only costs the full search.
    expect(decodeMessage(bytes('{"a":"\\\\u"}')).known.cleanStrings).toBe(false);
    expect(() => decodeMessage(bytes('{"a":"\u0000"}'))).toThrow();
    expect(() => decodeMessage(bytes('{"a":1}\u0000'))).toThrow();
  });
});

describe('encodeJson', () => {
  it('writes the UTF-8 of the JSON, each message its own bytes across slabs and sizes', () => {
    const texts = ['', 'a', 'é“x”', 'pair \u{1F600} ok', 'lone \ud800 high'];
    // Short and long (a buffer of their own), one-, two-, three- and four-byte characters.
    for (const size of [1, 100, 1_000, 4_100, 20_000])
      texts.push('x'.repeat(size), 'é'.repeat(size), '“'.repeat(size), '\u{1F600}'.repeat(size));
    const encoded: Array<[unknown, Uint8Array]> = [];
    // Enough messages to fill many slabs; earlier ones must keep their bytes.
    for (let round = 0; round < 40; round++)
      for (const text of texts) {
        const value = { text, round };
        encoded.push([value, encodeJson(value)]);
      }
    for (const [value, bytes] of encoded)
      expect(Buffer.from(bytes).equals(Buffer.from(JSON.stringify(value), 'utf8'))).toBe(true);
  });
});
