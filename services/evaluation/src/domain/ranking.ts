import type { ScoreSpec, ScoreValue } from './score-rules';
import { adjustPValues, confidenceInterval, welch, type StatsOptions } from './stats';

/** One scored world of a run: its candidate and its scores. */
export interface ScoredWorld {
  readonly candidate: string;
  readonly scores: Readonly<Record<string, ScoreValue>>;
}

export interface RankedCandidate {
  readonly rank: number;
  readonly candidate: string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

export interface CandidateComparison {
  readonly candidate: string;
  /** What it is compared with: the same candidate in the baseline run, or this run's leader. */
  readonly against: string;
  readonly mean: number;
  readonly against_mean: number;
  /** mean - against_mean, with its interval. */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  /** Welch's two-sided p-value, adjusted over the score's comparisons as the stats config says. */
  readonly p_value: number;
  readonly significant: boolean;
  readonly effect_size: number;
}

export interface ScoreRanking {
  readonly score: string;
  readonly ranking: RankedCandidate[];
  readonly comparisons: CandidateComparison[];
}

/**
 * Ranks the candidates of a run on each numeric or boolean score (a boolean
 * counts as 1 or 0: its mean is a rate) by their mean over scenarios and
 * seeds, with the confidence interval the stats options say. Comparisons:
 * with a baseline run, each candidate against itself there; without one,
 * each candidate against the run's leader. Categorical scores have no
 * order and are left out. Ties in mean rank by candidate name.
 */
export function rankRun(
  worlds: readonly ScoredWorld[],
  specs: Readonly<Record<string, ScoreSpec>>,
  options: StatsOptions,
  baseline?: readonly ScoredWorld[],
): ScoreRanking[] {
  const out: ScoreRanking[] = [];
  for (const [score, spec] of Object.entries(specs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (spec.type === 'categorical') continue;
    const samples = samplesOf(worlds, score);
    const ranking = [...samples.entries()]
      .map(([candidate, values]) => ({ candidate, ...confidenceInterval(values, options) }))
      .sort((a, b) => b.mean - a.mean || (a.candidate < b.candidate ? -1 : 1))
      .map((entry, i) => ({
        rank: i + 1,
        candidate: entry.candidate,
        mean: entry.mean,
        low: entry.low,
        high: entry.high,
        n: entry.n,
      }));
    const pairs: Array<{ candidate: string; against: string; a: number[]; b: number[] }> = [];
    if (baseline !== undefined) {
      const before = samplesOf(baseline, score);
      for (const entry of ranking) {
        const base = before.get(entry.candidate);
        if (base !== undefined) {
          pairs.push({
            candidate: entry.candidate,
            against: entry.candidate,
            a: base,
            b: samples.get(entry.candidate)!,
          });
        }
      }
    } else if (ranking.length > 1) {
      const leader = ranking[0]!.candidate;
      for (const entry of ranking.slice(1)) {
        pairs.push({
          candidate: entry.candidate,
          against: leader,
          a: samples.get(leader)!,
          b: samples.get(entry.candidate)!,
        });
      }
    }
    const tests = pairs.map((pair) => welch(pair.a, pair.b, options.confidenceLevel));
    const adjusted = adjustPValues(
      tests.map((t) => t.p_value),
      options.correction,
    );
    const comparisons = pairs.map((pair, i) => {
      const test = tests[i]!;
      const p = adjusted[i]!;
      return {
        candidate: pair.candidate,
        against: baseline === undefined ? pair.against : `baseline:${pair.against}`,
        mean: mean(pair.b),
        against_mean: mean(pair.a),
        difference: test.difference,
        low: test.low,
        high: test.high,
        p_value: p,
        significant: p < options.alpha,
        effect_size: test.effect_size,
      };
    });
    out.push({ score, ranking, comparisons });
  }
  return out;
}

function samplesOf(worlds: readonly ScoredWorld[], score: string): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  for (const world of worlds) {
    const value = world.scores[score];
    const n =
      typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'number' ? value : undefined;
    if (n === undefined) continue;
    const list = samples.get(world.candidate) ?? [];
    list.push(n);
    samples.set(world.candidate, list);
  }
  return samples;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
