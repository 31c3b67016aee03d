import type { EnvReader } from '@crucible/runtime';

/**
 * The scenarios service's own settings, read once at start by its process and by
 * the all-in-one platform alike (the connection variables are ServiceEnv's,
 * in @crucible/runtime).
 */
export interface ScenariosSettings {
  /** REQUEST_TIMEOUT_MS: how long to wait for the components and names services, in ms (default 5000). */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_SCENARIOS_SETTINGS: ScenariosSettings = { requestTimeoutMs: 5000 };

/** Reads the ScenariosSettings variables (problems are collected by the reader). */
export function readScenariosSettings(reader: EnvReader): ScenariosSettings {
  const defaults = DEFAULT_SCENARIOS_SETTINGS;
  return {
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', defaults.requestTimeoutMs, {
      min: 10,
      max: 600_000,
    }),
  };
}
