/**
 * An AbortController that also aborts when its parent signal does (with the
 * parent's reason), and after a timeout when asked. `close()` detaches it:
 * unlike AbortSignal.any, nothing stays registered on a long-lived parent
 * (a world's run signal outlives thousands of calls).
 */
export class AbortScope {
  private readonly controller = new AbortController();
  private readonly detach: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(parent: AbortSignal | undefined) {
    if (parent === undefined) {
      this.detach = () => undefined;
    } else if (parent.aborted) {
      this.controller.abort(parent.reason);
      this.detach = () => undefined;
    } else {
      const onAbort = (): void => this.controller.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.detach = () => parent.removeEventListener('abort', onAbort);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts with `reason` after `ms` unless aborted or closed first. */
  abortAfter(ms: number, reason: Error): this {
    this.timer = setTimeout(() => this.controller.abort(reason), ms);
    return this;
  }

  /** Stops the timer and detaches from the parent; the signal keeps its state. */
  close(): void {
    clearTimeout(this.timer);
    this.detach();
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(asError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(asError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
