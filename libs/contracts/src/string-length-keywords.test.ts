import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { codePointLength, useStringLengthKeywords } from './string-length-keywords';

// The registry's options (schema-registry.ts).
const options = { strict: true, allowUnionTypes: true, allErrors: false, verbose: true } as const;

function ajvPair(): { ours: Ajv; theirs: Ajv } {
  const ours = new Ajv(options);
  addFormats(ours);
  useStringLengthKeywords(ours);
  const theirs = new Ajv(options);
  addFormats(theirs);
  return { ours, theirs };
}

const PAIR = '\u{1F600}'; // one code point, two code units
const HIGH = '\ud800';
const LOW = '\udc00';

// Strings whose code units and code points differ in every way that matters.
const STRINGS = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  PAIR,
  PAIR + PAIR,
  PAIR + 'a',
  'a' + PAIR + 'b',
  PAIR.repeat(3),
  HIGH,
  LOW,
  HIGH + HIGH,
  LOW + HIGH,
  HIGH + 'a',
  'a' + HIGH,
  PAIR + HIGH + PAIR,
  '“curly” — text',
  'x'.repeat(9),
  PAIR.repeat(5) + 'x'.repeat(3),
  // A low half after something that is not a high one, and the edges of both ranges.
  'a' + LOW,
  LOW + LOW,
  HIGH + LOW + LOW,
  '\udbff\udfff',
  '\ud7ff\udc00',
  '\udc00\udc00\udfff',
  '\ue000\udc00',
];

const SCHEMAS: object[] = [];
for (const limit of [0, 1, 2, 3, 4, 5, 8])
  SCHEMAS.push({ type: 'string', minLength: limit }, { type: 'string', maxLength: limit });
SCHEMAS.push(
  { type: 'string', minLength: 2, maxLength: 3 },
  { type: 'string', maxLength: 2, minLength: 3 },
  // Several keywords broken at once: the same one is reported first.
  { type: 'string', pattern: '^[a-z]*$', maxLength: 2 },
  { type: 'string', pattern: '^[a-z]*$', minLength: 4 },
  { type: 'string', format: 'date-time', maxLength: 1 },
  { type: 'object', properties: { s: { type: 'string', maxLength: 2 } } },
);

function comparable(errors: ErrorObject[] | null | undefined): unknown {
  return (errors ?? []).map(({ keyword, instancePath, schemaPath, params, message, data }) => ({
    keyword,
    instancePath,
    schemaPath,
    params,
    message,
    data,
  }));
}

describe('string length keywords', () => {
  it('count code points as ajv does', () => {
    for (const text of STRINGS) expect(codePointLength(text)).toBe([...text].length);
  });

  it('accept, refuse and report exactly as ajv’s own', () => {
    const { ours, theirs } = ajvPair();
    for (const schema of SCHEMAS) {
      const [a, b] = [ours.compile(schema), theirs.compile(schema)];
      for (const text of STRINGS) {
        const value = (schema as { type?: string }).type === 'object' ? { s: text } : text;
        const verdict = a(value);
        expect({ schema, text, verdict }).toEqual({ schema, text, verdict: b(value) });
        expect(comparable(a.errors)).toEqual(comparable(b.errors));
      }
    }
  });

  it('take $data limits', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'number' }, s: { type: 'string', maxLength: { $data: '1/n' } } },
    };
    const a = new Ajv({ ...options, $data: true });
    addFormats(a);
    useStringLengthKeywords(a);
    const b = new Ajv({ ...options, $data: true });
    const [va, vb] = [a.compile(schema), b.compile(schema)];
    for (const n of [0, 1, 2, 3])
      for (const s of STRINGS) {
        expect(va({ n, s })).toBe(vb({ n, s }));
        expect(comparable(va.errors)).toEqual(comparable(vb.errors));
      }
  });
});
