import type { Budget, Spend } from '@crucible/contracts';
import { amountUnits, compareAmounts } from './money';

/**
 * Whether `spent` has used up `budget`: the amount reached (or passed) the
 * budget's amount, or the tokens reached its token count. A directive
 * without a budget is never exhausted. Reached counts as spent: the work that
 * brought the total there was paid for, the next is refused.
 */
export function budgetExhausted(budget: Budget | null, spent: Spend): boolean {
  if (budget === null) return false;
  if (budget.amount !== undefined && compareAmounts(spent.amount, budget.amount) >= 0) return true;
  return budget.tokens !== undefined && spent.tokens >= budget.tokens;
}

/** Millionths as an amount string of the schema's grammar ("12.5", "0"). */
export function unitsToAmount(units: bigint): string {
  const whole = units / 1_000_000n;
  const fraction = (units % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** A NUMERIC read from Postgres ("12.500000") in the schema's grammar ("12.5"). */
export function normalizeAmount(numeric: string): string {
  return unitsToAmount(amountUnits(numeric));
}

/** The sum of amount strings, exactly. */
export function sumAmounts(amounts: readonly string[]): string {
  return unitsToAmount(amounts.reduce((sum, a) => sum + amountUnits(a), 0n));
}
