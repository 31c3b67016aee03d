import { rankRun, type ScoredWorld } from './ranking';
import { compileStatsOptions } from './stats';

const worlds = (
  candidate: string,
  values: Array<number | boolean>,
  score = 'quality',
): ScoredWorld[] => values.map((value) => ({ candidate, scores: { [score]: value } }));

const specs = {
  quality: { type: 'numeric' as const },
  safe: { type: 'boolean' as const },
  tone: { type: 'categorical' as const, values: ['a', 'b'] },
};
const options = compileStatsOptions(undefined);

describe('rankRun', () => {
  it('ranks by mean with intervals; a clear lead is significant, a near tie is not', () => {
    const run = [
      ...worlds('strong', [8, 9, 8, 9, 8, 9]),
      ...worlds('middle', [4, 5, 4, 5, 4, 5]),
      ...worlds('close', [8, 9, 9, 8, 8, 8]),
    ];
    const [quality] = rankRun(run, { quality: specs.quality }, options);
    expect(quality!.ranking.map((r) => [r.rank, r.candidate, r.n])).toEqual([
      [1, 'strong', 6],
      [2, 'close', 6],
      [3, 'middle', 6],
    ]);
    expect(quality!.ranking[0]!.low).toBeLessThan(8.5);
    expect(quality!.ranking[0]!.high).toBeGreaterThan(8.5);
    const by = Object.fromEntries(quality!.comparisons.map((c) => [c.candidate, c]));
    expect(by.middle).toMatchObject({ against: 'strong', difference: -4, significant: true });
    expect(by.close).toMatchObject({ against: 'strong', significant: false });
    expect(by.close!.low).toBeLessThan(0);
    expect(by.close!.high).toBeGreaterThan(0);
  });

  it('booleans rank as rates; categorical scores are left out', () => {
    const run = [
      { candidate: 'a', scores: { safe: true, tone: 'a' } },
      { candidate: 'a', scores: { safe: true, tone: 'b' } },
      { candidate: 'b', scores: { safe: false, tone: 'a' } },
      { candidate: 'b', scores: { safe: true, tone: 'a' } },
    ];
    const ranked = rankRun(run, { safe: specs.safe, tone: specs.tone }, options);
    expect(ranked.map((r) => r.score)).toEqual(['safe']);
    expect(ranked[0]!.ranking.map((r) => [r.candidate, r.mean])).toEqual([
      ['a', 1],
      ['b', 0.5],
    ]);
  });

  it('against a baseline run: each candidate against itself there, p-values corrected', () => {
    const baseline = [...worlds('x', [1, 2, 1, 2]), ...worlds('y', [5, 5, 6, 6])];
    const run = [
      ...worlds('x', [6, 7, 6, 7]),
      ...worlds('y', [5, 6, 5, 6]),
      ...worlds('z', [1, 1]),
    ];
    const bonferroni = { ...options, correction: 'bonferroni' as const };
    const [quality] = rankRun(run, { quality: specs.quality }, bonferroni, baseline);
    expect(
      quality!.comparisons.map((c) => [c.candidate, c.against, c.difference, c.significant]),
    ).toEqual([
      ['x', 'baseline:x', 5, true],
      ['y', 'baseline:y', 0, false],
    ]);
    const plain = rankRun(run, { quality: specs.quality }, options, baseline)[0]!;
    expect(quality!.comparisons[0]!.p_value).toBeCloseTo(
      Math.min(1, plain.comparisons[0]!.p_value * 2),
      12,
    );
  });
});
