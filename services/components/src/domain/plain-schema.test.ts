import Ajv from 'ajv';
import { SchemaCompilers, checkAdjudicationSchema } from './adjudication-schema';
import { isPlainDraft07 } from './plain-schema';

// The options adjudication-schema.ts compiles with.
const ajv = new Ajv({
  strict: false,
  strictSchema: true,
  strictNumbers: true,
  allErrors: false,
  validateFormats: false,
  code: { optimize: false },
});

function compiles(schema: unknown): boolean {
  try {
    ajv.compile(schema as object);
    return true;
  } catch {
    return false;
  } finally {
    if (typeof schema === 'object') ajv.removeSchema(schema as object);
  }
}

const ADJUDICATION = {
  type: 'object',
  additionalProperties: false,
  description: 'what happened',
  properties: {
    narration: { type: 'string', minLength: 1 },
    mood: { enum: ['calm', 'tense'] },
    moves: {
      type: 'array',
      items: {
        type: 'object',
        properties: { to: { type: 'string', pattern: '^[a-z_]+$' }, at: { type: 'integer' } },
        required: ['to'],
      },
    },
    either: { anyOf: [{ type: 'string' }, { type: 'null' }, true] },
  },
  required: ['narration'],
};

describe('isPlainDraft07', () => {
  it('takes a schema of plain keywords, nested, with boolean subschemas and $schema at the root', () => {
    expect(isPlainDraft07(ADJUDICATION)).toBe(true);
    expect(
      isPlainDraft07({ ...ADJUDICATION, $schema: 'http://json-schema.org/draft-07/schema#' }),
    ).toBe(true);
    expect(isPlainDraft07({ type: 'array', items: [{ type: 'string' }, false] })).toBe(true);
    expect(isPlainDraft07(true)).toBe(true);
  });

  it.each([
    ['$ref', { properties: { a: { $ref: '#/definitions/a' } }, definitions: { a: {} } }],
    ['$id', { $id: 'https://example.test/s.json', type: 'object' }],
    ['if', { if: { type: 'string' } }],
    ['additionalItems', { items: { type: 'string' }, additionalItems: false }],
    ['patternProperties', { properties: { ab: {} }, patternProperties: { '^a': {} } }],
    ['format', { type: 'string', format: 'email' }],
    [
      '$schema below the root',
      { properties: { a: { $schema: 'http://json-schema.org/draft-07/schema#' } } },
    ],
    ['an unknown keyword', { type: 'object', unknownWord: 1 }],
    ['an unknown keyword deep down', { anyOf: [{ not: { items: { nope: true } } }] }],
    ['an empty enum', { properties: { a: { enum: [] } } }],
    ['a pattern not valid with the u flag', { type: 'string', pattern: '\\-' }],
    ['a pattern that is no regular expression', { type: 'string', pattern: '(' }],
  ])('leaves %s to the compile', (_what, schema) => {
    expect(isPlainDraft07(schema)).toBe(false);
  });

  it('leaves a schema nested deeper than 64 to the compile', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 64; i++) deep = { not: deep };
    expect(isPlainDraft07(deep)).toBe(true);
    expect(isPlainDraft07({ not: deep })).toBe(false);
  });

  it('is never true of a meta-valid schema that ajv does not compile (random schemas)', () => {
    let seed = 20261206;
    const random = (): number => {
      // mulberry32: the same schemas every run.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const values: unknown[] = [
      0,
      1,
      -1,
      2.5,
      'a',
      '',
      '(',
      '^[a-z]+$',
      '\\-',
      '\\d',
      true,
      null,
      [],
      ['a'],
      [1, 1],
      {},
      { a: 1 },
    ];
    const keywords = [
      'type',
      'enum',
      'const',
      'multipleOf',
      'maximum',
      'minimum',
      'exclusiveMinimum',
      'maxLength',
      'minLength',
      'pattern',
      'minItems',
      'uniqueItems',
      'required',
      'properties',
      'additionalProperties',
      'items',
      'allOf',
      'anyOf',
      'oneOf',
      'not',
      'title',
      'description',
      'default',
      'examples',
      'readOnly',
      '$comment',
      'format',
      'if',
      'then',
      'contains',
      'propertyNames',
      'nullable',
      'typo',
    ];
    const schema = (depth: number): unknown => {
      if (depth > 3 || random() < 0.1) return pick([true, false, {}]);
      const out: Record<string, unknown> = {};
      const count = 1 + Math.floor(random() * 4);
      for (let i = 0; i < count; i++) {
        const keyword = pick(keywords);
        const sub = (): unknown => schema(depth + 1);
        switch (keyword) {
          case 'type':
            out.type =
              random() < 0.8
                ? pick(['string', 'object', 'array', 'integer', 'null'])
                : pick(values);
            break;
          case 'properties':
            out.properties = { a: sub(), 'b c': sub(), __proto__x: sub() };
            break;
          case 'items':
            out.items = random() < 0.5 ? sub() : [sub(), sub()];
            break;
          case 'allOf':
          case 'anyOf':
          case 'oneOf':
            out[keyword] = random() < 0.9 ? [sub(), sub()] : pick(values);
            break;
          case 'not':
          case 'additionalProperties':
          case 'if':
          case 'then':
          case 'contains':
          case 'propertyNames':
            out[keyword] = sub();
            break;
          default:
            out[keyword] = pick(values);
        }
      }
      return out;
    };
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const candidate = schema(0);
      if (ajv.validateSchema(candidate as object) !== true || !isPlainDraft07(candidate)) continue;
      plain += 1;
      if (!compiles(candidate))
        throw new Error(`taken as plain, not compiled: ${JSON.stringify(candidate)}`);
    }
    // Enough of them are taken for the property to say something.
    expect(plain).toBeGreaterThan(300);
  });
});

describe('checkAdjudicationSchema with plain schemas', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compiles neither a plain schema nor counts one, and compiles what is not plain', () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const compilers = new SchemaCompilers(2);
    const draft07 = compilers.forDialect(undefined);
    checkAdjudicationSchema(ADJUDICATION, '/s', compilers);
    checkAdjudicationSchema({ ...ADJUDICATION, title: 'another' }, '/s', compilers);
    expect(compile).not.toHaveBeenCalled();
    // No compile was counted: the limit of two is not passed, the instance is the same.
    expect(compilers.forDialect(undefined)).toBe(draft07);
    const withRef = { properties: { a: { $ref: '#/definitions/a' } }, definitions: { a: {} } };
    checkAdjudicationSchema(withRef, '/s', compilers);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('refuses a meta-invalid or empty-enum schema with the compile error, as before', () => {
    for (const schema of [{ type: 'nope' }, { properties: { a: { enum: [] } } }]) {
      expect(() => checkAdjudicationSchema(schema, '/p')).toThrow(
        /^\/p: not a usable JSON Schema: /,
      );
    }
  });
});
