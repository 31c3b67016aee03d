/**
 * When to try an LLM call again, and how long to wait first. Pure: the clock
 * and the random source are arguments.
 */

export interface BackoffPolicy {
  /** Wait before the first retry when the server says nothing; doubles per retry. */
  readonly initialMs: number;
  /** Cap on the computed (exponential) wait. */
  readonly maxMs: number;
  /**
   * Longest Retry-After the mind waits out. A server asking for more (a
   * spent quota says "come back in 3 days") fails the call at once, as
   * rate_limited with the wait it asked for, instead of hanging a turn.
   */
  readonly maxRetryAfterMs: number;
}

/**
 * The wait a server asked for, from `retry-after-ms` (milliseconds, as
 * OpenAI and Azure send) or `retry-after` (seconds or an HTTP date).
 * Undefined when neither is there or readable; never negative.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now: number,
): number | undefined {
  if (headers === undefined) return undefined;
  const millis = numeric(headers.get('retry-after-ms'));
  if (millis !== undefined) return Math.max(0, Math.ceil(millis));
  const raw = headers.get('retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  const seconds = numeric(raw);
  if (seconds !== undefined) return Math.max(0, Math.ceil(seconds * 1000));
  // An HTTP date names its weekday and month; Date.parse alone would take "-5" for a year.
  const date = /[a-z]{3}/i.test(raw) ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function numeric(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The wait before retry number `retry` (1 for the first retry): capped
 * exponential backoff with "equal jitter" (half fixed, half random), so
 * clients that failed together do not come back together.
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = Math.min(policy.initialMs * 2 ** Math.max(0, retry - 1), policy.maxMs);
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** What to do after a retryable failure. */
export type RetryDecision =
  | { readonly retry: true; readonly waitMs: number }
  | {
      readonly retry: false;
      readonly reason: 'retries_exhausted' | 'retry_after_too_long' | 'deadline';
    };

export interface RetryFacts {
  /** Retries already made (0 after the first try failed). */
  readonly retriesMade: number;
  readonly maxRetries: number;
  /** The server's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** Milliseconds left before the call's deadline. */
  readonly remainingMs: number;
}

/**
 * Retry when budget and deadline allow. A Retry-After is honoured as a
 * minimum (plus up to 10% jitter); without one the backoff applies.
 */
export function decideRetry(
  facts: RetryFacts,
  policy: BackoffPolicy,
  random: () => number,
): RetryDecision {
  if (facts.retriesMade >= facts.maxRetries) return { retry: false, reason: 'retries_exhausted' };
  let waitMs: number;
  if (facts.retryAfterMs !== undefined) {
    if (facts.retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: 'retry_after_too_long' };
    }
    waitMs = facts.retryAfterMs + Math.round(random() * facts.retryAfterMs * 0.1);
  } else {
    waitMs = backoffMs(facts.retriesMade + 1, policy, random);
  }
  // Waiting past the deadline only to be cut off there helps nobody.
  if (waitMs >= facts.remainingMs) return { retry: false, reason: 'deadline' };
  return { retry: true, waitMs };
}
