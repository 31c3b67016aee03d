import { patternString } from './pattern-string';
import { seededRandom } from './seeded-random';

const random = seededRandom('0badcafe');

describe('patternString', () => {
  const patterns = [
    '^[a-z][a-z0-9_]{0,39}$',
    '^[A-Z_][A-Z0-9_]{0,127}$',
    '^https?://[^\\s]+$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^(north|south|east|west)$',
    '^ent-[0-9a-f]{8}$',
    '^(?:ab)+c?$',
    'room',
    '^[^,;]+$',
    '^\\w+\\.\\w+$',
    '^\\u0041+$',
  ];

  it.each(patterns)('matches %s', (pattern) => {
    const text = patternString(pattern, { random });
    expect(text).toBeDefined();
    expect(new RegExp(pattern, 'u').test(text!)).toBe(true);
  });

  it('stretches quantifiers to meet length bounds', () => {
    const text = patternString('^[a-z]+$', { random, minLength: 12, maxLength: 20 });
    expect(text).toMatch(/^[a-z]{12,20}$/);
    expect(patternString('^[a-z]{2,3}$', { random, minLength: 5 })).toBeUndefined();
  });

  it('tries other alternatives when the first does not fit', () => {
    expect(patternString('^(a|bbbbbb)$', { random, minLength: 3 })).toBe('bbbbbb');
  });

  it('gives up on what it does not understand', () => {
    expect(patternString('^(?=a)a$', { random })).toBeUndefined();
    expect(patternString('^(a)\\1$', { random })).toBeUndefined();
    expect(patternString('[', { random })).toBeUndefined();
  });
});
