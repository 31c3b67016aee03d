import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Header carrying how long the caller still waits for the reply, in
 * milliseconds, as the request leaves (relative, so the two clocks need not
 * agree). The responder's deadline is its arrival time plus this.
 */
export const TIMEOUT_HEADER = 'crucible-timeout-ms';

/** The deadline (epoch ms, this process's clock) of the request being handled, for the calls it makes. */
const handling = new AsyncLocalStorage<number>();

/** Runs `fn` with `deadline` as the deadline of every call it makes (see `currentDeadline`). */
export function withDeadline<T>(deadline: number | undefined, fn: () => T): T {
  return deadline === undefined ? fn() : handling.run(deadline, fn);
}

/**
 * The deadline of the request whose handler is running, if it came with
 * one: a call made while handling it waits no longer than its caller does.
 */
export function currentDeadline(): number | undefined {
  return handling.getStore();
}

/** An AbortSignal that aborts at `deadline`, made only when asked for (a timer each). */
export function lazyDeadlineSignal(deadline: number | undefined): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    signal ??=
      deadline === undefined
        ? new AbortController().signal
        : AbortSignal.timeout(Math.max(0, deadline - Date.now()));
    return signal;
  };
}
