import type { RateLimitSettings } from '../config';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per principal: `burst` requests at once, refilled at
 * `perMinute`. In memory, per gateway replica: N replicas let a principal
 * through N times as fast, which the defaults leave room for (docs/security.md).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private sweptAt = 0;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = settings.perMinute / 60_000;
  }

  /** Takes one request from `principal`'s bucket: undefined when allowed, else the seconds until one is. */
  take(principal: string): number | undefined {
    if (this.settings.perMinute === 0) return undefined;
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(principal) ?? { tokens: this.settings.burst, at: now };
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(principal, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  /** Forgets full buckets now and then, so idle principals cost no memory. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [principal, bucket] of this.buckets)
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.settings.burst)
        this.buckets.delete(principal);
  }
}
