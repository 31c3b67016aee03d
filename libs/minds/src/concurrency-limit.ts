/** Thrown by `acquire` when its signal aborts before a slot was free. */
export class SlotWaitAborted extends Error {
  override readonly name = 'SlotWaitAborted';
  readonly code = 'SLOT_WAIT_ABORTED' as const;
}

interface Waiter {
  readonly grant: () => void;
}

/**
 * At most `limit` holders at once; the rest wait in FIFO order. Calls that
 * queue first run first, so no world starves another on a shared provider.
 */
export class ConcurrencyLimit {
  private holders = 0;
  private readonly queue: Waiter[] = [];

  constructor(private limitValue: number) {
    if (!Number.isInteger(limitValue) || limitValue < 1) {
      throw new RangeError(`a concurrency limit is a positive integer, got ${limitValue}`);
    }
  }

  get limit(): number {
    return this.limitValue;
  }

  /** Slots held right now. */
  get inUse(): number {
    return this.holders;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Lowers the limit (never raises it): several configs sharing a provider
   * get the strictest cap any of them asked for. Holders above the new limit
   * keep their slots; new ones wait until the count drops below it.
   */
  lowerTo(limit: number): void {
    if (Number.isInteger(limit) && limit >= 1 && limit < this.limitValue) this.limitValue = limit;
  }

  /**
   * Resolves with a release function once a slot is free (call it exactly
   * once, in `finally`). Rejects with SlotWaitAborted if `signal` aborts
   * first; the caller then holds nothing.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new SlotWaitAborted('aborted while waiting'));
    if (this.holders < this.limitValue && this.queue.length === 0) {
      this.holders += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new SlotWaitAborted('aborted while waiting for a free slot'));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.holders < this.limitValue) {
      const next = this.queue.shift();
      if (next === undefined) return;
      this.holders += 1;
      next.grant();
    }
  }
}
