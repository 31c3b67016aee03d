/** Fraction digits of an amount (schemas/governance/defs.v1.json, `amount`). */
const SCALE = 6;

/**
 * An amount string ("12.5") as an integer count of millionths, so amounts
 * compare exactly (never as floats). The schema has checked the grammar.
 */
export function amountUnits(amount: string): bigint {
  // split always gives the whole part; the fraction may be absent.
  const [whole, fraction = ''] = amount.split('.') as [string, string?];
  return BigInt(whole) * UNIT + BigInt(fraction.padEnd(SCALE, '0'));
}

/** One, in millionths. */
const UNIT = 1_000_000n;

/**
 * Compares two amounts exactly, as amountUnits would, without building
 * numbers or strings (it runs once per policy decision): the integer parts
 * have no leading zeros (the schema's grammar), so the longer is larger, and
 * equal lengths compare digit by digit; then the fractions, a missing digit
 * counting as 0. Negative: a < b.
 */
export function compareAmounts(a: string, b: string): number {
  const dotA = a.indexOf('.');
  const dotB = b.indexOf('.');
  const wholeA = dotA < 0 ? a.length : dotA;
  const wholeB = dotB < 0 ? b.length : dotB;
  if (wholeA !== wholeB) return wholeA - wholeB;
  for (let i = 0; i < wholeA; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const fractionA = dotA < 0 ? 0 : a.length - dotA - 1;
  const fractionB = dotB < 0 ? 0 : b.length - dotB - 1;
  const digits = Math.max(SCALE, fractionA, fractionB);
  for (let i = 1; i <= digits; i++) {
    const d =
      (i <= fractionA ? a.charCodeAt(dotA + i) : ZERO) -
      (i <= fractionB ? b.charCodeAt(dotB + i) : ZERO);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const ZERO = 48; // '0'
