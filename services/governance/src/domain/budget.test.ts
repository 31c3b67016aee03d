import { budgetExhausted, normalizeAmount, sumAmounts, unitsToAmount } from './budget';

describe('budgets', () => {
  const spent = (amount: string, tokens = 0) => ({ amount, currency: 'USD', tokens });

  it('is exhausted when the amount or the tokens reach the budget, not before', () => {
    const budget = { amount: '1.5', currency: 'USD', tokens: 100 };
    expect(budgetExhausted(budget, spent('1.499999', 99))).toBe(false);
    expect(budgetExhausted(budget, spent('1.5', 0))).toBe(true);
    expect(budgetExhausted(budget, spent('0', 100))).toBe(true);
    expect(budgetExhausted({ tokens: 10 }, spent('99999', 9))).toBe(false);
    expect(budgetExhausted({ amount: '2', currency: 'USD' }, spent('0', 10 ** 9))).toBe(false);
    expect(budgetExhausted(null, spent('99999', 10 ** 9))).toBe(false);
  });

  it('adds amounts exactly and writes them in the schema grammar', () => {
    expect(sumAmounts(['0.1', '0.2'])).toBe('0.3');
    expect(sumAmounts(['0.000001', '999999999999.999999'])).toBe('1000000000000');
    expect(sumAmounts([])).toBe('0');
    expect(normalizeAmount('12.500000')).toBe('12.5');
    expect(normalizeAmount('0.000000')).toBe('0');
    expect(unitsToAmount(1n)).toBe('0.000001');
  });
});
