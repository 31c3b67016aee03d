/**
 * Header carrying how long the caller still waits for the reply, in
 * milliseconds, as the request leaves (relative, so the two clocks need not
 * agree). The responder's deadline is its arrival time plus this.
 */
export const TIMEOUT_HEADER = 'crucible-timeout-ms';

/**
 * How long a request asks its responder to hold the reply: its `wait_ms`
 * (get_turn_status, get_run_progress: a long poll), else 0. A caller waits
 * this long on top of its own timeout, so a long poll is not cut short by it.
 */
export function longPollMs(request: unknown): number {
  if (typeof request !== 'object' || request === null) return 0;
  const wait = (request as { wait_ms?: unknown }).wait_ms;
  return typeof wait === 'number' && Number.isSafeInteger(wait) && wait > 0 ? wait : 0;
}

/** Time a long poll keeps free before its caller's deadline, to read and send its answer. */
export const LONG_POLL_REPLY_MS = 500;

/**
 * Until when (epoch ms) a handler may hold a long poll of `waitMs`: that long
 * from now, but no later than the deadline of the request it answers less
 * LONG_POLL_REPLY_MS, so the caller gets the current state, not a timeout.
 * `deadline`: the handler's `ctx.deadline`.
 */
export function longPollUntil(waitMs: number | undefined, deadline: number | undefined): number {
  const now = Date.now();
  const asked = now + (waitMs ?? 0);
  return deadline === undefined
    ? asked
    : Math.max(now, Math.min(asked, deadline - LONG_POLL_REPLY_MS));
}
