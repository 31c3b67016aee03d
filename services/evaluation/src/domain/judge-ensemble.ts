import type { ScoreValue } from './score-rules';

/** One judge's verdict on one score. */
export interface Verdict {
  readonly judge: string;
  readonly value: ScoreValue;
  /** How sure the judge says it is (0 to 1; 1 when it does not say). */
  readonly confidence: number;
  /** The judge's weight (the ensemble config's; 1 by default). */
  readonly weight: number;
}

/** The reliability config's ensemble strategies. */
export type EnsembleStrategy = 'majority' | 'weighted' | 'best_confidence' | 'unanimous';

export type Combined =
  | { readonly ok: true; readonly value: ScoreValue; readonly agreement: number }
  | { readonly ok: false; readonly reason: 'no_verdicts' | 'no_consensus' };

/**
 * Combines several judges' verdicts on one score (docs/services/evaluation.md,
 * "Scorers"): `majority` takes the most common value (a tie goes to the value
 * the earliest judge gave) and the median of numbers; `weighted` the
 * weighted vote, or the weighted mean of numbers; `best_confidence` the
 * verdict of the surest judge (the earliest of equals); `unanimous` the value
 * all give, or no consensus. `agreement` is the share of judges whose
 * verdict equals the result.
 */
export function combineVerdicts(
  verdicts: readonly Verdict[],
  strategy: EnsembleStrategy,
): Combined {
  if (verdicts.length === 0) return { ok: false, reason: 'no_verdicts' };
  const numeric = verdicts.every((v) => typeof v.value === 'number');
  let value: ScoreValue;
  switch (strategy) {
    case 'majority':
      value = numeric ? median(verdicts.map((v) => v.value as number)) : vote(verdicts, () => 1);
      break;
    case 'weighted':
      value = numeric ? weightedMean(verdicts) : vote(verdicts, (v) => v.weight);
      break;
    case 'best_confidence':
      value = verdicts.reduce((best, v) => (v.confidence > best.confidence ? v : best)).value;
      break;
    case 'unanimous': {
      const first = verdicts[0]!.value;
      if (!verdicts.every((v) => v.value === first)) return { ok: false, reason: 'no_consensus' };
      value = first;
      break;
    }
  }
  const agreeing = verdicts.filter((v) => v.value === value).length;
  return { ok: true, value, agreement: agreeing / verdicts.length };
}

function vote(verdicts: readonly Verdict[], weightOf: (v: Verdict) => number): ScoreValue {
  const tally = new Map<ScoreValue, number>();
  for (const v of verdicts) tally.set(v.value, (tally.get(v.value) ?? 0) + weightOf(v));
  let best: ScoreValue = verdicts[0]!.value;
  // Map keeps first-seen order, so of equal tallies the earliest judge's value stays.
  for (const [value, weight] of tally) if (weight > (tally.get(best) ?? 0)) best = value;
  return best;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function weightedMean(verdicts: readonly Verdict[]): number {
  const total = verdicts.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return median(verdicts.map((v) => v.value as number));
  return verdicts.reduce((sum, v) => sum + (v.value as number) * v.weight, 0) / total;
}
