import { readCache } from './read-cache';

describe('readCache', () => {
  it('drops the least recently used entries beyond its byte budget', () => {
    const cache = readCache(30);
    for (const key of ['a', 'b', 'c']) cache.set(key, { key }, { size: 10 });
    expect(cache.get('a')).toEqual({ key: 'a' }); // a is now the most recent
    cache.set('d', { key: 'd' }, { size: 10 });
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => cache.get(key))).toEqual([
      { key: 'a' },
      { key: 'c' },
      { key: 'd' },
    ]);
    expect(cache.calculatedSize).toBe(30);
  });

  it('never holds an entry larger than the budget', () => {
    const cache = readCache(5);
    cache.set('big', { big: true }, { size: 6 });
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces an entry without counting it twice', () => {
    const cache = readCache(100);
    cache.set('a', { v: 1 }, { size: 40 });
    cache.set('a', { v: 2 }, { size: 50 });
    expect(cache.calculatedSize).toBe(50);
    expect(cache.get('a')).toEqual({ v: 2 });
  });

  it('keeps nothing with a budget of zero (COMPONENTS_CACHE_MB=0)', () => {
    const cache = readCache(0);
    cache.set('a', { v: 1 }, { size: 64 });
    expect(cache.size).toBe(0);
  });
});
