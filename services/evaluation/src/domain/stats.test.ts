import {
  adjustPValues,
  bootstrapInterval,
  compileStatsOptions,
  confidenceInterval,
  studentTCdf,
  studentTQuantile,
  welch,
} from './stats';

describe('Student t', () => {
  it('matches the tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 10);
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.975, 3);
    expect(studentTCdf(-2.228, 10)).toBeCloseTo(0.025, 3);
  });
});

describe('confidence intervals', () => {
  const t = compileStatsOptions(undefined);
  it('t-interval of the mean by default', () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5], t);
    // mean 3, sd 1.5811, se 0.7071, t(0.975, 4) = 2.7764
    expect(ci.mean).toBe(3);
    expect(ci.low).toBeCloseTo(3 - 2.7764 * 0.70711, 3);
    expect(ci.high).toBeCloseTo(3 + 2.7764 * 0.70711, 3);
    expect(ci.n).toBe(5);
  });

  it('one value is its own interval; no spread, no width', () => {
    expect(confidenceInterval([4], t)).toEqual({ mean: 4, low: 4, high: 4, n: 1 });
    expect(confidenceInterval([2, 2, 2], t)).toEqual({ mean: 2, low: 2, high: 2, n: 3 });
  });

  it('the bootstrap is deterministic for its seed and brackets the mean', () => {
    const options = compileStatsOptions({ tests: ['bootstrap'], bootstrap_iterations: 2000 });
    expect(options.interval).toBe('bootstrap');
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const a = bootstrapInterval(values, options);
    expect(bootstrapInterval(values, options)).toEqual(a);
    expect(a.low).toBeLessThan(5.5);
    expect(a.high).toBeGreaterThan(5.5);
    // Close to the t-interval for a symmetric sample (3.33 .. 7.67).
    expect(a.low).toBeGreaterThan(3.3);
    expect(a.high).toBeLessThan(7.7);
    expect(bootstrapInterval(values, { ...options, seed: 1 })).not.toEqual(a);
  });
});

describe('welch', () => {
  it('a clear difference is significant, noise is not', () => {
    const clear = welch([1, 2, 1, 2, 1, 2], [5, 6, 5, 6, 5, 6], 0.95);
    expect(clear.difference).toBe(4);
    expect(clear.p_value).toBeLessThan(1e-6);
    expect(clear.low).toBeGreaterThan(0);
    const noise = welch([1, 3, 2, 4], [2, 3, 1, 4], 0.95);
    expect(noise.p_value).toBeGreaterThan(0.5);
    expect(noise.low).toBeLessThan(0);
    expect(noise.high).toBeGreaterThan(0);
  });

  it('matches a textbook value', () => {
    // R: t.test(c(19.1,20.5,21.3,18.8,20.0), c(22.4,21.9,23.8,22.6,23.1)) -> t = -4.85, df = 7.43, p = 0.00157
    const r = welch([19.1, 20.5, 21.3, 18.8, 20.0], [22.4, 21.9, 23.8, 22.6, 23.1], 0.95);
    expect(r.p_value).toBeCloseTo(0.0016, 3);
  });

  it('without spread: equal means are not different, others are', () => {
    expect(welch([2, 2], [2, 2], 0.95).p_value).toBe(1);
    expect(welch([2, 2], [3, 3], 0.95).p_value).toBe(0);
    expect(welch([2], [3, 4], 0.95).p_value).toBe(1);
  });
});

describe('adjustPValues', () => {
  it('bonferroni multiplies, holm steps down and stays monotone', () => {
    expect(adjustPValues([0.01, 0.04, 0.03], 'none')).toEqual([0.01, 0.04, 0.03]);
    expect(adjustPValues([0.01, 0.04, 0.5], 'bonferroni')).toEqual([0.03, 0.12, 1]);
    const holm = adjustPValues([0.01, 0.04, 0.03], 'holm');
    expect(holm[0]).toBeCloseTo(0.03, 10);
    expect(holm[2]).toBeCloseTo(0.06, 10);
    expect(holm[1]).toBeCloseTo(0.06, 10);
  });
});
