import { IdleSlots } from './idle-slots';

/** Parks `n` slots; counts how many have been let go. */
function park(slots: IdleSlots, n: number): { released: () => number } {
  let released = 0;
  for (let i = 0; i < n; i++) void slots.idle().then(() => (released += 1));
  return { released: () => released };
}

describe('IdleSlots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets one idle slot look per poll interval, however many are idle', async () => {
    const slots = new IdleSlots(10);
    const { released } = park(slots, 4);
    await jest.advanceTimersByTimeAsync(9);
    expect(released()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(10);
    expect(released()).toBe(2);
    await jest.advanceTimersByTimeAsync(20);
    expect(released()).toBe(4);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('lets one looked-at slot go back and wait its turn behind the others', async () => {
    const slots = new IdleSlots(10);
    let looks = 0;
    const end = Date.now() + 100;
    // Four slots that find nothing each time they look, for 100 ms.
    const loops = Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        await slots.idle();
        looks += 1;
      }
    });
    await jest.advanceTimersByTimeAsync(100);
    expect(looks).toBe(10);
    slots.wake();
    await Promise.all(loops);
  });

  it('wake lets every idle slot go at once, and the timer stops', async () => {
    const slots = new IdleSlots(1_000);
    const { released } = park(slots, 3);
    slots.wake();
    await Promise.resolve();
    expect(released()).toBe(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a wake while no slot is idle lets the next idle slot go at once', async () => {
    const slots = new IdleSlots(1_000);
    slots.wake();
    const { released } = park(slots, 2);
    await Promise.resolve();
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(released()).toBe(2);
  });

  it('wakeOne lets exactly one idle slot go, and the others keep their poll', async () => {
    const slots = new IdleSlots(10);
    const { released } = park(slots, 3);
    slots.wakeOne();
    await Promise.resolve();
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(10);
    expect(released()).toBe(2);
  });

  it('wakeOne with no slot idle is forgotten (the slot that found work looks again itself)', async () => {
    const slots = new IdleSlots(10);
    slots.wakeOne();
    const { released } = park(slots, 1);
    await Promise.resolve();
    expect(released()).toBe(0);
    await jest.advanceTimersByTimeAsync(10);
    expect(released()).toBe(1);
  });

  it('signal lets one idle slot go at once, and the others keep their poll', async () => {
    const slots = new IdleSlots(1_000);
    const { released } = park(slots, 3);
    slots.signal();
    await Promise.resolve();
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(released()).toBe(2);
  });

  it('a signal while no slot is idle lets the next idle slot go at once, not the one after', async () => {
    const slots = new IdleSlots(1_000);
    slots.signal();
    const { released } = park(slots, 2);
    await Promise.resolve();
    expect(released()).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(released()).toBe(1);
  });
});
