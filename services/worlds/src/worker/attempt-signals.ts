import type { FinishedAttempt } from '../store/rows';

/** How many finished attempt ids are remembered for waits that start late. */
const REMEMBERED = 1024;

/**
 * Tells the waiting get_turn_status calls of this replica that an attempt
 * finished here, so they answer at once instead of at their next poll. A
 * wait still ends at its timeout (attempts finished by another replica are
 * seen by polling); a wait that starts just after the finish sees it among
 * the recently finished ids. A committed attempt's finish carries the
 * attempt as committed and its turn's usage, so a wait answers without
 * reading them back.
 */
export class AttemptSignals {
  private readonly waiters = new Map<number, Set<() => void>>();
  private readonly recent = new Map<number, FinishedAttempt | undefined>();
  private readonly running = new Set<number>();

  /** This replica's worker is running the attempt (its finish will be signalled here). */
  started(id: number): void {
    this.running.add(id);
  }

  /** This replica's worker no longer runs the attempt (finished, handed back, or lease lost). */
  stopped(id: number): void {
    this.running.delete(id);
  }

  /** Whether this replica's worker is running the attempt now. */
  runningHere(id: number): boolean {
    return this.running.has(id);
  }

  /**
   * The attempt finished (committed or failed) in this process; `finished`,
   * when given, is the attempt as its commit left it (what a read would give).
   */
  finished(id: number, finished?: FinishedAttempt): void {
    this.recent.set(id, finished);
    if (this.recent.size > REMEMBERED) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    for (const wake of this.waiters.get(id) ?? []) wake();
  }

  /**
   * Resolves when attempt `id` finishes here, or after `ms`, whichever is
   * first: with the finished attempt when its finish carried it.
   */
  wait(id: number, ms: number): Promise<FinishedAttempt | undefined> {
    if (this.recent.has(id)) return Promise.resolve(this.recent.get(id));
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set<() => void>();
      this.waiters.set(id, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve(this.recent.get(id));
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}
