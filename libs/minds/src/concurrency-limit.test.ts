import { ConcurrencyLimit, SlotWaitAborted } from './concurrency-limit';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });

  it('admits up to the limit and queues the rest in FIFO order', async () => {
    const limit = new ConcurrencyLimit(2);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const take = (name: string) =>
      limit.acquire().then((release) => {
        order.push(name);
        releases.set(name, release);
      });

    const all = ['a', 'b', 'c', 'd', 'e'].map(take);
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect(limit.inUse).toBe(2);
    expect(limit.waiting).toBe(3);

    releases.get('b')!();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    releases.get('a')!();
    releases.get('c')!();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(limit.inUse).toBe(2);
    await Promise.all(all);
  });

  it('ignores a second release of the same slot', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire();
    release();
    release();
    expect(limit.inUse).toBe(0);
    const again = await limit.acquire();
    expect(limit.inUse).toBe(1);
    again();
  });

  it('drops a waiter whose signal aborts, and rejects at once when already aborted', async () => {
    const limit = new ConcurrencyLimit(1);
    const held = await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    const behind = limit.acquire();
    expect(limit.waiting).toBe(2);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(SlotWaitAborted);
    expect(limit.waiting).toBe(1);

    held();
    const next = await behind;
    expect(limit.inUse).toBe(1);
    next();

    await expect(limit.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(SlotWaitAborted);
    expect(limit.inUse).toBe(0);
  });

  it('only ever lowers its limit', async () => {
    const limit = new ConcurrencyLimit(3);
    limit.lowerTo(5);
    expect(limit.limit).toBe(3);
    limit.lowerTo(1);
    expect(limit.limit).toBe(1);
    const first = await limit.acquire();
    let second = false;
    const pending = limit.acquire().then((release) => {
      second = true;
      return release;
    });
    await settle();
    expect(second).toBe(false);
    first();
    (await pending)();
    expect(second).toBe(true);
  });
});
