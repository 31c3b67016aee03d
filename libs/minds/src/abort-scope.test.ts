import { AbortScope, abortableSleep } from './abort-scope';

describe('AbortScope', () => {
  it('aborts with its parent, with the parent reason', () => {
    const parent = new AbortController();
    const scope = new AbortScope(parent.signal);
    const reason = new Error('stop');
    parent.abort(reason);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(reason);
    scope.close();
  });

  it('starts aborted under an aborted parent', () => {
    const scope = new AbortScope(AbortSignal.abort(new Error('already')));
    expect(scope.signal.aborted).toBe(true);
    scope.close();
  });

  it('aborts after its timeout with the given reason, unless closed', async () => {
    const reason = new Error('late');
    const scope = new AbortScope(undefined).abortAfter(20, reason);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scope.signal.reason).toBe(reason);
    const closed = new AbortScope(undefined).abortAfter(20, reason);
    closed.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(closed.signal.aborted).toBe(false);
  });

  it('leaves nothing on the parent once closed', () => {
    const parent = new AbortController();
    const scope = new AbortScope(parent.signal);
    scope.close();
    parent.abort();
    expect(scope.signal.aborted).toBe(false);
  });
});

describe('abortableSleep', () => {
  it('resolves after the wait', async () => {
    const started = performance.now();
    await abortableSleep(30, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal);
    const reason = new Error('now');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    await expect(abortableSleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
