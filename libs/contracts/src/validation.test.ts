import { CrucibleError } from './errors';
import { defaultCatalog } from './catalog';
import { thrownBy } from './testing';
import {
  MAX_JSON_DEPTH,
  assertValid,
  cleanStringsIn,
  findUnrepresentable,
  joinPointer,
} from './validation';

function failure(file: string, value: unknown): CrucibleError {
  return thrownBy(() => assertValid(defaultCatalog().registry, file, value), CrucibleError);
}

const ENTITY = 'components/put_entity.request.v1.json';
const PROFILE = 'components/put_cognition_profile.request.v1.json';
const H = 'a'.repeat(64);

describe('request validation', () => {
  it('accepts a valid entity', () => {
    expect(() =>
      assertValid(defaultCatalog().registry, ENTITY, {
        content: {
          id: 'ant',
          name: 'Ant',
          environment: 'plate',
          kind: { agent: { goal: 'eat', cognition_profile: 'ant' } },
        },
      }),
    ).not.toThrow();
  });

  it.each([
    [
      'missing field',
      { content: { id: 'ant', name: 'Ant' } },
      '/content/environment',
      'missing_field',
    ],
    [
      'unknown field',
      { content: { id: 'ant', name: 'Ant', environment: 'p', color: 'red' } },
      '/content/color',
      'unknown_field',
    ],
    [
      'wrong type',
      { content: { id: 'ant', name: 7, environment: 'p' } },
      '/content/name',
      'wrong_type',
    ],
    [
      'label grammar',
      { content: { id: 'Ant!', name: 'Ant', environment: 'p' } },
      '/content/id',
      'invalid_label',
    ],
    [
      'empty string',
      { content: { id: 'ant', name: '', environment: 'p' } },
      '/content/name',
      'empty_text',
    ],
    [
      'deep oneOf branch',
      {
        content: {
          id: 'ant',
          name: 'Ant',
          environment: 'p',
          kind: { agent: { goal: 1, cognition_profile: 'x' } },
        },
      },
      '/content/kind/agent/goal',
      'wrong_type',
    ],
    ['top-level not an object', [], '', 'wrong_type'],
  ])('%s', (_name, value, path, reason) => {
    const error = failure(ENTITY, value);
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({ path, reason });
  });

  it('names hash-or-inline refs that carry both or neither key', () => {
    const base = {
      perceive_system: { hash: H },
      intend_system: { inline: 'intend' },
      adjudicate_system: { inline: 'adjudicate' },
      adjudication_schema: { inline: { type: 'object' } },
      adjudication_retry_budget: 2,
    };
    expect(
      failure(PROFILE, { ...base, perceive_system: { hash: H, inline: 'x' } }).details,
    ).toMatchObject({
      path: '/perceive_system',
      reason: 'invalid_ref',
    });
    expect(failure(PROFILE, { ...base, intend_system: {} }).details).toMatchObject({
      path: '/intend_system',
      reason: 'invalid_ref',
    });
    expect(failure(PROFILE, { ...base, perceive_system: { hash: 'ABC' } }).details).toMatchObject({
      path: '/perceive_system/hash',
      reason: 'invalid_hash',
    });
    expect(failure(PROFILE, { ...base, adjudication_retry_budget: 11 }).details).toMatchObject({
      path: '/adjudication_retry_budget',
      reason: 'retry_budget_out_of_range',
    });
  });

  it('names what replaced a refused legacy field', () => {
    const error = failure('scenarios/assemble_scenario.request.v1.json', {
      scenario_slug: 'room',
      description: 'A room.',
      chronon_seconds: 60,
      cognition_profiles: { subject: { hash: H } },
      environments: { room: { hash: H } },
      entities: [{ hash: H }],
      environment: 'A room.',
    });
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({
      path: '/environment',
      reason: 'legacy_field',
      replaced_by: 'environments',
    });
    expect(error.message).toBe('/environment: no longer accepted; replaced by environments');
  });

  it('refuses lone surrogates and NUL in values and keys', () => {
    expect(findUnrepresentable({ a: ['ok', 'x\ud800'] })?.details).toEqual({
      path: '/a/1',
      reason: 'invalid_unicode',
    });
    expect(findUnrepresentable({ 'k\udc00': 1 })?.details).toEqual({
      path: '/k\udc00',
      reason: 'invalid_unicode',
    });
    expect(findUnrepresentable({ a: 'x\u0000' })?.details).toEqual({
      path: '/a',
      reason: 'nul_character',
    });
    expect(findUnrepresentable({ a: 'emoji \ud83d\ude00 and accents é' })).toBeNull();
  });

  it('finds the first problem deep inside, with its path, and passes clean nesting', () => {
    const clean = { 'k\ud83d\ude00': [{ x: ['a', { y: 'b\ud83d\ude00' }] }, 2, null, true] };
    expect(findUnrepresentable(clean)).toBeNull();
    expect(
      findUnrepresentable({ ok: clean, list: [{ x: ['a', { 'a/b': 'ok', 'n\u0000': 1 }] }] })
        ?.details,
    ).toEqual({ path: '/list/0/x/1/n\u0000', reason: 'nul_character' });
    expect(findUnrepresentable([[[{ z: 'late \udfff' }]]])?.details).toEqual({
      path: '/0/0/0/z',
      reason: 'invalid_unicode',
    });
  });

  it('refuses numbers outside the double range', () => {
    expect(findUnrepresentable({ a: [1, Infinity] })?.details).toEqual({
      path: '/a/1',
      reason: 'number_out_of_range',
    });
    expect(findUnrepresentable({ a: -Infinity })?.details).toEqual({
      path: '/a',
      reason: 'number_out_of_range',
    });
    expect(findUnrepresentable({ a: 1e308, b: -0, c: 5e-324 })).toBeNull();
  });

  it('refuses nesting past MAX_JSON_DEPTH at any depth, with the path of the first too-deep value', () => {
    const nested = (levels: number, leaf: unknown = 1): unknown => {
      let value: unknown = leaf;
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value };
      return value;
    };
    expect(findUnrepresentable(nested(MAX_JSON_DEPTH))).toBeNull();
    const tooDeep = findUnrepresentable({ a: nested(MAX_JSON_DEPTH) });
    expect(tooDeep?.details.reason).toBe('too_deep');
    expect(tooDeep?.details.max_depth).toBe(MAX_JSON_DEPTH);
    expect(tooDeep?.message).toBe(
      `${tooDeep?.details.path}: objects and arrays nest more than ${MAX_JSON_DEPTH} deep`,
    );
    // The container at depth MAX_JSON_DEPTH: /a, then MAX_JSON_DEPTH - 1 more tokens.
    expect(tooDeep?.details.path?.split('/').length).toBe(MAX_JSON_DEPTH + 1);
    expect(tooDeep?.details.path?.startsWith('/a/')).toBe(true);
    // Far past any stack: parsed JSON can nest this deep, and it is still an answer.
    for (const levels of [9_000, 200_000]) {
      const parsed: unknown = JSON.parse('['.repeat(levels) + ']'.repeat(levels));
      expect(findUnrepresentable(parsed)?.details.reason).toBe('too_deep');
      expect(findUnrepresentable(nested(levels))?.details.reason).toBe('too_deep');
    }
    // Only objects and arrays count: a scalar or null at depth MAX_JSON_DEPTH is
    // fine, also on the way to a problem further on.
    for (const leaf of [true, null, 'x', 0]) {
      expect(findUnrepresentable(nested(MAX_JSON_DEPTH - 1, leaf))).toBeNull();
      expect(findUnrepresentable([nested(MAX_JSON_DEPTH - 1, leaf), 'a\u0000'])?.details).toEqual({
        path: '/1',
        reason: 'nul_character',
      });
    }
  });

  it('escapes JSON Pointer tokens', () => {
    expect(joinPointer('', 'a/b', 'c~d', 0)).toBe('/a~1b/c~0d/0');
  });
});

