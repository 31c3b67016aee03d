/**
 * The statistics of rankings and comparisons (docs/services/evaluation.md,
 * "Ranking and comparing"): confidence intervals of a mean by Student's t
 * or by a seeded percentile bootstrap, and Welch's t-test between two
 * samples. Pure and deterministic (the bootstrap's random draws come from
 * its seed), so a ranking read twice is the same.
 */

export interface StatsOptions {
  /** `ttest` (t-interval) or `bootstrap` (percentile bootstrap) intervals. */
  readonly interval: 'ttest' | 'bootstrap';
  readonly confidenceLevel: number;
  readonly alpha: number;
  readonly bootstrapIterations: number;
  /** none, bonferroni or holm, over the comparisons of one reply. */
  readonly correction: 'none' | 'bonferroni' | 'holm';
  readonly seed: number;
}

/** Options from the IR's stats config (defaults as the IR's: t-test first, 0.95, alpha 0.05, 1000 draws). */
export function compileStatsOptions(
  stats:
    | {
        tests?: readonly string[];
        alpha?: number;
        confidence_level?: number;
        bootstrap_iterations?: number;
        multiple_testing_correction?: string;
      }
    | undefined,
): StatsOptions {
  const first = stats?.tests?.find((t) => t === 'ttest' || t === 'bootstrap');
  const correction = stats?.multiple_testing_correction;
  return {
    interval: first === 'bootstrap' ? 'bootstrap' : 'ttest',
    confidenceLevel: stats?.confidence_level ?? 0.95,
    alpha: stats?.alpha ?? 0.05,
    bootstrapIterations: Math.min(stats?.bootstrap_iterations ?? 1000, 100_000),
    correction: correction === 'bonferroni' || correction === 'holm' ? correction : 'none',
    seed: 0,
  };
}

export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample variance (n - 1); 0 for fewer than two values. */
export function variance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

/** The confidence interval of the mean as the options say; one value is its own interval. */
export function confidenceInterval(values: readonly number[], options: StatsOptions): Interval {
  if (values.length === 0) throw new Error('an interval of no values');
  const m = mean(values);
  if (values.length === 1) return { mean: m, low: m, high: m, n: 1 };
  if (options.interval === 'bootstrap') {
    return { ...bootstrapInterval(values, options), mean: m, n: values.length };
  }
  const half =
    studentTQuantile(1 - (1 - options.confidenceLevel) / 2, values.length - 1) *
    Math.sqrt(variance(values) / values.length);
  return { mean: m, low: m - half, high: m + half, n: values.length };
}

/** Percentile bootstrap of the mean, draws from a generator seeded by `options.seed`. */
export function bootstrapInterval(
  values: readonly number[],
  options: Pick<StatsOptions, 'confidenceLevel' | 'bootstrapIterations' | 'seed'>,
): { low: number; high: number } {
  const random = mulberry32(options.seed);
  const means: number[] = [];
  for (let i = 0; i < options.bootstrapIterations; i++) {
    let sum = 0;
    for (let j = 0; j < values.length; j++) {
      sum += values[Math.floor(random() * values.length)]!;
    }
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  const tail = (1 - options.confidenceLevel) / 2;
  const at = (q: number): number =>
    means[Math.min(means.length - 1, Math.max(0, Math.floor(q * means.length)))]!;
  return { low: at(tail), high: at(1 - tail) };
}

export interface Difference {
  /** mean(b) - mean(a). */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  /** Two-sided p-value of Welch's t-test (1 when it cannot tell: too few values or no variance). */
  readonly p_value: number;
  /** Cohen's d with the pooled standard deviation (0 without variance). */
  readonly effect_size: number;
}

/** Welch's t-test and interval of mean(b) - mean(a). */
export function welch(
  a: readonly number[],
  b: readonly number[],
  confidenceLevel: number,
): Difference {
  const difference = mean(b) - mean(a);
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  const pooled = Math.sqrt(
    ((a.length - 1) * variance(a) + (b.length - 1) * variance(b)) /
      Math.max(1, a.length + b.length - 2),
  );
  const effect = pooled === 0 ? 0 : difference / pooled;
  if (a.length < 2 || b.length < 2 || se === 0) {
    // No spread to judge by: equal means are not different, others are certain.
    const p = difference === 0 || a.length < 2 || b.length < 2 ? 1 : 0;
    return { difference, low: difference, high: difference, p_value: p, effect_size: effect };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = difference / se;
  const p = 2 * (1 - studentTCdf(Math.abs(t), df));
  const half = studentTQuantile(1 - (1 - confidenceLevel) / 2, df) * se;
  return {
    difference,
    low: difference - half,
    high: difference + half,
    p_value: Math.min(1, Math.max(0, p)),
    effect_size: effect,
  };
}

/** p-values adjusted for testing several at once, in the order given. */
export function adjustPValues(
  pValues: readonly number[],
  correction: StatsOptions['correction'],
): number[] {
  const m = pValues.length;
  if (correction === 'none' || m <= 1) return [...pValues];
  if (correction === 'bonferroni') return pValues.map((p) => Math.min(1, p * m));
  // Holm: step-down over the sorted p-values, kept monotone.
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Student's t cumulative distribution at `t` with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  let low = -1e3;
  let high = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** I_x(a, b) by its continued fraction (Numerical Recipes' betacf), accurate to ~1e-12. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** ln Γ(x) by the Lanczos approximation (g = 7). */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < g + 2; i++) sum += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** A small seeded generator of numbers in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
