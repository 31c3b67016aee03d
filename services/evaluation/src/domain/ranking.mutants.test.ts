import { rankRun, type ScoredWorld } from './ranking';
import { compileStatsOptions } from './stats';

// Written against the surviving and uncovered mutants of ranking.ts
// (docs/testing.md, "Scores"): the order of scores and of tied candidates,
// who is compared with whom, the comparison's means, significance strictly
// below alpha.

const worlds = (candidate: string, values: Array<number | boolean>, score = 'q'): ScoredWorld[] =>
  values.map((value) => ({ candidate, scores: { [score]: value } }));
const options = compileStatsOptions(undefined);

describe('rankRun', () => {
  it('lists the scores by name', () => {
    const run = worlds('a', [1, 2]);
    const specs = {
      q: { type: 'numeric' as const },
      b: { type: 'boolean' as const },
      z: { type: 'numeric' as const },
      m: { type: 'numeric' as const },
    };
    expect(rankRun(run, specs, options).map((r) => r.score)).toEqual(['b', 'm', 'q', 'z']);
  });

  it('ranks ties in mean by candidate name', () => {
    const run = [...worlds('c', [2, 4]), ...worlds('a', [3, 3]), ...worlds('b', [1, 5])];
    const [q] = rankRun(run, { q: { type: 'numeric' } }, options);
    expect(q!.ranking.map((r) => [r.rank, r.candidate, r.mean])).toEqual([
      [1, 'a', 3],
      [2, 'b', 3],
      [3, 'c', 3],
    ]);
  });

  it('compares each other candidate with the leader, with both means', () => {
    const run = [...worlds('lead', [6, 8]), ...worlds('next', [1, 3, 5])];
    const [q] = rankRun(run, { q: { type: 'numeric' } }, options);
    expect(q!.comparisons).toHaveLength(1);
    expect(q!.comparisons[0]).toMatchObject({
      candidate: 'next',
      against: 'lead',
      mean: 3,
      against_mean: 7,
      difference: -4,
    });
  });

  it('ranks nobody on a score no world gave', () => {
    const run = worlds('a', [1, 2]);
    expect(rankRun(run, { q: { type: 'numeric' }, other: { type: 'numeric' } }, options)).toEqual([
      { score: 'other', ranking: [], comparisons: [] },
      expect.objectContaining({ score: 'q' }),
    ]);
  });

  it('is significant below alpha, not at it', () => {
    const run = [...worlds('a', [1, 1]), ...worlds('b', [1, 1])];
    const [q] = rankRun(run, { q: { type: 'numeric' } }, { ...options, alpha: 1 });
    expect(q!.comparisons[0]).toMatchObject({ p_value: 1, significant: false });
  });
});
