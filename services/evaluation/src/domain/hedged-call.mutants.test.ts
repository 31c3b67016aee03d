import { hedgedCall } from './hedged-call';

// Written against the surviving mutants of hedged-call.ts (docs/testing.md,
// "Scores"): when duplicates go out (never past the limit, at once after a
// failure, not after settling), what a late answer may do, the errors made
// from non-Error reasons. Fake timers make every moment exact.

interface Plan {
  ms: number;
  fail?: unknown;
  /** Answers even when aborted (a server that does not hear the abort). */
  deaf?: boolean;
}

function scripted(plans: Record<number, Plan>, fallback: Plan) {
  const started: number[] = [];
  const aborted: number[] = [];
  const call = (attempt: number, signal: AbortSignal) => {
    started.push(attempt);
    const plan = plans[attempt] ?? fallback;
    // Settles with the plan's outcome, thrown below: the failure may be no Error.
    return new Promise<Plan>((resolve, reject) => {
      const timer = setTimeout(() => resolve(plan), plan.ms);
      signal.addEventListener('abort', () => {
        aborted.push(attempt);
        if (plan.deaf === true) return;
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    }).then((outcome) => {
      if ('fail' in outcome) throw outcome.fail;
      return `r${attempt}`;
    });
  };
  return { started, aborted, call };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('hedgedCall', () => {
  it('sends no more than maxExtraRequests duplicates', async () => {
    const s = scripted({}, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 10, maxExtraRequests: 1 });
    await jest.advanceTimersByTimeAsync(500);
    expect(s.started).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toEqual({ value: 'r0', winner: 0, sent: 2 });
  });

  it('after a failure hedges at once and restarts the delay', async () => {
    const s = scripted({ 0: { ms: 5, fail: new Error('boom') } }, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 100, maxExtraRequests: 3 });
    await jest.advanceTimersByTimeAsync(6);
    expect(s.started).toEqual([0, 1]);
    // The first delay (due at 100) was cancelled: the next goes at 105.
    await jest.advanceTimersByTimeAsync(96);
    expect(s.started).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(4);
    expect(s.started).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(2000);
    await expect(result).resolves.toMatchObject({ value: 'r1', winner: 1 });
  });

  it('waits on a request still out when another fails', async () => {
    const s = scripted({ 0: { ms: 300 }, 1: { ms: 5, fail: new Error('boom') } }, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 50, maxExtraRequests: 2 });
    await jest.advanceTimersByTimeAsync(60);
    // Request 1 failed at 55 while 0 is out: no duplicate before the delay.
    expect(s.started).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(50);
    expect(s.started).toEqual([0, 1, 2]);
    await jest.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toEqual({ value: 'r0', winner: 0, sent: 3 });
  });

  it('does not fail while a request is out, even with no duplicate left', async () => {
    const s = scripted({ 0: { ms: 100 }, 1: { ms: 5, fail: new Error('boom') } }, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 10, maxExtraRequests: 1 });
    await jest.advanceTimersByTimeAsync(200);
    await expect(result).resolves.toEqual({ value: 'r0', winner: 0, sent: 2 });
  });

  it('a late answer after the winner changes nothing', async () => {
    const s = scripted({ 0: { ms: 60, deaf: true }, 1: { ms: 10 } }, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 20, maxExtraRequests: 1 });
    await jest.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toEqual({ value: 'r1', winner: 1, sent: 2 });
    expect(s.aborted).toEqual([0]);
  });

  it('sends nothing more once the caller aborted', async () => {
    const controller = new AbortController();
    const s = scripted({}, { ms: 1000 });
    const result = hedgedCall(s.call, { delayMs: 10_000, maxExtraRequests: 2 }, controller.signal);
    const settled = expect(result).rejects.toThrow('caller gave up');
    await jest.advanceTimersByTimeAsync(5);
    controller.abort(new Error('caller gave up'));
    await jest.advanceTimersByTimeAsync(20_000);
    await settled;
    expect(s.started).toEqual([0]);
  });

  it('does not call at all for a signal already aborted', async () => {
    const s = scripted({}, { ms: 5 });
    const result = hedgedCall(
      s.call,
      { delayMs: 10, maxExtraRequests: 1 },
      AbortSignal.abort('no'),
    );
    const settled = expect(result).rejects.toThrow('aborted');
    await jest.advanceTimersByTimeAsync(50);
    await settled;
    expect(s.started).toEqual([]);
  });

  it('makes Errors of reasons that are not', async () => {
    const aborted = await hedgedCall(
      scripted({}, { ms: 5 }).call,
      { delayMs: 10, maxExtraRequests: 0 },
      AbortSignal.abort('stop'),
    ).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(Error);
    expect((aborted as Error).message).toBe('aborted');
    expect((aborted as Error).cause).toBe('stop');
    const failing = hedgedCall(scripted({}, { ms: 5, fail: 'boom' }).call, {
      delayMs: 1000,
      maxExtraRequests: 0,
    }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10);
    const failed = await failing;
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toBe('boom');
    expect((failed as Error).cause).toBe('boom');
  });
});
