import type Ajv from 'ajv';
import { _, str, type KeywordCxt, type KeywordDefinition } from 'ajv';

/**
 * Code points in a string: a surrogate pair counts once, a lone surrogate
 * once (what ajv's own `ucs2length` counts, which JSON Schema's string
 * length is).
 */
export function codePointLength(text: string): number {
  const units = text.length;
  let count = 0;
  for (let i = 0; i < units; i++) {
    count++;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < units) {
      if ((text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
  }
  return count;
}

/**
 * `maxLength` and `minLength` as ajv's own keywords check them (the same
 * errors: keyword, params `{limit}`, message), counting code points only
 * when the UTF-16 length leaves the answer open. A string has at most as
 * many code points as code units and at least half as many, so
 * `length <= max` passes maxLength, `length < min` fails minLength and
 * `length >= 2 * min` passes it, without walking the string. ajv walks
 * every string to count (measured: ~5 us for a 2 KB text, 14% of a
 * client's CPU per call and 19% of a server's in the peer bench; see
 * docs/messaging.md).
 */
const STRING_LENGTH_KEYWORDS: KeywordDefinition = {
  keyword: ['maxLength', 'minLength'],
  type: 'string',
  schemaType: 'number',
  $data: true,
  // Where ajv's definitions sit: a string breaking several keywords
  // reports the same one first.
  before: 'pattern',
  error: {
    message: ({ keyword, schemaCode }) =>
      str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code(cxt: KeywordCxt) {
    const { keyword, data, schemaCode, gen } = cxt;
    const count = gen.scopeValue('func', { ref: codePointLength });
    cxt.fail$data(
      keyword === 'maxLength'
        ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}`
        : _`${data}.length < ${schemaCode} || (${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode})`,
    );
  },
};

/** Replaces ajv's `maxLength` and `minLength` with STRING_LENGTH_KEYWORDS, before any schema compiles. */
export function useStringLengthKeywords(ajv: Ajv): void {
  ajv.removeKeyword('maxLength').removeKeyword('minLength');
  ajv.addKeyword(STRING_LENGTH_KEYWORDS);
}
