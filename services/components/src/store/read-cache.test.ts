import { ReadCache } from './read-cache';

describe('ReadCache', () => {
  it('evicts the least recently used entries beyond its byte budget', () => {
    const cache = new ReadCache<string>(30);
    cache.set('a', 'A', 10);
    cache.set('b', 'B', 10);
    cache.set('c', 'C', 10);
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('d', 'D', 10);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.get('d')).toBe('D');
    expect(cache.sizeBytes).toBe(30);
  });

  it('never holds an entry larger than the budget', () => {
    const cache = new ReadCache<string>(5);
    cache.set('big', 'x', 6);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces an entry without double counting', () => {
    const cache = new ReadCache<string>(100);
    cache.set('a', 'A', 40);
    cache.set('a', 'A2', 50);
    expect(cache.sizeBytes).toBe(50);
    expect(cache.get('a')).toBe('A2');
  });
});
