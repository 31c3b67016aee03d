// Bounded waiting. Every wait in the infrastructure scripts has a deadline and
// honours an AbortSignal, so Ctrl-C or SIGTERM never leaves a script polling.
import { setTimeout as delay } from 'node:timers/promises';

/** Thrown by a `waitUntil` check to stop waiting at once (the thing died). */
export class StopWaiting extends Error {
  name = 'StopWaiting';
}

export class TimedOut extends Error {
  name = 'TimedOut';
}

export function sleep(ms, signal) {
  return delay(ms, undefined, { signal });
}

/** Settles like `promise`, or rejects with TimedOut after `ms`. */
export async function withTimeout(what, ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`${what}: timed out after ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `check` until it returns a truthy value (which is returned), it throws
 * StopWaiting, the signal aborts, or `timeoutMs` passes. Other errors from
 * `check` count as "not yet" and the last one is quoted on timeout.
 */
export async function waitUntil(what, check, { timeoutMs, intervalMs = 250, signal }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    try {
      const value = await withTimeout(what, Math.max(remaining, 1), Promise.resolve(check()));
      if (value) return value;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new TimedOut(`timed out after ${timeoutMs / 1000}s waiting for ${what}${why}`);
    }
    await sleep(Math.min(intervalMs, Math.max(deadline - Date.now(), 0)), signal);
  }
}
