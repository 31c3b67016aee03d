import type { GateThreshold } from '@crucible/contracts';
import { decideGate, thresholdProblem } from './gate-decision';
import { compileStatsOptions } from './stats';

const options = compileStatsOptions(undefined);
const specs = {
  quality: { type: 'numeric' as const },
  failures: { type: 'numeric' as const },
  tone: { type: 'categorical' as const, values: ['a', 'b'] },
};
const samples = (
  current: Record<string, number[]> | null,
  candidate: Record<string, number[]>,
) => ({
  current: current === null ? null : new Map(Object.entries(current)),
  candidate: new Map(Object.entries(candidate)),
});

describe('thresholdProblem', () => {
  it('accepts thresholds on numeric scores with the fields their kinds need', () => {
    const ok: GateThreshold[] = [
      { score: 'quality', kind: 'non_inferior', margin: 0.5 },
      { score: 'quality', kind: 'superior' },
      { score: 'failures', kind: 'superior', better: 'lower', min_difference: 1 },
      { score: 'quality', kind: 'at_least', value: 3 },
      { score: 'failures', kind: 'at_most', value: 0 },
    ];
    expect(thresholdProblem(ok, specs)).toBeNull();
  });

  it.each([
    [{ score: 'nope', kind: 'superior' }, '/thresholds/0/score', 'unknown_score'],
    [{ score: 'tone', kind: 'superior' }, '/thresholds/0/score', 'unordered_score'],
    [{ score: 'quality', kind: 'non_inferior' }, '/thresholds/0/margin', 'missing_field'],
    [{ score: 'quality', kind: 'at_least' }, '/thresholds/0/value', 'missing_field'],
    [
      { score: 'quality', kind: 'at_most', value: 1, better: 'lower' },
      '/thresholds/0/better',
      'unexpected_field',
    ],
    [{ score: 'quality', kind: 'superior', margin: 1 }, '/thresholds/0/margin', 'unexpected_field'],
    [
      { score: 'quality', kind: 'non_inferior', margin: 1, value: 2 },
      '/thresholds/0/value',
      'unexpected_field',
    ],
  ] as Array<[GateThreshold, string, string]>)(
    'refuses %j at %s (%s)',
    (threshold, path, reason) => {
      const problem = thresholdProblem([threshold], specs);
      expect(problem?.code).toBe('invalid_argument');
      expect(problem?.details).toMatchObject({ path, reason });
    },
  );
});

describe('decideGate', () => {
  it('passes a clearly better candidate and reports both sides with intervals', () => {
    const report = decideGate(
      [
        { score: 'quality', kind: 'superior' },
        { score: 'quality', kind: 'at_least', value: 7 },
      ],
      samples({ quality: [4, 5, 4, 5, 4, 5] }, { quality: [8, 9, 8, 9, 8, 9] }),
      options,
    );
    expect(report.decision).toBe('pass');
    expect(report.reasons).toEqual([]);
    const [quality] = report.scores;
    expect(quality).toMatchObject({
      score: 'quality',
      current: { mean: 4.5, n: 6 },
      candidate: { mean: 8.5, n: 6 },
      difference: { difference: 4, significant: true },
    });
    expect(quality!.current!.low).toBeLessThan(4.5);
    expect(quality!.difference!.low).toBeGreaterThan(0);
  });

  it('fails a tie on superior but passes it on non_inferior with no margin', () => {
    const tie = samples({ quality: [5, 5] }, { quality: [5, 5] });
    const superior = decideGate([{ score: 'quality', kind: 'superior' }], tie, options);
    expect(superior.decision).toBe('fail');
    expect(superior.reasons).toEqual([
      "quality superior: the candidate's change 0 <= 0, p = 1 (not significant)",
    ]);
    const nonInferior = decideGate(
      [{ score: 'quality', kind: 'non_inferior', margin: 0 }],
      tie,
      options,
    );
    expect(nonInferior.decision).toBe('pass');
  });

  it('non_inferior judges the worst case of the interval, not the mean', () => {
    // The mean is a little better, but the spread leaves a large possible loss.
    const noisy = samples({ quality: [5, 5, 5, 5] }, { quality: [1, 9, 2, 10] });
    const tight = decideGate(
      [{ score: 'quality', kind: 'non_inferior', margin: 0.5 }],
      noisy,
      options,
    );
    expect(tight.decision).toBe('fail');
    expect(tight.checks[0]!.message).toMatch(/beyond the margin -0.5/);
    const loose = decideGate(
      [{ score: 'quality', kind: 'non_inferior', margin: 20 }],
      noisy,
      options,
    );
    expect(loose.decision).toBe('pass');
  });

  it('better: lower turns the comparison around', () => {
    const fewer = samples({ failures: [3, 3, 3] }, { failures: [1, 1, 1] });
    expect(
      decideGate([{ score: 'failures', kind: 'superior', better: 'lower' }], fewer, options)
        .decision,
    ).toBe('pass');
    expect(decideGate([{ score: 'failures', kind: 'superior' }], fewer, options).decision).toBe(
      'fail',
    );
    expect(
      decideGate([{ score: 'failures', kind: 'non_inferior', margin: 1 }], fewer, options).decision,
    ).toBe('fail');
  });

  it('absolute thresholds bound the candidate mean; booleans count as rates', () => {
    const rates = samples({ quality: [1, 1] }, { quality: [1, 0, 1, 1] });
    expect(
      decideGate([{ score: 'quality', kind: 'at_least', value: 0.75 }], rates, options).decision,
    ).toBe('pass');
    const atMost = decideGate([{ score: 'quality', kind: 'at_most', value: 0.5 }], rates, options);
    expect(atMost.decision).toBe('fail');
    expect(atMost.reasons).toEqual(['quality at_most: candidate mean 0.75 > 0.5']);
  });

  it('without a current scenario, relative thresholds are skipped and absolute ones still judge', () => {
    const report = decideGate(
      [
        { score: 'quality', kind: 'superior' },
        { score: 'quality', kind: 'at_least', value: 10 },
      ],
      samples(null, { quality: [8] }),
      options,
    );
    expect(report.checks.map((c) => [c.passed, c.skipped])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(report.scores[0]).toMatchObject({ current: null, difference: null });
    expect(report.decision).toBe('fail');
  });

  it('a score with no scored world fails every threshold on it', () => {
    const report = decideGate(
      [
        { score: 'quality', kind: 'at_least', value: 0 },
        { score: 'quality', kind: 'non_inferior', margin: 1 },
      ],
      samples({}, {}),
      options,
    );
    expect(report.decision).toBe('fail');
    expect(report.reasons).toEqual([
      'quality at_least: no scored world of the candidate',
      'quality non_inferior: no scored world of the candidate',
    ]);
  });

  it('corrects the p-values over the scores as the stats config says', () => {
    const data = samples(
      { quality: [4, 5, 4, 5], failures: [4, 5, 4, 5] },
      { quality: [5, 6, 5, 6], failures: [5, 6, 5, 6] },
    );
    const plain = decideGate(
      [
        { score: 'quality', kind: 'superior' },
        { score: 'failures', kind: 'superior' },
      ],
      data,
      options,
    );
    const corrected = decideGate(
      [
        { score: 'quality', kind: 'superior' },
        { score: 'failures', kind: 'superior' },
      ],
      data,
      compileStatsOptions({ multiple_testing_correction: 'bonferroni' }),
    );
    const p = plain.scores[0]!.difference!.p_value;
    expect(corrected.scores[0]!.difference!.p_value).toBeCloseTo(Math.min(1, 2 * p), 12);
  });
});
