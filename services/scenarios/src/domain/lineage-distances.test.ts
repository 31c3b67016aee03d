import { ancestorDistances } from './lineage-distances';

/** parentsOf over a literal graph: child -> parents, primary first. */
function graph(edges: Record<string, string[]>): (h: string) => string[] {
  return (h) => edges[h] ?? [];
}

describe('ancestorDistances', () => {
  it('is the longest path: a shortcut edge does not shorten it', () => {
    // c has parents b and a; b has parent a.
    const parents = graph({ c: ['b', 'a'], b: ['a'] });
    expect(ancestorDistances('c', new Set(['a', 'b']), parents)).toEqual(
      new Map([
        ['b', 1],
        ['a', 2],
      ]),
    );
    // The same with the shortcut listed first.
    const swapped = graph({ c: ['a', 'b'], b: ['a'] });
    expect(ancestorDistances('c', new Set(['a', 'b']), swapped).get('a')).toBe(2);
  });

  it('ends on a fork that reverts to an ancestor, each scenario once', () => {
    // a forked to b, b forked back to a, c forked from a.
    const parents = graph({ b: ['a'], a: ['b'], c: ['a'] });
    expect(ancestorDistances('c', new Set(['a', 'b']), parents)).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(ancestorDistances('a', new Set(['b']), parents)).toEqual(new Map([['b', 1]]));
  });

  it('follows only the ancestors it is given', () => {
    const parents = graph({ c: ['b'], b: ['a'], a: ['root'] });
    expect(ancestorDistances('c', new Set(['b', 'a']), parents)).toEqual(
      new Map([
        ['b', 1],
        ['a', 2],
      ]),
    );
  });

  it('walks a 100,000-deep chain without recursion', () => {
    const depth = 100_000;
    const parents = (h: string) => (Number(h) < depth ? [String(Number(h) + 1)] : []);
    const ancestors = new Set(Array.from({ length: depth }, (_, i) => String(i + 1)));
    const distances = ancestorDistances('0', ancestors, parents);
    expect(distances.size).toBe(depth);
    expect(distances.get(String(depth))).toBe(depth);
  });
});

describe('ancestorDistances, the order it relaxes edges in', () => {
  it('keeps the longest path when the shorter one is relaxed last', () => {
    // s's parents: v (then x) and u (then w, then x). x is 2 away through v, 3 through u.
    const parents = graph({ s: ['v', 'u'], u: ['w'], w: ['x'], v: ['x'] });
    expect(ancestorDistances('s', new Set(['u', 'v', 'w', 'x']), parents).get('x')).toBe(3);
  });

  it('walks each scenario once, however many paths lead to it', () => {
    // A ladder of 40 diamonds: 2^40 paths from the bottom to the top.
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 40; i++) {
      edges[`m${i}`] = [`l${i}`, `r${i}`];
      edges[`l${i}`] = [`m${i + 1}`];
      edges[`r${i}`] = [`m${i + 1}`];
    }
    let calls = 0;
    const parentsOf = (h: string) => {
      calls++;
      return edges[h] ?? [];
    };
    const ancestors = new Set(Object.values(edges).flat());
    const distances = ancestorDistances('m0', ancestors, parentsOf);
    expect(distances.get('m40')).toBe(80);
    expect(calls).toBeLessThanOrEqual(3 * (ancestors.size + 1));
  });
});
