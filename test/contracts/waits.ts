// Bounded waits for integration tests: every wait has a deadline and says
// what it was waiting for, so a hang fails fast with a readable message.

export { rejectionOf } from '@crucible/contracts/testing';

/** Resolves like `promise`, or rejects naming `what` if it has not settled within `ms`. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether `promise` settles within `ms`. Only for asserting that something has
 * NOT happened yet (proving a negative needs a bounded wait); never use it to
 * wait for something that can be awaited.
 */
export async function settlesWithin(ms: number, promise: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise the test resolves by hand: handlers wait on it to stay "in flight". */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Collects items pushed by handlers and lets the test wait for a count. */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  push(item: T): void {
    this.items.push(item);
    const ready = this.waiters.filter((w) => this.items.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.items.length < w.count);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves with the items once there are at least `count`; rejects after `ms` listing what came. */
  async until(count: number, ms: number, what: string): Promise<T[]> {
    if (this.items.length < count) {
      const reached = new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
      await within(ms, `${what} (${count} expected)`, reached).catch((error: Error) => {
        throw new Error(
          `${error.message}; got ${this.items.length}: ${JSON.stringify(this.items)}`,
        );
      });
    }
    return [...this.items];
  }
}

/**
 * Runs every clean-up step even when one fails (so nothing is left running),
 * then rethrows the first failure.
 */
export async function runAll(steps: Array<() => Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(steps.map((step) => step()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
