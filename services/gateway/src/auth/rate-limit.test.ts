import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('lets a burst through, then one request per refill interval, per principal', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ perMinute: 60, burst: 2 }, () => now);
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
    // Another principal has its own bucket.
    expect(limiter.take('b')).toBeUndefined();
    now += 500;
    expect(limiter.take('a')).toBe(1);
    now += 600;
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
  });

  it('says how long to wait at a slow rate, and never limits at perMinute 0', () => {
    let now = 0;
    const slow = new RateLimiter({ perMinute: 2, burst: 1 }, () => now);
    expect(slow.take('a')).toBeUndefined();
    expect(slow.take('a')).toBe(30);
    now += 15_000;
    expect(slow.take('a')).toBe(15);
    const off = new RateLimiter({ perMinute: 0, burst: 1 }, () => now);
    for (let i = 0; i < 100; i++) expect(off.take('a')).toBeUndefined();
  });
});
