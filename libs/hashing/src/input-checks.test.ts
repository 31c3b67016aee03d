import { thrownBy } from '@crucible/contracts/testing';
import { InvalidHashInputError } from './errors';
import {
  requireHashBindings,
  requireHashList,
  requireInteger,
  requireRecord,
  requireSha256Hex,
  requireText,
} from './input-checks';

const HASH = 'a'.repeat(64);

/** What a check threw: field, path and message. */
function refusal(check: () => unknown): { field: string; path: string; message: string } {
  const error = thrownBy(check, InvalidHashInputError);
  return { field: error.field, path: error.path, message: error.message };
}

describe('hash input checks', () => {
  it('name the input itself "input", and a field by its first segment and its pointer', () => {
    expect(refusal(() => requireRecord(null, []))).toEqual({
      field: '',
      path: '',
      message: 'input: must be an object, got null',
    });
    expect(refusal(() => requireHashList([HASH, 'x'], ['entity_hashes']))).toEqual({
      field: 'entity_hashes',
      path: '/entity_hashes/1',
      message: '/entity_hashes/1: must be a lowercase hex SHA-256 (64 of [0-9a-f]), got "x"',
    });
  });

  it('show what they got: the value, its kind, or a long string cut at 72 characters', () => {
    const got = (value: unknown): string => refusal(() => requireRecord(value, ['v'])).message;
    expect(got(undefined)).toBe('/v: must be an object, got undefined');
    expect(got(null)).toBe('/v: must be an object, got null');
    expect(got(1.5)).toBe('/v: must be an object, got 1.5');
    expect(got(false)).toBe('/v: must be an object, got false');
    expect(got([])).toBe('/v: must be an object, got an array');
    expect(got('short')).toBe('/v: must be an object, got "short"');
    expect(got('x'.repeat(72))).toBe(`/v: must be an object, got "${'x'.repeat(72)}"`);
    expect(got('x'.repeat(73))).toBe(`/v: must be an object, got "${'x'.repeat(72)}…"`);
    expect(got(() => 1)).toBe('/v: must be an object, got a function');
    expect(got(Symbol('s'))).toBe('/v: must be an object, got a symbol');
    expect(got(1n)).toBe('/v: must be an object, got a bigint');
    expect(refusal(() => requireHashList({}, ['v'])).message).toBe(
      '/v: must be an array of hashes, got an object',
    );
  });

  it('refuse a non-string text and a text with a lone surrogate', () => {
    expect(refusal(() => requireText(7, ['description'])).message).toBe(
      '/description: must be a string, got 7',
    );
    expect(refusal(() => requireText('a\ud800', ['description'])).message).toBe(
      '/description: holds a lone surrogate, so it has no UTF-8 form to hash',
    );
    expect(requireText('café', ['description'])).toBe('café');
  });

  it('refuse integers that are unsafe or out of bounds, saying which bounds', () => {
    expect(refusal(() => requireInteger(2 ** 53, ['n'])).message).toBe(
      `/n: must be a safe integer, got ${2 ** 53}`,
    );
    expect(refusal(() => requireInteger(9, ['n'], { min: 1, max: 5 })).message).toBe(
      '/n: must be an integer from 1 to 5, got 9',
    );
    expect(requireInteger(5, ['n'], { min: 1, max: 5 })).toBe(5);
  });

  it('take bindings only from a plain object of label -> hash', () => {
    for (const [value, shown] of [
      [null, 'null'],
      [undefined, 'undefined'],
      ['x', '"x"'],
      [3, '3'],
      [[], 'an array'],
      [new Date(0), 'an object'],
      [Object.create({ inherited: HASH }), 'an object'],
    ] as const)
      expect(refusal(() => requireHashBindings(value, ['environments']))).toEqual({
        field: 'environments',
        path: '/environments',
        message: `/environments: must be a plain object of label → hash, got ${shown}`,
      });
    expect(refusal(() => requireHashBindings({ ['a\ud800']: HASH }, ['environments']))).toEqual({
      field: 'environments',
      path: '/environments/a\ud800',
      message: '/environments/a\ud800: label holds a lone surrogate, so it has no UTF-8 form',
    });
    // JSON.parse makes "__proto__" an own member, as a request body would.
    const bindings = requireHashBindings(
      JSON.parse(`{"__proto__":"${HASH}","b":"${HASH}"}`) as unknown,
      ['environments'],
    );
    expect(Object.getPrototypeOf(bindings)).toBeNull();
    expect(Object.keys(bindings)).toEqual(['__proto__', 'b']);
    const bare = Object.create(null) as Record<string, string>;
    bare.x = HASH;
    expect({ ...requireHashBindings(bare, ['environments']) }).toEqual({ x: HASH });
    expect(refusal(() => requireSha256Hex(HASH.toUpperCase(), ['h'])).path).toBe('/h');
  });
});