describe('findUnrepresentable with clean strings known', () => {
  it('skips searching strings but still finds numbers JSON cannot carry', () => {
    expect(findUnrepresentable({ a: 'nul \u0000' }, '', { cleanStrings: true })).toBeNull();
    expect(findUnrepresentable({ 'k\u0000': ['\ud800'] }, '', { cleanStrings: true })).toBeNull();
    // Booleans and null beside such a string change nothing.
    expect(
      findUnrepresentable({ on: true, off: [false], none: null, s: '\u0000' }, '', {
        cleanStrings: true,
      }),
    ).toBeNull();
    expect(findUnrepresentable({ a: [1, Infinity] }, '', { cleanStrings: true })?.details).toEqual(
      expect.objectContaining({ reason: 'number_out_of_range', path: '/a/1' }),
    );
    expect(findUnrepresentable({ a: 'nul \u0000' }, '', {})?.details).toEqual(
      expect.objectContaining({ reason: 'nul_character', path: '/a' }),
    );
  });

  it('cleanStringsIn: a text without \\u escapes', () => {
    expect(cleanStringsIn('{"a":"“x”\\n"}')).toBe(true);
    expect(cleanStringsIn(JSON.stringify({ a: '\ud800' }))).toBe(false);
    expect(cleanStringsIn(JSON.stringify({ a: '\u0000' }))).toBe(false);
  });
});
