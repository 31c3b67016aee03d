import type { GateThreshold } from '@crucible/contracts';
import { decideGate, thresholdProblem } from './gate-decision';
import { compileStatsOptions, welch } from './stats';

// Written against the surviving mutants of gate-decision.ts
// (docs/testing.md, "Scores"): the texts and details a client reads when a
// threshold is refused or fails, each comparison at its boundary (samples
// without spread give intervals and differences exact to the digit), and
// which p-value goes with which score.

const options = compileStatsOptions(undefined);
const specs = {
  quality: { type: 'numeric' as const },
  passed: { type: 'boolean' as const },
  tone: { type: 'categorical' as const, values: ['a', 'b'] },
};
const samples = (
  current: Record<string, number[]> | null,
  candidate: Record<string, number[]>,
) => ({
  current: current === null ? null : new Map(Object.entries(current)),
  candidate: new Map(Object.entries(candidate)),
});
const ok: GateThreshold = { score: 'quality', kind: 'at_least', value: 0 };
const wire = (t: GateThreshold[], s: Parameters<typeof thresholdProblem>[1] = specs) =>
  thresholdProblem(t, s)?.toWire();

describe('thresholdProblem', () => {
  it('names the scores there are, sorted, or none', () => {
    expect(wire([ok, { score: 'x', kind: 'superior' }])).toEqual({
      code: 'invalid_argument',
      message:
        '/thresholds/1/score: the experiment\'s scorers give no score "x" (they give passed, quality, tone)',
      retryable: false,
      details: { path: '/thresholds/1/score', reason: 'unknown_score', score: 'x' },
    });
    expect(wire([{ score: 'x', kind: 'superior' }], {})?.message).toBe(
      '/thresholds/0/score: the experiment\'s scorers give no score "x" (they give none)',
    );
  });

  it('refuses a categorical score', () => {
    expect(wire([ok, { score: 'tone', kind: 'superior' }])).toEqual({
      code: 'invalid_argument',
      message:
        '/thresholds/1/score: "tone" is categorical; a gate compares numeric or boolean scores',
      retryable: false,
      details: { path: '/thresholds/1/score', reason: 'unordered_score', score: 'tone' },
    });
  });

  it('says which field a kind needs and which it has not', () => {
    expect(wire([ok, { score: 'passed', kind: 'at_most' }])).toEqual({
      code: 'invalid_argument',
      message: '/thresholds/1: a at_most threshold needs value',
      retryable: false,
      details: { path: '/thresholds/1/value', reason: 'missing_field' },
    });
    expect(wire([{ score: 'quality', kind: 'superior', margin: 1 }])).toEqual({
      code: 'invalid_argument',
      message: '/thresholds/0/margin: a superior threshold has no margin',
      retryable: false,
      details: { path: '/thresholds/0/margin', reason: 'unexpected_field' },
    });
    expect(
      thresholdProblem(
        [{ score: 'quality', kind: 'non_inferior', margin: 1, better: 'lower' }],
        specs,
      ),
    ).toBeNull();
  });
});

