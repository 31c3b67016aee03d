import { callCost, DEFAULT_PRICE_TABLE, parsePriceTable } from './price-table';

const table = parsePriceTable({
  currency: 'USD',
  models: { 'gpt-4o-mini': { input_per_million: '0.15', output_per_million: '0.6' } },
  providers: { offline: { input_per_million: '1', output_per_million: '2' } },
  default: { input_per_million: '10', output_per_million: '10' },
});

describe('price table', () => {
  it('prices a call by its model, else its provider, else the default', () => {
    const call = { input_tokens: 1_000_000, output_tokens: 500_000 };
    expect(callCost(table, { ...call, provider: 'openai', model: 'gpt-4o-mini' })).toBe('0.45');
    expect(callCost(table, { ...call, provider: 'offline', model: 'offline-v1' })).toBe('2');
    expect(callCost(table, { ...call, provider: 'other', model: 'x' })).toBe('15');
  });

  it('rounds a fraction of a millionth up, exactly', () => {
    const call = { provider: 'openai', model: 'gpt-4o-mini', input_tokens: 1, output_tokens: 1 };
    // 0.15e-6 + 0.6e-6 = 0.75 millionths: one millionth charged.
    expect(callCost(table, call)).toBe('0.000001');
    expect(callCost(table, { ...call, input_tokens: 0, output_tokens: 0 })).toBe('0');
  });

  it('makes offline and recorded minds free by default', () => {
    const call = { model: 'm', input_tokens: 100, output_tokens: 100 };
    expect(callCost(DEFAULT_PRICE_TABLE, { ...call, provider: 'offline' })).toBe('0');
    expect(callCost(DEFAULT_PRICE_TABLE, { ...call, provider: 'replay' })).toBe('0');
  });

  it('refuses a table with a wrong field, naming it', () => {
    expect(() => parsePriceTable({ currency: 'usd' })).toThrow('/currency');
    expect(() =>
      parsePriceTable({ currency: 'USD', models: { m: { input_per_million: 1 } } }),
    ).toThrow('/models/m/input_per_million');
    expect(() => parsePriceTable({ currency: 'USD', extra: 1 })).toThrow('/extra');
  });
});
