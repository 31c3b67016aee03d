/**
 * Where a worker's idle slots wait for work (the worlds turn worker, the
 * evaluation run worker): one idle slot at a time looks again when the poll
 * interval passes, not every idle slot on a timer of its own, so an idle
 * replica asks its queue once per interval whatever its concurrency (four
 * slots polling every 10 ms each had Postgres answer 400 empty claims a
 * second). A slot that finds work calls `wakeOne`, so that a backlog is
 * still taken by every slot at once: each claim that finds a job lets the
 * next idle slot look.
 */
export class IdleSlots {
  /** Idle slots, the longest waiting first. */
  private readonly waiting: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A wake that came while no slot was idle: the next idle slot looks again at once. */
  private woken = false;

  constructor(private readonly pollMs: number) {}

  /** Resolves when this slot should look for work again. */
  idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  /** Every idle slot looks at once (work was queued here, or the worker stops). */
  wake(): void {
    if (this.waiting.length === 0) this.woken = true;
    this.disarm();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /**
   * Work was queued here that one slot can take (the worlds worker: one
   * world's attempts run one at a time): one idle slot looks at once; with
   * none idle, the next slot to go idle looks at once instead, as after
   * `wake`. More slots look only if the one that found work sees more
   * (`wakeOne`).
   */
  signal(): void {
    if (this.waiting.length === 0) this.woken = true;
    else this.wakeOne();
  }

  /** One idle slot looks at once (a slot found work: there may be more). */
  wakeOne(): void {
    this.waiting.shift()?.();
    if (this.waiting.length === 0) this.disarm();
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.waiting.shift()?.();
      if (this.waiting.length > 0) this.arm();
    }, this.pollMs);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
