import { ContentCache } from './content-cache';

describe('ContentCache', () => {
  it('keeps what it was given, up to its capacity, dropping the least recently used', () => {
    const cache = new ContentCache<string>(2);
    cache.set('a', '1');
    cache.set('b', '2');
    expect(cache.get('a')).toBe('1'); // a is now the most recently used
    cache.set('c', '3');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('1');
    expect(cache.get('c')).toBe('3');
    expect(cache.size).toBe(2);
  });

  it('setting a key again replaces it without growing', () => {
    const cache = new ContentCache<number>(3);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ContentCache(0)).toThrow(RangeError);
    expect(() => new ContentCache(1.5)).toThrow(RangeError);
  });
});
