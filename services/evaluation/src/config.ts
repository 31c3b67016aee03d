import {
  DEFAULT_PRICE_TABLE,
  readPriceTable,
  type EnvReader,
  type PriceTable,
} from '@crucible/runtime';
import { DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions } from './domain/circuit-breaker';

/**
 * The evaluation service's own settings, read once at start by its process
 * and by the all-in-one platform alike (the connection variables are
 * ServiceEnv's, in @crucible/runtime).
 */
export interface EvaluationSettings {
  /** EVALUATION_PAGE_LIMIT: records in a list page when the request gives no limit (default 50, at most 100). */
  readonly defaultPageLimit: number;
  /** REQUEST_TIMEOUT_MS: how long to wait for the scenarios and worlds services, in ms (default 5000). */
  readonly requestTimeoutMs: number;
  /** EVALUATION_WORKER_CONCURRENCY: run jobs whose worlds this replica makes at once (default 2; 0: none). */
  readonly workerConcurrency: number;
  /** EVALUATION_LEASE_MS: how long a claimed job is this replica's without a heartbeat (default 10000). */
  readonly leaseMs: number;
  /** EVALUATION_POLL_MS: how often an idle run worker looks for queued jobs, in ms (default 500; start_run here wakes it at once). */
  readonly pollMs: number;
  /** EVALUATION_JUDGE_TIMEOUT_MS: longest wait for one LLM judge request (default 60000; a judge mind's timeout_ms wins). */
  readonly judgeTimeoutMs: number;
  /**
   * EVALUATION_JUDGE_BREAKER_FAILURES / EVALUATION_JUDGE_BREAKER_RESET_MS: failures in a row
   * that open a judge provider's circuit (default 5), and how long it stays open (default 30000).
   */
  readonly judgeBreaker: CircuitBreakerOptions;
  /** EVALUATION_PRICE_TABLE: a JSON file pricing the judges' LLM calls for directive budgets, in the worlds service's format (docs/services/evaluation.md, "Runs under a directive"; default DEFAULT_PRICE_TABLE: unlisted models cost 0). */
  readonly prices: PriceTable;
}

export const DEFAULT_EVALUATION_SETTINGS: EvaluationSettings = {
  defaultPageLimit: 50,
  requestTimeoutMs: 5000,
  workerConcurrency: 2,
  leaseMs: 10_000,
  pollMs: 500,
  judgeTimeoutMs: 60_000,
  judgeBreaker: DEFAULT_CIRCUIT_BREAKER,
  prices: DEFAULT_PRICE_TABLE,
};

/** Reads the EvaluationSettings variables (problems are collected by the reader). */
export function readEvaluationSettings(reader: EnvReader): EvaluationSettings {
  const d = DEFAULT_EVALUATION_SETTINGS;
  return {
    defaultPageLimit: reader.int('EVALUATION_PAGE_LIMIT', d.defaultPageLimit, { min: 1, max: 100 }),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', d.requestTimeoutMs, {
      min: 10,
      max: 600_000,
    }),
    workerConcurrency: reader.int('EVALUATION_WORKER_CONCURRENCY', d.workerConcurrency, {
      min: 0,
      max: 64,
    }),
    leaseMs: reader.int('EVALUATION_LEASE_MS', d.leaseMs, { min: 500, max: 600_000 }),
    pollMs: reader.int('EVALUATION_POLL_MS', d.pollMs, { min: 10, max: 60_000 }),
    judgeTimeoutMs: reader.int('EVALUATION_JUDGE_TIMEOUT_MS', d.judgeTimeoutMs, {
      min: 100,
      max: 600_000,
    }),
    judgeBreaker: {
      failureThreshold: reader.int(
        'EVALUATION_JUDGE_BREAKER_FAILURES',
        d.judgeBreaker.failureThreshold,
        { min: 1, max: 1000 },
      ),
      resetTimeoutMs: reader.int(
        'EVALUATION_JUDGE_BREAKER_RESET_MS',
        d.judgeBreaker.resetTimeoutMs,
        {
          min: 10,
          max: 3_600_000,
        },
      ),
    },
    prices: readPrices(reader),
  };
}

function readPrices(reader: EnvReader): PriceTable {
  const path = reader.string('EVALUATION_PRICE_TABLE', '');
  if (path === '') return DEFAULT_PRICE_TABLE;
  try {
    return readPriceTable(path);
  } catch (error) {
    reader.problem(
      `EVALUATION_PRICE_TABLE: ${error instanceof Error ? error.message : String(error)}`,
    );
    return DEFAULT_PRICE_TABLE;
  }
}
