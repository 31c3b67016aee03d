import { SCENARIO_PROFILE_CACHE_SIZE, scenarioProfileCache } from './suite-scenarios';

describe('scenarioProfileCache', () => {
  it('remembers at most SCENARIO_PROFILE_CACHE_SIZE scenarios, the least recently used dropped first', () => {
    const cache = scenarioProfileCache();
    for (let i = 0; i < SCENARIO_PROFILE_CACHE_SIZE; i++) cache.set(`s${i}`, `p${i}`);
    expect(cache.get('s0')).toBe('p0'); // s0 is now the most recently used
    cache.set('one-more', 'p');
    expect(cache.size).toBe(SCENARIO_PROFILE_CACHE_SIZE);
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.get('s0')).toBe('p0');
    expect(cache.get('one-more')).toBe('p');
  });
});
