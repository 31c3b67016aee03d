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

/**
 * Compares two amounts exactly, as amountUnits would, without building
 * numbers: the integer parts have no leading zeros (the schema's grammar), so
 * the longer is larger, and equal lengths compare as text; then the
 * fractions, as text padded to the same length. Negative: a < b.
 */
export function compareAmounts(a: string, b: string): number {
  const dotA = a.indexOf('.');
  const dotB = b.indexOf('.');
  const wholeA = dotA < 0 ? a : a.slice(0, dotA);
  const wholeB = dotB < 0 ? b : b.slice(0, dotB);
  if (wholeA.length !== wholeB.length) return wholeA.length - wholeB.length;
  if (wholeA !== wholeB) return wholeA < wholeB ? -1 : 1;
  const fracA = (dotA < 0 ? '' : a.slice(dotA + 1)).padEnd(SCALE, '0');
  const fracB = (dotB < 0 ? '' : b.slice(dotB + 1)).padEnd(SCALE, '0');
  return fracA === fracB ? 0 : fracA < fracB ? -1 : 1;
}
