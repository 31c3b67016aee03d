import {
  afterLineagePosition,
  isLineagePosition,
  listedParents,
  PARENTS_LISTED,
  type Placed,
} from './lineage-page';

const h = (c: string) => c.repeat(64);
const node = (c: string, distance: number, at = '2026-01-01T00:00:00.000Z') => ({
  hash: h(c),
  distance,
  created_at: at,
});

describe('afterLineagePosition', () => {
  const all: Array<Placed<ReturnType<typeof node>>> = [
    { section: 'lineage', node: node('a', 2) },
    { section: 'lineage', node: node('b', 1) },
    { section: 'lineage', node: node('c', 1, '2026-01-02T00:00:00.000Z') },
    { section: 'lineage', node: node('s', 0) },
    { section: 'descendants', node: node('d', 1) },
    { section: 'descendants', node: node('e', 2) },
  ];
  const hashes = (placed: Array<Placed<ReturnType<typeof node>>>) =>
    placed.map((p) => p.node.hash[0]).join('');

  it('resumes after the last node listed, lineage then descendants', () => {
    expect(hashes(afterLineagePosition(all, ['l', 2, node('a', 2).created_at, h('a')]))).toBe(
      'bcsde',
    );
    expect(hashes(afterLineagePosition(all, ['l', 1, node('b', 1).created_at, h('b')]))).toBe(
      'csde',
    );
    expect(hashes(afterLineagePosition(all, ['l', 0, node('s', 0).created_at, h('s')]))).toBe('de');
    expect(hashes(afterLineagePosition(all, ['d', 1, node('d', 1).created_at, h('d')]))).toBe('e');
    expect(hashes(afterLineagePosition(all, ['d', 2, node('e', 2).created_at, h('e')]))).toBe('');
  });

  it('orders nodes of one distance by time, then by hash, in both lists', () => {
    const early = '2026-01-01T00:00:00.000Z';
    const late = '2026-01-02T00:00:00.000Z';
    const tied: Array<Placed<ReturnType<typeof node>>> = [
      { section: 'lineage', node: node('a', 1, early) },
      { section: 'lineage', node: node('b', 1, early) },
      { section: 'lineage', node: node('c', 1, late) },
      { section: 'descendants', node: node('d', 1, early) },
      { section: 'descendants', node: node('e', 1, early) },
      { section: 'descendants', node: node('f', 1, late) },
    ];
    expect(hashes(afterLineagePosition(tied, ['l', 1, early, h('a')]))).toBe('bcdef');
    expect(hashes(afterLineagePosition(tied, ['l', 1, early, h('b')]))).toBe('cdef');
    expect(hashes(afterLineagePosition(tied, ['l', 1, late, h('c')]))).toBe('def');
    expect(hashes(afterLineagePosition(tied, ['d', 1, early, h('d')]))).toBe('ef');
    expect(hashes(afterLineagePosition(tied, ['d', 1, early, h('e')]))).toBe('f');
    expect(hashes(afterLineagePosition(tied, ['d', 1, late, h('a')]))).toBe('f');
    expect(hashes(afterLineagePosition(tied, ['d', 1, late, h('f')]))).toBe('');
  });

  it('neither repeats nor skips when a node appeared before the position meanwhile', () => {
    const grown = [{ section: 'lineage' as const, node: node('z', 3) }, ...all];
    expect(hashes(afterLineagePosition(grown, ['l', 1, node('b', 1).created_at, h('b')]))).toBe(
      'csde',
    );
  });
});

describe('isLineagePosition', () => {
  it('accepts what the handler writes and nothing else', () => {
    expect(isLineagePosition(['l', 0, '2026-01-01T00:00:00.000Z', h('a')])).toBe(true);
    expect(isLineagePosition(['d', 3, '2026-01-01T00:00:00.000Z', h('a')])).toBe(true);
    for (const bad of [
      ['x', 0, '2026-01-01T00:00:00.000Z', h('a')],
      ['l', -1, '2026-01-01T00:00:00.000Z', h('a')],
      ['l', 1.5, '2026-01-01T00:00:00.000Z', h('a')],
      ['l', 0, 'yesterday', h('a')],
      ['l', 0, '2026-01-01T00:00:00.000Z', 'A'.repeat(64)],
      ['l', 0, '2026-01-01T00:00:00.000Z'],
      ['l', 0, '2026-01-01T00:00:00.000Z', h('a'), 'more'],
      ['l', 0, 2026, h('a')],
      ['l', 0, '2026-01-01T00:00:00.000Z', [h('a')]],
      ['l', 0, '2026-01-01T00:00:00.000Z', `x${h('a')}`],
      ['l', 0, '2026-01-01T00:00:00.000Z', `${h('a')}x`],
      { l: 0 },
      '2026',
    ])
      expect(isLineagePosition(bad)).toBe(false);
  });
});

describe('listedParents', () => {
  it('lists up to PARENTS_LISTED parents and says when there are more', () => {
    const parents = Array.from({ length: PARENTS_LISTED + 1 }, (_, i) => String(i));
    expect(listedParents(parents.slice(0, PARENTS_LISTED))).toEqual({
      parent_hashes: parents.slice(0, PARENTS_LISTED),
    });
    expect(listedParents(parents)).toEqual({
      parent_hashes: parents.slice(0, PARENTS_LISTED),
      parents_truncated: true,
    });
  });
});