describe('decideGate', () => {
  const superior: GateThreshold = { score: 'quality', kind: 'superior' };

  it('tests only scores with worlds on both sides, each with its own p-value', () => {
    const current = { quality: [1, 2, 3, 4], passed: [0, 1, 0, 1] };
    const candidate = { quality: [2, 4, 5, 7], passed: [1, 1, 0, 1], lonely: [1, 2] };
    const report = decideGate(
      [{ score: 'lonely', kind: 'superior' }, superior, { score: 'passed', kind: 'superior' }],
      samples(current, candidate),
      options,
    );
    expect(report.scores.map((s) => s.score)).toEqual(['lonely', 'quality', 'passed']);
    expect(report.scores[0]!.difference).toBeNull();
    expect(report.scores[0]!.current).toBeNull();
    const q = welch(current.quality, candidate.quality, 0.95);
    const p = welch(current.passed, candidate.passed, 0.95);
    expect(q.p_value).not.toBe(p.p_value);
    expect(report.scores[1]!.difference?.p_value).toBe(q.p_value);
    expect(report.scores[2]!.difference?.p_value).toBe(p.p_value);
    // A candidate side with no worlds is not tested either.
    const none = decideGate([superior], samples({ quality: [1, 2] }, {}), options);
    expect(none.scores[0]).toEqual({
      score: 'quality',
      current: expect.objectContaining({ mean: 1.5, n: 2 }),
      candidate: null,
      difference: null,
    });
    expect(none.checks[0]!.message).toBe('quality superior: no scored world of the candidate');
  });

  it('is significant below alpha, not at it', () => {
    const same = decideGate([superior], samples({ quality: [1, 1] }, { quality: [1, 1] }), {
      ...options,
      alpha: 1,
    });
    expect(same.scores[0]!.difference).toEqual({
      difference: 0,
      low: 0,
      high: 0,
      p_value: 1,
      significant: false,
      effect_size: 0,
    });
  });

  it('compares the candidate mean with at_least and at_most values, equal included', () => {
    const report = decideGate(
      [
        { score: 'quality', kind: 'at_least', value: 3 },
        { score: 'quality', kind: 'at_most', value: 3 },
        { score: 'quality', kind: 'at_least', value: 3.5 },
        { score: 'quality', kind: 'at_most', value: 2.5 },
      ],
      samples(null, { quality: [3, 3] }),
      options,
    );
    expect(report.checks.map((c) => [c.passed, c.skipped, c.message])).toEqual([
      [true, false, 'quality at_least: candidate mean 3 >= 3'],
      [true, false, 'quality at_most: candidate mean 3 <= 3'],
      [false, false, 'quality at_least: candidate mean 3 < 3.5'],
      [false, false, 'quality at_most: candidate mean 3 > 2.5'],
    ]);
    expect(report.decision).toBe('fail');
    expect(report.reasons).toEqual([
      'quality at_least: candidate mean 3 < 3.5',
      'quality at_most: candidate mean 3 > 2.5',
    ]);
  });

  it('writes four significant digits', () => {
    const report = decideGate(
      [{ score: 'quality', kind: 'at_least', value: 0.12345 }],
      samples(null, { quality: [1 / 3] }),
      options,
    );
    expect(report.checks[0]!.message).toBe('quality at_least: candidate mean 0.3333 >= 0.1235');
  });

  it('skips relative thresholds without a current scenario, fails them without its worlds', () => {
    const skipped = decideGate([superior], samples(null, { quality: [1] }), options);
    expect(skipped.checks).toEqual([
      {
        threshold: 0,
        score: 'quality',
        kind: 'superior',
        passed: true,
        skipped: true,
        message: 'quality superior: skipped: the name pointed at no scenario',
      },
    ]);
    expect(skipped.decision).toBe('pass');
    const missing = decideGate([superior], samples({}, { quality: [1] }), options);
    expect(missing.checks).toEqual([
      {
        threshold: 0,
        score: 'quality',
        kind: 'superior',
        passed: false,
        skipped: false,
        message: 'quality superior: no scored world of the current scenario',
      },
    ]);
  });

  it('holds non-inferiority at the margin, for higher and lower is better', () => {
    // No spread: the interval of the difference is the difference itself.
    const worse = samples({ quality: [1, 1] }, { quality: [0.5, 0.5] });
    const atMargin = decideGate(
      [{ score: 'quality', kind: 'non_inferior', margin: 0.5 }],
      worse,
      options,
    );
    expect(atMargin.checks[0]).toMatchObject({
      passed: true,
      message:
        "quality non_inferior: the worst case of the candidate's change (-0.5, the confidence bound) is within the margin -0.5 (change -0.5)",
    });
    const higher = samples({ quality: [1, 1] }, { quality: [1.5, 1.5] });
    const lower = decideGate(
      [{ score: 'quality', kind: 'non_inferior', margin: 0.4, better: 'lower' }],
      higher,
      options,
    );
    expect(lower.checks[0]).toMatchObject({
      passed: false,
      message:
        "quality non_inferior: the worst case of the candidate's change (-0.5, the confidence bound) is beyond the margin -0.4 (change -0.5)",
    });
  });

  it('wants superiority above the minimum difference and significant', () => {
    const better = samples({ quality: [1, 1] }, { quality: [2, 2] });
    const messages = (min: number, alpha = 0.05) =>
      decideGate([{ score: 'quality', kind: 'superior', min_difference: min }], better, {
        ...options,
        alpha,
      }).checks.map((c) => [c.passed, c.message]);
    expect(messages(1)).toEqual([
      [false, "quality superior: the candidate's change 1 <= 1, p = 0 (significant)"],
    ]);
    expect(messages(0.5)).toEqual([
      [true, "quality superior: the candidate's change 1 > 0.5, p = 0 (significant)"],
    ]);
    expect(messages(0.5, 0)).toEqual([
      [false, "quality superior: the candidate's change 1 > 0.5, p = 0 (not significant)"],
    ]);
  });
});
