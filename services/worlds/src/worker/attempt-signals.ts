/** How many finished attempt ids are remembered for waits that start late. */
const REMEMBERED = 1024;

/**
 * Tells the waiting get_turn_status calls of this replica that an attempt
 * finished here, so they answer at once instead of at their next poll. A
 * wait still ends at its timeout (attempts finished by another replica are
 * seen by polling); a wait that starts just after the finish sees it among
 * the recently finished ids.
 */
export class AttemptSignals {
  private readonly waiters = new Map<number, Set<() => void>>();
  private readonly recent = new Set<number>();
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

  /** The attempt finished (committed or failed) in this process. */
  finished(id: number): void {
    this.recent.add(id);
    if (this.recent.size > REMEMBERED) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    for (const wake of this.waiters.get(id) ?? []) wake();
  }

  /** Resolves when attempt `id` finishes here, or after `ms`, whichever is first. */
  wait(id: number, ms: number): Promise<void> {
    if (this.recent.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set<() => void>();
      this.waiters.set(id, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}
