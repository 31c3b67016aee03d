/**
 * A circuit breaker per provider (the reliability config's
 * `circuit_breaker`): after `failureThreshold` failures in a row it opens
 * and refuses calls at once for `resetTimeoutMs`; then it lets one trial
 * call through (half open): a success closes it, a failure opens it again.
 * Pure state and a clock, so the rules are tested without waiting.
 */
export interface CircuitBreakerOptions {
  /** Failures in a row that open it (default 5). */
  readonly failureThreshold: number;
  /** How long it stays open before a trial call (default 30000 ms). */
  readonly resetTimeoutMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  failureThreshold: 5,
  resetTimeoutMs: 30_000,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * An experiment's `reliability.circuit_breaker` as a run keeps it (in its
 * config; domain/judge-reliability.ts checks it): the fields it sets.
 */
export interface BreakerSettings {
  readonly failure_threshold?: number;
  readonly reset_timeout_ms?: number;
}

/** The breaker options of a run: its experiment's settings, the service's for what they leave out. */
export function breakerOptionsOf(
  service: CircuitBreakerOptions,
  settings: BreakerSettings | undefined,
): CircuitBreakerOptions {
  return {
    failureThreshold: settings?.failure_threshold ?? service.failureThreshold,
    resetTimeoutMs: settings?.reset_timeout_ms ?? service.resetTimeoutMs,
  };
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.resetTimeoutMs ? 'half_open' : 'open';
  }

  /**
   * Whether a call may go out now; when it says yes, the caller reports the
   * outcome (`succeeded` or `failed`). Half open lets one trial at a time.
   */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.trialInFlight) return false;
        this.trialInFlight = true;
        return true;
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  failed(): void {
    if (this.trialInFlight || this.openedAt !== undefined) {
      // A failed trial (or a late failure while open) opens it for another period.
      this.openedAt = this.now();
      this.trialInFlight = false;
      return;
    }
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.openedAt = this.now();
  }
}
