import { BatchRunner } from './batch-runner';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('BatchRunner', () => {
  it('runs the items added in one tick as one batch and answers each by its index', async () => {
    const batches: number[][] = [];
    const runner = new BatchRunner<number, number>((items) => {
      batches.push([...items]);
      return Promise.resolve(items.map((i) => i * 10));
    });
    const answers = await Promise.all([1, 2, 3].map((i) => runner.add(i)));
    expect(answers).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('keeps one batch in flight: items added meanwhile go together in the next', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const runner = new BatchRunner<number, number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate.promise;
      return items;
    });
    const first = runner.add(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((i) => runner.add(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    gate.resolve();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a batch that failed, and runs the next batch', async () => {
    let n = 0;
    const runner = new BatchRunner<number, number>((items) => {
      n += 1;
      return n === 1 ? Promise.reject(new Error('down')) : Promise.resolve(items);
    });
    const failed = [runner.add(1), runner.add(2)].map((p) => p.catch((e: Error) => e.message));
    expect(await Promise.all(failed)).toEqual(['down', 'down']);
    expect(await runner.add(3)).toBe(3);
  });

  it('drained resolves once every item added has run', async () => {
    const done: number[] = [];
    const runner = new BatchRunner<number, number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      done.push(...items);
      return items;
    });
    void runner.add(1);
    void runner.add(2);
    await runner.drained();
    expect(done).toEqual([1, 2]);
  });

  it('holds items until enough are queued (then all of them go), or until released', async () => {
    const batches: number[][] = [];
    const runner = new BatchRunner<number, number>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items);
      },
      { holdUntil: 3 },
    );
    const first = [1, 2].map((i) => runner.add(i));
    await runner.drained();
    expect(batches).toEqual([]);
    first.push(runner.add(3));
    expect(await Promise.all(first)).toEqual([1, 2, 3]);
    const held = [4, 5].map((i) => runner.add(i));
    await runner.drained();
    expect(batches).toEqual([[1, 2, 3]]);
    runner.release();
    expect(await Promise.all(held)).toEqual([4, 5]);
    expect(await runner.add(6)).toBe(6);
    expect(batches).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  it("starts after the event loop's turn when asked: until then the items can be taken", async () => {
    const batches: number[][] = [];
    const runner = new BatchRunner<number, number>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items);
      },
      { startAfter: 'macrotask' },
    );
    const taken = runner.add(1);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(batches).toEqual([]);
    expect(runner.take(-1)).toEqual([1]);
    expect(await taken).toBe(-1);
    const sent = [2, 3].map((i) => runner.add(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[2, 3]]);
    expect(runner.take(-1)).toEqual([]);
    expect(await Promise.all(sent)).toEqual([2, 3]);
  });

  it('starts after the current microtasks by default', async () => {
    const batches: number[][] = [];
    const runner = new BatchRunner<number, number>((items) => {
      batches.push([...items]);
      return Promise.resolve(items);
    });
    const sent = runner.add(1);
    await Promise.resolve();
    expect(batches).toEqual([[1]]);
    expect(runner.take(-1)).toEqual([]);
    expect(await sent).toBe(1);
  });

  it('take hands over the held items, answered with the given value, and never runs them', async () => {
    const batches: number[][] = [];
    const runner = new BatchRunner<number, number>(
      (items) => {
        batches.push([...items]);
        return Promise.resolve(items.map((i) => i * 10));
      },
      { holdUntil: 3 },
    );
    const held = [1, 2].map((i) => runner.add(i));
    expect(runner.take(-1)).toEqual([1, 2]);
    expect(await Promise.all(held)).toEqual([-1, -1]);
    expect(runner.take(-1)).toEqual([]);
    runner.release();
    expect(await runner.add(3)).toBe(30);
    expect(batches).toEqual([[3]]);
  });
});
