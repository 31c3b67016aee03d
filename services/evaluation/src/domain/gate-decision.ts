import {
  assertNever,
  invalidArgument,
  type CrucibleError,
  type GateCheck,
  type GateScore,
  type GateThreshold,
} from '@crucible/contracts';
import type { ScoreSpec } from './score-rules';
import { adjustPValues, confidenceInterval, welch, type StatsOptions } from './stats';

/**
 * The first threshold that cannot be judged on the experiment's scores, as
 * `invalid_argument` at its path under /thresholds, or null: each names a
 * numeric or boolean score of the scorers (categorical scores have no
 * order) and carries the field its kind needs.
 */
export function thresholdProblem(
  thresholds: readonly GateThreshold[],
  specs: Readonly<Record<string, ScoreSpec>>,
): CrucibleError | null {
  for (const [i, threshold] of thresholds.entries()) {
    const at = `/thresholds/${i}`;
    const spec = specs[threshold.score];
    if (spec === undefined) {
      return invalidArgument(
        `${at}/score`,
        'unknown_score',
        `${at}/score: the experiment's scorers give no score "${threshold.score}" (they give ${Object.keys(specs).sort().join(', ') || 'none'})`,
        { score: threshold.score },
      );
    }
    if (spec.type === 'categorical') {
      return invalidArgument(
        `${at}/score`,
        'unordered_score',
        `${at}/score: "${threshold.score}" is categorical; a gate compares numeric or boolean scores`,
        { score: threshold.score },
      );
    }
    const needed = NEEDED_FIELD[threshold.kind];
    if (needed !== null && threshold[needed] === undefined) {
      return invalidArgument(
        `${at}/${needed}`,
        'missing_field',
        `${at}: a ${threshold.kind} threshold needs ${needed}`,
      );
    }
    for (const field of ['margin', 'min_difference', 'value', 'better'] as const) {
      if (threshold[field] !== undefined && !ALLOWED[threshold.kind].has(field)) {
        return invalidArgument(
          `${at}/${field}`,
          'unexpected_field',
          `${at}/${field}: a ${threshold.kind} threshold has no ${field}`,
        );
      }
    }
  }
  return null;
}

// What each kind cannot do without (superior's min_difference defaults to 0).
const NEEDED_FIELD: Record<GateThreshold['kind'], 'margin' | 'value' | null> = {
  non_inferior: 'margin',
  superior: null,
  at_least: 'value',
  at_most: 'value',
};

const ALLOWED: Record<GateThreshold['kind'], ReadonlySet<string>> = {
  non_inferior: new Set(['margin', 'better']),
  superior: new Set(['min_difference', 'better']),
  at_least: new Set(['value']),
  at_most: new Set(['value']),
};

/** The numeric samples of one gate run, per score: the current scenario's worlds and the candidate's. */
export interface GateSamples {
  /** null: the name pointed nowhere when the run started (no current scenario ran). */
  readonly current: ReadonlyMap<string, readonly number[]> | null;
  readonly candidate: ReadonlyMap<string, readonly number[]>;
}

export interface GateReport {
  readonly decision: 'pass' | 'fail';
  readonly scores: GateScore[];
  readonly checks: GateCheck[];
  readonly reasons: string[];
}

/**
 * Judges a finished gate run (docs/services/evaluation.md, "Eval-gated
 * promotion"): every score a threshold names, with the means' intervals and
 * Welch's test of candidate - current (p-values corrected over the scores
 * as the stats options say); then each threshold. It passes when every
 * threshold holds; a score with no scored world on a side it needs fails
 * its thresholds. Without a current scenario, relative thresholds are
 * skipped (they count as held). Pure.
 */
export function decideGate(
  thresholds: readonly GateThreshold[],
  samples: GateSamples,
  options: StatsOptions,
): GateReport {
  const names = [...new Set(thresholds.map((t) => t.score))];
  const tests = names.map((score) => {
    const a = samples.current?.get(score) ?? [];
    const b = samples.candidate.get(score) ?? [];
    return a.length > 0 && b.length > 0 ? welch(a, b, options.confidenceLevel) : null;
  });
  const tested = tests.flatMap((t) => (t === null ? [] : [t.p_value]));
  const adjusted = adjustPValues(tested, options.correction);
  let next = 0;
  const scores: GateScore[] = names.map((score, i) => {
    const a = samples.current?.get(score) ?? [];
    const b = samples.candidate.get(score) ?? [];
    const test = tests[i] ?? null;
    const p = test === null ? undefined : adjusted[next++];
    return {
      score,
      current: a.length > 0 ? confidenceInterval(a, options) : null,
      candidate: b.length > 0 ? confidenceInterval(b, options) : null,
      difference:
        test === null || p === undefined
          ? null
          : {
              difference: test.difference,
              low: test.low,
              high: test.high,
              p_value: p,
              significant: p < options.alpha,
              effect_size: test.effect_size,
            },
    };
  });
  const byName = new Map(scores.map((s) => [s.score, s]));
  const checks = thresholds.map((threshold, i) =>
    check(i, threshold, byName.get(threshold.score)!, samples.current === null),
  );
  const reasons = checks.filter((c) => !c.passed).map((c) => c.message);
  return { decision: reasons.length === 0 ? 'pass' : 'fail', scores, checks, reasons };
}

function check(
  index: number,
  threshold: GateThreshold,
  score: GateScore,
  noCurrent: boolean,
): GateCheck {
  const result = (passed: boolean, message: string, skipped = false): GateCheck => ({
    threshold: index,
    score: threshold.score,
    kind: threshold.kind,
    passed,
    skipped,
    message: `${threshold.score} ${threshold.kind}: ${message}`,
  });
  const candidate = score.candidate;
  if (candidate === null) return result(false, 'no scored world of the candidate');
  switch (threshold.kind) {
    case 'at_least': {
      const value = threshold.value ?? 0;
      return result(
        candidate.mean >= value,
        `candidate mean ${fmt(candidate.mean)} ${candidate.mean >= value ? '>=' : '<'} ${fmt(value)}`,
      );
    }
    case 'at_most': {
      const value = threshold.value ?? 0;
      return result(
        candidate.mean <= value,
        `candidate mean ${fmt(candidate.mean)} ${candidate.mean <= value ? '<=' : '>'} ${fmt(value)}`,
      );
    }
    case 'non_inferior':
    case 'superior': {
      if (noCurrent) return result(true, 'skipped: the name pointed at no scenario', true);
      const diff = score.difference;
      if (diff === null) return result(false, 'no scored world of the current scenario');
      // Oriented so that positive is better.
      const sign = threshold.better === 'lower' ? -1 : 1;
      const gain = sign * diff.difference;
      const worstGain = sign === 1 ? diff.low : -diff.high;
      if (threshold.kind === 'non_inferior') {
        const margin = threshold.margin ?? 0;
        return result(
          worstGain >= -margin,
          `the worst case of the candidate's change (${fmt(worstGain)}, the confidence bound) is ${worstGain >= -margin ? 'within' : 'beyond'} the margin ${fmt(-margin)} (change ${fmt(gain)})`,
        );
      }
      const min = threshold.min_difference ?? 0;
      const better = gain > min && diff.significant;
      return result(
        better,
        `the candidate's change ${fmt(gain)} ${gain > min ? '>' : '<='} ${fmt(min)}, p = ${fmt(diff.p_value)} (${diff.significant ? '' : 'not '}significant)`,
      );
    }
    default:
      return assertNever(threshold.kind);
  }
}

// Four significant digits, trailing zeros dropped: what a reason needs to be read.
function fmt(n: number): string {
  return String(Number(n.toPrecision(4)));
}
