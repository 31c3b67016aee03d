/**
 * Runs items in batches with at most one batch in flight: an item added
 * while the runner is idle starts a batch once the current synchronous code
 * is done (so items added together travel together); items added while a batch is
 * in flight wait and go, all together, in the next one. Under load a batch
 * holds everything that queued during one round trip, so the number of
 * round trips stays near one per round-trip time, however many callers.
 * `run` receives the batch's items in the order added and answers each by
 * its index; a batch that throws rejects every item of it.
 *
 * With `holdUntil`, items wait until that many are queued, or until
 * `release` is called (then everything queued goes, and items added after
 * go at once): for work nobody waits on item by item.
 *
 * With `startAfter: 'macrotask'`, an idle runner starts its batch at the
 * next turn of the event loop (setImmediate) instead of after the current
 * microtasks: work the caller may still `take` before it goes, when what
 * follows the add is synchronous or microtasks only.
 */
export class BatchRunner<I, O> {
  private queued: Array<{ item: I; resolve: (out: O) => void; reject: (error: unknown) => void }> =
    [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private holdUntil: number;
  private readonly startAfter: 'microtask' | 'macrotask';

  constructor(
    private readonly run: (items: readonly I[]) => Promise<readonly O[]>,
    options: { readonly holdUntil?: number; readonly startAfter?: 'microtask' | 'macrotask' } = {},
  ) {
    this.holdUntil = options.holdUntil ?? 1;
    this.startAfter = options.startAfter ?? 'microtask';
  }

  /** Stops holding items: what is queued goes now, and items added later at once. */
  release(): void {
    this.holdUntil = 1;
    this.schedule();
  }

  /**
   * Takes the items queued and not yet in a batch (held ones), answering
   * each with `answer`: for a caller that runs them another way.
   */
  take(answer: O): I[] {
    const taken = this.queued;
    this.queued = [];
    for (const q of taken) q.resolve(answer);
    return taken.map((q) => q.item);
  }

  /** Runs `item` in the next batch; resolves with its answer. */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every item added so far and not held has been run (whatever its result). */
  async drained(): Promise<void> {
    while (
      this.inFlight !== undefined ||
      this.queued.length >= Math.max(1, this.holdUntil) ||
      this.scheduled
    ) {
      if (this.inFlight !== undefined) await this.inFlight;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight !== undefined) return;
    this.scheduled = true;
    // By default a microtask, not a macrotask: a lone caller (the sequential
    // engine's one call at a time) waits for no turn of the event loop;
    // callers that start in the same tick share the batch, and under load
    // everything that queues during a round trip shares the next one.
    const start = (): void => {
      this.scheduled = false;
      this.next();
    };
    if (this.startAfter === 'macrotask') setImmediate(start);
    else queueMicrotask(start);
  }

  private next(): void {
    if (this.inFlight !== undefined || this.queued.length < Math.max(1, this.holdUntil)) return;
    const batch = this.queued;
    this.queued = [];
    this.inFlight = this.run(batch.map((b) => b.item)).then(
      (outs) => {
        batch.forEach((b, i) => b.resolve(outs[i] as O));
      },
      (error: unknown) => {
        for (const b of batch) b.reject(error);
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      this.next();
    });
  }
}
