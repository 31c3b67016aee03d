import { hedgedCall } from './hedged-call';

const after = <T>(ms: number, value: T, signal: AbortSignal, fail = false) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

describe('hedgedCall', () => {
  it('a fast first answer sends no duplicate', async () => {
    const started: number[] = [];
    const result = await hedgedCall(
      (attempt, signal) => {
        started.push(attempt);
        return after(5, 'first', signal);
      },
      { delayMs: 200, maxExtraRequests: 1 },
    );
    expect(result).toEqual({ value: 'first', winner: 0, sent: 1 });
    expect(started).toEqual([0]);
  });

  it('a slow first answer: the duplicate after the delay wins and the first is aborted', async () => {
    const aborted: number[] = [];
    const result = await hedgedCall(
      (attempt, signal) => {
        signal.addEventListener('abort', () => aborted.push(attempt));
        return after(attempt === 0 ? 2000 : 10, `answer ${attempt}`, signal);
      },
      { delayMs: 30, maxExtraRequests: 1 },
    );
    expect(result).toEqual({ value: 'answer 1', winner: 1, sent: 2 });
    expect(aborted).toEqual([0]);
  });

  it('a failure does not win: the duplicate goes at once and its answer counts', async () => {
    const result = await hedgedCall(
      (attempt, signal) => after(5, `r${attempt}`, signal, attempt === 0),
      { delayMs: 10_000, maxExtraRequests: 2 },
    );
    expect(result).toEqual({ value: 'r1', winner: 1, sent: 2 });
  });

  it('fails with the last error once every request it may send failed', async () => {
    await expect(
      hedgedCall((attempt, signal) => after(5, `boom ${attempt}`, signal, true), {
        delayMs: 10_000,
        maxExtraRequests: 1,
      }),
    ).rejects.toThrow('boom 1');
  });

  it('the caller aborting stops it', async () => {
    const controller = new AbortController();
    const call = hedgedCall(
      (_a, signal) => after(5000, 'late', signal),
      {
        delayMs: 10,
        maxExtraRequests: 3,
      },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('caller gave up')), 30);
    await expect(call).rejects.toThrow('caller gave up');
  });
});
