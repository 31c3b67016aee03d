/**
 * Hedging (the reliability config's `hedging`, strategy `fixed`): the call
 * goes out; if no answer came after `delayMs`, a duplicate goes out, up to
 * `maxExtraRequests` of them, each `delayMs` after the previous. The first
 * answer wins and the others are aborted. A failure does not win: the
 * result fails only when every request sent failed (with the last error).
 */
export interface HedgeOptions {
  readonly delayMs: number;
  readonly maxExtraRequests: number;
}

export interface HedgedResult<T> {
  readonly value: T;
  /** Which request answered (0: the first). */
  readonly winner: number;
  /** Requests sent in all. */
  readonly sent: number;
}

export function hedgedCall<T>(
  call: (attempt: number, signal: AbortSignal) => Promise<T>,
  options: HedgeOptions,
  signal?: AbortSignal,
): Promise<HedgedResult<T>> {
  return new Promise((resolve, reject) => {
    const controllers: AbortController[] = [];
    let settled = false;
    let failed = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** Settles: stops hedging and aborts every request still out but the winner. */
    const finish = (winner?: number): void => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      controllers.forEach((controller, i) => {
        if (i !== winner) controller.abort();
      });
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      const reason: unknown = signal?.reason;
      reject(reason instanceof Error ? reason : new Error('aborted', { cause: reason }));
    };
    const send = (): void => {
      const attempt = controllers.length;
      const controller = new AbortController();
      controllers.push(controller);
      call(attempt, controller.signal).then(
        (value) => {
          if (settled) return;
          finish(attempt);
          resolve({ value, winner: attempt, sent: controllers.length });
        },
        (error: unknown) => {
          if (settled) return;
          failed += 1;
          const more = controllers.length <= options.maxExtraRequests;
          if (failed === controllers.length && !more) {
            finish();
            reject(error instanceof Error ? error : new Error(String(error), { cause: error }));
          } else if (failed === controllers.length && more) {
            // Every request so far failed: hedge now rather than wait out the delay.
            if (timer !== undefined) clearTimeout(timer);
            send();
            schedule();
          }
        },
      );
    };
    const schedule = (): void => {
      if (controllers.length > options.maxExtraRequests) return;
      timer = setTimeout(() => {
        if (settled) return;
        send();
        schedule();
      }, options.delayMs);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    send();
    schedule();
  });
}
