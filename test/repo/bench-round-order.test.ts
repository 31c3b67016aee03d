// The peer bench's sides take turns in an order that favours none of them
// (test/bench/peer/round-order.ts): a side that always ran in the same
// place, after the same side, or twice in a row would carry that place's
// luck into its ratio.
import { roundOrder } from '../bench/peer/round-order';

describe('the peer bench round order', () => {
  const sides = ['ours', 'moleculer', 'bare'];
  const rounds = 24;
  const orders = Array.from({ length: rounds }, (_, round) => roundOrder(sides, round));
  const sequence = orders.flat();

  it('runs each side once a round', () => {
    for (const order of orders) expect([...order].sort()).toEqual([...sides].sort());
  });

  it('puts each side in each place equally often', () => {
    for (const side of sides)
      for (let place = 0; place < sides.length; place++)
        expect(orders.filter((order) => order[place] === side)).toHaveLength(rounds / 3);
  });

  it('runs each side after each other side equally often, within one', () => {
    for (const side of sides) {
      const after = sides
        .filter((other) => other !== side)
        .map((other) => sequence.filter((s, i) => s === side && sequence[i - 1] === other).length);
      expect(Math.max(...after) - Math.min(...after)).toBeLessThanOrEqual(1);
    }
  });

  it('never runs a side twice in a row', () => {
    const repeats = sequence.filter((side, i) => i > 0 && side === sequence[i - 1]);
    expect(repeats).toEqual([]);
  });
});
