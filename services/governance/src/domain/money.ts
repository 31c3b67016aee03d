/** Fraction digits of an amount (schemas/governance/defs.v1.json, `amount`). */
const SCALE = 6;

/**
 * An amount string ("12.5") as an integer count of millionths, so amounts
 * compare exactly (never as floats). The schema has checked the grammar.
 */
export function amountUnits(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0'));
}
