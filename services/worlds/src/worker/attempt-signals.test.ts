import type { AttemptRow } from '../store/rows';
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

  it('hands the waits the attempt its commit left, early or late', async () => {
    const signals = new AttemptSignals();
    const finished = {
      attempt: { id: 7, world_id: 2, status: 'committed', produced_turn: 3 } as AttemptRow,
      usage: { calls: 3, input_tokens: 30, output_tokens: 9, latency_ms: 12 },
      claimable: false,
    };
    const early = signals.wait(7, 10_000);
    signals.finished(7, finished);
    await expect(early).resolves.toBe(finished);
    await expect(signals.wait(7, 10_000)).resolves.toBe(finished);
    // A finish without it (a failure) leaves the waits to read the attempt.
    signals.finished(8);
    await expect(signals.wait(8, 10_000)).resolves.toBeUndefined();
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
