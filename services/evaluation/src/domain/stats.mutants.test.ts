import {
  adjustPValues,
  bootstrapInterval,
  compileStatsOptions,
  confidenceInterval,
  mulberry32,
  studentTCdf,
  studentTQuantile,
  variance,
  welch,
  type StatsOptions,
} from './stats';

// Written against the surviving mutants of stats.ts (docs/testing.md,
// "Scores"): every figure is checked against a plain reference computed
// here another way (closed forms of Student's t, a direct bootstrap, Welch
// written out), or against a textbook table value.

/**
 * Student's t CDF of integer `nu` in closed form (Abramowitz & Stegun
 * 26.7.3/26.7.4): A(t|nu) = P(|T| < t) as a finite series in theta.
 */
function tCdfReference(t: number, nu: number): number {
  const theta = Math.atan(t / Math.sqrt(nu));
  const s = Math.sin(theta);
  const c2 = Math.cos(theta) ** 2;
  let a: number;
  if (nu % 2 === 1) {
    let sum = 0;
    let term = 1;
    if (nu > 1) {
      sum = 1;
      for (let k = 1; k <= (nu - 3) / 2; k++) {
        term *= ((2 * k) / (2 * k + 1)) * c2;
        sum += term;
      }
    }
    a = (2 / Math.PI) * (theta + s * Math.cos(theta) * sum);
  } else {
    let sum = 1;
    let term = 1;
    for (let k = 1; k <= (nu - 2) / 2; k++) {
      term *= ((2 * k - 1) / (2 * k)) * c2;
      sum += term;
    }
    a = s * sum;
  }
  return 0.5 + a / 2;
}

const options = (over: Partial<StatsOptions> = {}): StatsOptions => ({
  interval: 'ttest',
  confidenceLevel: 0.95,
  alpha: 0.05,
  bootstrapIterations: 1000,
  correction: 'none',
  seed: 0,
  ...over,
});

describe('compileStatsOptions', () => {
  it('takes the first interval test it knows', () => {
    expect(compileStatsOptions({ tests: ['welch', 'bootstrap', 'ttest'] }).interval).toBe(
      'bootstrap',
    );
    expect(compileStatsOptions({ tests: ['ttest', 'bootstrap'] }).interval).toBe('ttest');
    expect(compileStatsOptions({ tests: ['welch'] }).interval).toBe('ttest');
  });

  it('keeps a known correction only', () => {
    expect(compileStatsOptions({ multiple_testing_correction: 'holm' }).correction).toBe('holm');
    expect(compileStatsOptions({ multiple_testing_correction: 'bonferroni' }).correction).toBe(
      'bonferroni',
    );
    expect(compileStatsOptions({ multiple_testing_correction: 'sidak' }).correction).toBe('none');
  });
});

describe('Student t', () => {
  it('matches the closed form across degrees of freedom and both continued-fraction branches', () => {
    for (const nu of [1, 2, 3, 4, 5, 8, 9, 30, 31, 200, 1000]) {
      for (const t of [-6, -2.5, -1, -0.3, 0.05, 0.3, 1, 1.7, 2.5, 6, 40]) {
        expect(studentTCdf(t, nu)).toBeCloseTo(tCdfReference(t, nu), 10);
      }
    }
  });

  it('matches the beta integral below one degree of freedom', () => {
    // nu = 1/2: P(T > t) = I_x(1/4, 1/2) / 2 with x = nu / (nu + t^2); with
    // u = s^4 the integral is the smooth 4 / sqrt(1 - s^4) from 0 to x^(1/4).
    const nu = 0.5;
    const beta = (3.625609908221908 * Math.sqrt(Math.PI)) / 1.225416702465178;
    for (const t of [0.5, 1, 2, 5]) {
      const top = (nu / (nu + t * t)) ** 0.25;
      const steps = 2000;
      const h = top / steps;
      let sum = 0;
      for (let i = 0; i <= steps; i++) {
        const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
        sum += w * (4 / Math.sqrt(1 - (i * h) ** 4));
      }
      const tail = ((sum * h) / 3 / beta) * 0.5;
      expect(studentTCdf(t, nu)).toBeCloseTo(1 - tail, 9);
    }
  });

  it('gives the table quantiles, and exactly 0 at the median', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 8)).toBeCloseTo(2.306004135, 8);
    expect(studentTQuantile(0.95, 30)).toBeCloseTo(1.697260887, 8);
    expect(studentTQuantile(0.025, 8)).toBeCloseTo(-2.306004135, 8);
    expect(studentTQuantile(0.5, 5)).toBe(0);
  });
});

