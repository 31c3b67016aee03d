import { MIND_DEFAULTS, readMindDefaults, type MindDefaults } from '@crucible/minds';
import {
  DEFAULT_PRICE_TABLE,
  readPriceTable,
  type EnvReader,
  type PriceTable,
} from '@crucible/runtime';

/**
 * The worlds service's own settings, read once at start by its process and by
 * the all-in-one platform alike (the connection variables are ServiceEnv's,
 * in @crucible/runtime). docs/services/worlds.md lists them.
 */
export interface WorldsSettings {
  /** REQUEST_TIMEOUT_MS: how long to wait for the scenarios service, in ms (default 5000). */
  readonly requestTimeoutMs: number;
  /** WORLDS_WORKER_CONCURRENCY: turn attempts this replica runs at once, each of another world (default 2; 0 runs none). */
  readonly workerConcurrency: number;
  /** WORLDS_LEASE_MS: how long a claimed attempt is this replica's without a heartbeat; another replica takes it over after (default 10000). */
  readonly leaseMs: number;
  /** WORLDS_POLL_MS: how often an idle worker looks for queued attempts, in ms (default 500; a run_turn here wakes it at once). */
  readonly pollMs: number;
  /** WORLDS_MAX_AGENT_CONCURRENCY: agents of one turn thinking at once (simultaneous engine; default 8). */
  readonly maxAgentConcurrency: number;
  /** WORLDS_LLM_*: defaults of OpenAI-compatible minds (docs/services/worlds-minds.md). */
  readonly mind: MindDefaults;
  /** WORLDS_PRICE_TABLE: a JSON file pricing LLM calls per model for directive budgets (docs/services/worlds.md, "Budgets"; default DEFAULT_PRICE_TABLE: offline and recorded minds and unlisted models cost 0). */
  readonly prices: PriceTable;
}

export const DEFAULT_WORLDS_SETTINGS: WorldsSettings = {
  requestTimeoutMs: 5000,
  workerConcurrency: 2,
  leaseMs: 10_000,
  pollMs: 500,
  maxAgentConcurrency: 8,
  mind: MIND_DEFAULTS,
  prices: DEFAULT_PRICE_TABLE,
};

/** Reads the WorldsSettings variables (problems are collected by the reader). */
export function readWorldsSettings(reader: EnvReader): WorldsSettings {
  const d = DEFAULT_WORLDS_SETTINGS;
  return {
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', d.requestTimeoutMs, {
      min: 10,
      max: 600_000,
    }),
    workerConcurrency: reader.int('WORLDS_WORKER_CONCURRENCY', d.workerConcurrency, {
      min: 0,
      max: 64,
    }),
    leaseMs: reader.int('WORLDS_LEASE_MS', d.leaseMs, { min: 500, max: 600_000 }),
    pollMs: reader.int('WORLDS_POLL_MS', d.pollMs, { min: 10, max: 60_000 }),
    maxAgentConcurrency: reader.int('WORLDS_MAX_AGENT_CONCURRENCY', d.maxAgentConcurrency, {
      min: 1,
      max: 256,
    }),
    mind: readMindDefaults(reader),
    prices: readPrices(reader),
  };
}

function readPrices(reader: EnvReader): PriceTable {
  const path = reader.string('WORLDS_PRICE_TABLE', '');
  if (path === '') return DEFAULT_PRICE_TABLE;
  try {
    return readPriceTable(path);
  } catch (error) {
    reader.problem(`WORLDS_PRICE_TABLE: ${error instanceof Error ? error.message : String(error)}`);
    return DEFAULT_PRICE_TABLE;
  }
}
