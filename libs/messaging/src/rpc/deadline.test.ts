import { LONG_POLL_REPLY_MS, longPollMs, longPollUntil } from './deadline';

describe('longPollMs', () => {
  it('reads a positive integer wait_ms and nothing else', () => {
    expect(longPollMs({ wait_ms: 2_500, id: 1 })).toBe(2_500);
    expect(longPollMs({ wait_ms: 0 })).toBe(0);
    expect(longPollMs({ wait_ms: -5 })).toBe(0);
    expect(longPollMs({ wait_ms: 1.5 })).toBe(0);
    expect(longPollMs({ wait_ms: '100' })).toBe(0);
    expect(longPollMs({ id: 1 })).toBe(0);
    expect(longPollMs(null)).toBe(0);
    expect(longPollMs('wait_ms')).toBe(0);
  });
});

describe('longPollUntil', () => {
  it('is wait_ms from now when no deadline limits it', () => {
    const before = Date.now();
    const until = longPollUntil(1_000, undefined);
    expect(until).toBeGreaterThanOrEqual(before + 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(longPollUntil(undefined, undefined)).toBeLessThanOrEqual(Date.now());
  });

  it("stops short of the caller's deadline, leaving time to answer", () => {
    const deadline = Date.now() + 2_000;
    expect(longPollUntil(10_000, deadline)).toBe(deadline - LONG_POLL_REPLY_MS);
  });

  it('never lies in the past, even when the deadline is nearly due', () => {
    const before = Date.now();
    expect(longPollUntil(10_000, before + 10)).toBeGreaterThanOrEqual(before);
  });
});
