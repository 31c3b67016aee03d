import { readFileSync } from 'node:fs';

/** What a model costs, per million tokens, as exact decimal strings ("0.15"). */
export interface ModelPrice {
  readonly input_per_million: string;
  readonly output_per_million: string;
}

/**
 * The price table of LLM calls (docs/services/worlds.md, "Budgets"; evaluation prices its judge calls with one too): a
 * call is priced by its model's entry, else its provider's, else `default`.
 * Every amount is in `currency`.
 */
export interface PriceTable {
  readonly currency: string;
  readonly models: Readonly<Record<string, ModelPrice>>;
  readonly providers: Readonly<Record<string, ModelPrice>>;
  readonly default: ModelPrice;
}

const FREE: ModelPrice = { input_per_million: '0', output_per_million: '0' };

/**
 * The table used without WORLDS_PRICE_TABLE: offline and recorded minds
 * cost nothing, and so does any model it does not list (token budgets still
 * count their tokens). Operators running a paid model set their own.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  currency: 'USD',
  models: {},
  providers: { offline: FREE, replay: FREE },
  default: FREE,
};

const AMOUNT = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** Checks a parsed price table (a config error names the field that is wrong). */
export function parsePriceTable(value: unknown, source = 'price table'): PriceTable {
  const fail = (path: string, what: string): never => {
    throw new Error(`${source}: ${path} ${what}`);
  };
  if (!isObject(value)) return fail('', 'must be an object');
  const currency = value['currency'];
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    fail('/currency', 'must be an ISO 4217 code such as "USD"');
  }
  const price = (v: unknown, path: string): ModelPrice => {
    if (!isObject(v)) return fail(path, 'must be an object');
    for (const key of Object.keys(v)) {
      if (key !== 'input_per_million' && key !== 'output_per_million') {
        fail(`${path}/${key}`, 'is not a field of a price');
      }
    }
    const input = v['input_per_million'];
    const output = v['output_per_million'];
    if (typeof input !== 'string' || !AMOUNT.test(input)) {
      fail(`${path}/input_per_million`, 'must be a decimal string such as "0.15"');
    }
    if (typeof output !== 'string' || !AMOUNT.test(output)) {
      fail(`${path}/output_per_million`, 'must be a decimal string such as "0.60"');
    }
    return { input_per_million: input as string, output_per_million: output as string };
  };
  const map = (v: unknown, path: string): Record<string, ModelPrice> => {
    if (v === undefined) return {};
    if (!isObject(v)) return fail(path, 'must be an object');
    return Object.fromEntries(Object.entries(v).map(([k, p]) => [k, price(p, `${path}/${k}`)]));
  };
  for (const key of Object.keys(value)) {
    if (!['currency', 'models', 'providers', 'default'].includes(key)) {
      fail(`/${key}`, 'is not a field of a price table');
    }
  }
  return {
    currency: currency as string,
    models: map(value['models'], '/models'),
    providers: map(value['providers'], '/providers'),
    default: value['default'] === undefined ? FREE : price(value['default'], '/default'),
  };
}

/** Reads a price table from a JSON file. */
export function readPriceTable(path: string): PriceTable {
  return parsePriceTable(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

/** The price of a call: its model's, else its provider's, else the default. */
export function priceOf(table: PriceTable, call: { provider: string; model: string }): ModelPrice {
  return table.models[call.model] ?? table.providers[call.provider] ?? table.default;
}

/**
 * What a call costs, exactly, in millionths of the table's currency,
 * rounded up (a fraction of a millionth is charged, never dropped).
 */
export function callCost(
  table: PriceTable,
  call: { provider: string; model: string; input_tokens: number; output_tokens: number },
): string {
  const p = priceOf(table, call);
  const numerator =
    units(p.input_per_million) * BigInt(call.input_tokens) +
    units(p.output_per_million) * BigInt(call.output_tokens);
  const micros = (numerator + 999_999n) / 1_000_000n;
  return amountOf(micros);
}

function units(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

function amountOf(micros: bigint): string {
  const whole = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