describe('variance and intervals', () => {
  it('is the sample variance, 0 below two values', () => {
    expect(variance([5])).toBe(0);
    expect(variance([1, 3])).toBe(2);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 14);
  });

  it('refuses no values', () => {
    expect(() => confidenceInterval([], options())).toThrow('an interval of no values');
  });

  it('gives the t-interval of the mean', () => {
    // mean 3, s^2 = 2.5, n = 5: half = t(0.975, 4) * sqrt(0.5).
    const i = confidenceInterval([1, 2, 3, 4, 5], options());
    const half = 2.776445105 * Math.sqrt(0.5);
    expect(i.mean).toBe(3);
    expect(i.n).toBe(5);
    expect(i.low).toBeCloseTo(3 - half, 8);
    expect(i.high).toBeCloseTo(3 + half, 8);
  });

  it('gives the percentile bootstrap drawn from the seed', () => {
    const values = [1, 4, 2, 8, 5, 7, 3, 9];
    // Plain percentile bootstrap with the same draws.
    const reference = (iterations: number, level: number, seed: number) => {
      const random = mulberry32(seed);
      const means = Array.from({ length: iterations }, () => {
        let sum = 0;
        for (let j = 0; j < values.length; j++)
          sum += values[Math.floor(random() * values.length)]!;
        return sum / values.length;
      }).sort((x, y) => x - y);
      const pick = (q: number) => means[Math.min(iterations - 1, Math.floor(q * iterations))]!;
      return { low: pick((1 - level) / 2), high: pick(1 - (1 - level) / 2) };
    };
    for (const [iterations, level] of [
      [10, 0.8],
      [11, 0.5],
      [200, 0.95],
    ] as const) {
      expect(
        bootstrapInterval(values, {
          confidenceLevel: level,
          bootstrapIterations: iterations,
          seed: 3,
        }),
      ).toEqual(reference(iterations, level, 3));
    }
    // A 100% interval spans the lowest and highest resampled means.
    const all = reference(50, 1, 1);
    expect(
      bootstrapInterval(values, { confidenceLevel: 1, bootstrapIterations: 50, seed: 1 }),
    ).toEqual(all);
    const i = confidenceInterval(
      values,
      options({ interval: 'bootstrap', bootstrapIterations: 10, confidenceLevel: 0.8, seed: 3 }),
    );
    expect(i).toEqual({ ...reference(10, 0.8, 3), mean: 39 / 8, n: 8 });
  });

  it('draws from mulberry32', () => {
    // The published generator (Tommy Ettinger's mulberry32), written plainly.
    const reference = (seed: number) => {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    };
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const ours = mulberry32(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 20; i++) expect(ours()).toBe(theirs());
    }
  });
});

describe('welch', () => {
  it('gives the test of equal spreads and sizes by hand', () => {
    // Both s^2 = 2.5, n = 5: se = 1, t = 2, df = 8 (integer: closed form).
    const d = welch([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], 0.95);
    expect(d.difference).toBe(2);
    expect(d.p_value).toBeCloseTo(2 * (1 - tCdfReference(2, 8)), 10);
    expect(d.low).toBeCloseTo(2 - 2.306004135, 8);
    expect(d.high).toBeCloseTo(2 + 2.306004135, 8);
    expect(d.effect_size).toBeCloseTo(2 / Math.sqrt(2.5), 12);
  });

  it('gives Welch-Satterthwaite degrees of freedom and the pooled effect size', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 8, 10, 12];
    // s_a^2 = 5/3, s_b^2 = 14; difference 7 - 2.5 = 4.5.
    const va = 5 / 3 / 4;
    const vb = 14 / 6;
    const se = Math.sqrt(va + vb);
    const df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 5);
    const d = welch(a, b, 0.9);
    expect(d.difference).toBe(4.5);
    expect(d.p_value).toBeCloseTo(2 * (1 - studentTCdf(4.5 / se, df)), 12);
    expect(d.high - d.difference).toBeCloseTo(studentTQuantile(0.95, df) * se, 10);
    expect(d.effect_size).toBeCloseTo(4.5 / Math.sqrt((3 * (5 / 3) + 5 * 14) / 8), 12);
  });

  it('computes the t path from two values each', () => {
    const d = welch([1, 3], [2, 6], 0.95);
    // va = 1, vb = 4: se = sqrt(5), df = 25 / (1 + 16) = 25/17.
    expect(d.p_value).toBeCloseTo(2 * (1 - studentTCdf(2 / Math.sqrt(5), 25 / 17)), 12);
    expect(d.p_value).toBeGreaterThan(0);
    expect(d.p_value).toBeLessThan(1);
    expect(d.effect_size).toBeCloseTo(2 / Math.sqrt(5), 12);
  });

  it('cannot tell with fewer than two values a side, is certain without spread', () => {
    expect(welch([1, 2, 3], [5], 0.95)).toEqual({
      difference: 3,
      low: 3,
      high: 3,
      p_value: 1,
      effect_size: 3 / 1,
    });
    expect(welch([1], [2, 3, 4], 0.95).p_value).toBe(1);
    expect(welch([1, 1], [2, 2], 0.95)).toEqual({
      difference: 1,
      low: 1,
      high: 1,
      p_value: 0,
      effect_size: 0,
    });
    expect(welch([2, 2], [2, 2], 0.95).p_value).toBe(1);
  });
});

describe('adjustPValues', () => {
  it('multiplies by the count (Bonferroni) and steps down (Holm), capped at 1', () => {
    expect(adjustPValues([0.01, 0.04, 0.5], 'bonferroni')).toEqual([0.01 * 3, 0.04 * 3, 1]);
    // Holm: sorted 0.01 (x3), 0.03 (x2), 0.04 (x1), kept monotone.
    const holm = adjustPValues([0.04, 0.01, 0.03], 'holm');
    expect(holm[0]).toBeCloseTo(0.06, 15);
    expect(holm[1]).toBeCloseTo(0.03, 15);
    expect(holm[2]).toBeCloseTo(0.06, 15);
    expect(adjustPValues([0.2, 0.9], 'none')).toEqual([0.2, 0.9]);
  });
});
