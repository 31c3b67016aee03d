import { backoffMs, decideRetry, retryAfterMs, type BackoffPolicy } from './retry-policy';

const policy: BackoffPolicy = { initialMs: 500, maxMs: 8000, maxRetryAfterMs: 60_000 };
const headers = (entries: Record<string, string>) => new Headers(entries);

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads retry-after-ms first, then retry-after in seconds', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after-ms': '12.4' }), now)).toBe(13);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(
      3000,
    );
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-5' }), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after-ms': 'NaN', 'retry-after': '1' }), now)).toBe(1000);
  });
});

describe('backoffMs', () => {
  it('doubles from the initial wait up to the cap, half of it jittered', () => {
    expect(backoffMs(1, policy, () => 0)).toBe(250);
    expect(backoffMs(1, policy, () => 1)).toBe(500);
    expect(backoffMs(2, policy, () => 1)).toBe(1000);
    expect(backoffMs(4, policy, () => 1)).toBe(4000);
    expect(backoffMs(5, policy, () => 1)).toBe(8000);
    expect(backoffMs(30, policy, () => 1)).toBe(8000);
    expect(backoffMs(30, policy, () => 0)).toBe(4000);
  });
});

describe('decideRetry', () => {
  const facts = { retriesMade: 0, maxRetries: 2, retryAfterMs: undefined, remainingMs: 60_000 };

  it('backs off when the server says nothing', () => {
    expect(decideRetry(facts, policy, () => 1)).toEqual({ retry: true, waitMs: 500 });
    expect(decideRetry({ ...facts, retriesMade: 1 }, policy, () => 1)).toEqual({
      retry: true,
      waitMs: 1000,
    });
  });

  it('waits at least what Retry-After asks, with at most 10% on top', () => {
    expect(decideRetry({ ...facts, retryAfterMs: 2000 }, policy, () => 0)).toEqual({
      retry: true,
      waitMs: 2000,
    });
    expect(decideRetry({ ...facts, retryAfterMs: 2000 }, policy, () => 1)).toEqual({
      retry: true,
      waitMs: 2200,
    });
  });

  it('stops when the retries are spent', () => {
    expect(decideRetry({ ...facts, retriesMade: 2 }, policy, () => 0)).toEqual({
      retry: false,
      reason: 'retries_exhausted',
    });
    expect(decideRetry({ ...facts, maxRetries: 0 }, policy, () => 0)).toEqual({
      retry: false,
      reason: 'retries_exhausted',
    });
  });

  it('fails at once when Retry-After is longer than the mind waits', () => {
    expect(decideRetry({ ...facts, retryAfterMs: 3 * 86_400_000 }, policy, () => 0)).toEqual({
      retry: false,
      reason: 'retry_after_too_long',
    });
  });

  it('does not wait past the deadline', () => {
    expect(
      decideRetry({ ...facts, retryAfterMs: 5000, remainingMs: 4000 }, policy, () => 0),
    ).toEqual({ retry: false, reason: 'deadline' });
    expect(decideRetry({ ...facts, remainingMs: 100 }, policy, () => 1)).toEqual({
      retry: false,
      reason: 'deadline',
    });
  });
});
