// Write order is lock order: concurrent stores of overlapping components
// must take their row locks in one global order or they can deadlock. The
// existing test sorts a list that only ever compares hashes one way; this
// one sorts every permutation of several hashes of one kind (written
// against mutants that survived `npm run mutate`; docs/testing.md).
import { inWriteOrder } from './inline-writes';

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('inWriteOrder within one kind', () => {
  it('sorts by hash whatever the order given', () => {
    const hashes = ['c', '1', 'f', 'a'].map((ch) => ch.repeat(64));
    const sorted = [...hashes].sort();
    for (const order of permutations(hashes)) {
      const writes = order.map((hash) => ({ kind: 'environment' as const, hash }));
      expect(inWriteOrder(writes).map((w) => w.hash)).toEqual(sorted);
    }
  });
});
