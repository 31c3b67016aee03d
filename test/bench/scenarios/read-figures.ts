import type { Figure } from '../figures';
import type { PlanSummary } from './explain';
import { growthFigures, latencyFigures, type Pair } from './measure';
import type { ReadCase } from './read-cases';

/** A read case measured on one store. */
export interface ReadResult {
  readCase: ReadCase;
  pair: Pair;
  /** Median ms of each statement the operation issued, run raw, in issue order. */
  statementsP50: number[];
}

export interface StoreReads {
  /** Scenarios in the store while they were measured. */
  scenarios: number;
  results: ReadResult[];
}

/** A figure with the plan of its statement: saved in the results file, not printed. */
interface PlannedFigure extends Figure {
  plan: PlanSummary;
}

/**
 * Each read on each store (`scenarios.<case>.<10k|100k>.latency_p50|p99`, the
 * large store's p50 carrying its statement's plan), then the growth of each
 * read measured on both (`scenarios.<case>.growth_100k_over_10k.…`: ours on
 * the large store beside ours on the small one).
 */
export function readFigures(
  small: StoreReads,
  large: StoreReads,
  plans: ReadonlyMap<string, PlanSummary>,
): Figure[] {
  const perStore: Figure[] = [];
  const growth: Figure[] = [];
  // The large store's order: it has every case (a cursor page may exist only there).
  const names = [...new Set([...large.results, ...small.results].map((r) => r.readCase.name))];
  for (const name of names) {
    const before = small.results.find((r) => r.readCase.name === name);
    const after = large.results.find((r) => r.readCase.name === name);
    if (before !== undefined) perStore.push(...storeFigures(small.scenarios, before));
    if (after !== undefined)
      perStore.push(...storeFigures(large.scenarios, after, plans.get(name)));
    if (before !== undefined && after !== undefined) {
      growth.push(
        ...growthFigures(
          `scenarios.${name}.growth_${label(large.scenarios)}_over_${label(small.scenarios)}`,
          before.pair,
          after.pair,
          { small_store: small.scenarios, large_store: large.scenarios },
        ),
      );
    }
  }
  return [...perStore, ...growth];
}

function storeFigures(scenarios: number, result: ReadResult, plan?: PlanSummary): Figure[] {
  const [p50, ...rest] = latencyFigures(
    `scenarios.${result.readCase.name}.${label(scenarios)}`,
    result.pair,
    {
      store_scenarios: scenarios,
      rows: result.readCase.rows,
      statements: result.statementsP50.length,
      all_statements_raw_p50_ms: result.statementsP50.reduce((sum, ms) => sum + ms, 0),
      ...Object.fromEntries(
        result.statementsP50.map((ms, i) => [`statement_${i + 1}_raw_p50_ms`, ms]),
      ),
    },
  );
  if (p50 === undefined || plan === undefined) return [...(p50 ? [p50] : []), ...rest];
  const planned: PlannedFigure = { ...p50, plan };
  return [planned, ...rest];
}

function label(scenarios: number): string {
  return scenarios >= 1000 ? `${Math.round(scenarios / 1000)}k` : String(scenarios);
}
