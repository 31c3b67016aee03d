import { CircuitBreaker, breakerOptionsOf } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () =>
    new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1000 }, () => now);
  beforeEach(() => {
    now = 0;
  });

  it('opens after the threshold of failures in a row; a success in between resets the count', () => {
    const b = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('after the reset time one trial goes through; its success closes, its failure opens again', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 999;
    expect(b.tryAcquire()).toBe(false);
    now = 1000;
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one trial at a time
    b.failed();
    expect(b.state).toBe('open');
    now = 2000;
    expect(b.tryAcquire()).toBe(true);
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it("a run's settings win over the service's, field by field", () => {
    const service = { failureThreshold: 5, resetTimeoutMs: 30_000 };
    expect(breakerOptionsOf(service, undefined)).toEqual(service);
    expect(breakerOptionsOf(service, { failure_threshold: 2 })).toEqual({
      failureThreshold: 2,
      resetTimeoutMs: 30_000,
    });
    expect(breakerOptionsOf(service, { reset_timeout_ms: 10 })).toEqual({
      failureThreshold: 5,
      resetTimeoutMs: 10,
    });
  });
});
