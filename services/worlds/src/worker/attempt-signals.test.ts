import { AttemptSignals } from './attempt-signals';

describe('AttemptSignals', () => {
  it('wakes the waits of an attempt when it finishes, long before their timeout', async () => {
    const signals = new AttemptSignals();
    const started = Date.now();
    const waits = [signals.wait(4, 10_000), signals.wait(4, 10_000)];
    setTimeout(() => signals.finished(4), 5);
    await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("ends a wait at its timeout when the attempt does not finish here (another replica's)", async () => {
    const signals = new AttemptSignals();
    let woken = false;
    const wait = signals.wait(4, 30).then(() => (woken = true));
    signals.finished(5);
    await new Promise((r) => setTimeout(r, 5));
    expect(woken).toBe(false);
    await wait;
    expect(woken).toBe(true);
  });

  it('answers at once a wait that starts after the finish', async () => {
    const signals = new AttemptSignals();
    signals.finished(9);
    const started = Date.now();
    await signals.wait(9, 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says which attempts the worker of this replica is running', () => {
    const signals = new AttemptSignals();
    signals.started(3);
    expect(signals.runningHere(3)).toBe(true);
    expect(signals.runningHere(4)).toBe(false);
    signals.stopped(3);
    expect(signals.runningHere(3)).toBe(false);
  });
});
