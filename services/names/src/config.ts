import type { EnvReader } from '@crucible/runtime';

/**
 * The names service's own settings, read once at start by its process and by
 * the all-in-one platform alike (the connection variables are ServiceEnv's,
 * in @crucible/runtime).
 */
export interface NamesSettings {
  /** REQUEST_TIMEOUT_MS: how long to wait for the scenarios service (check_scenarios), in ms (default 5000). */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_NAMES_SETTINGS: NamesSettings = { requestTimeoutMs: 5000 };

/** Reads the NamesSettings variables (problems are collected by the reader). */
export function readNamesSettings(reader: EnvReader): NamesSettings {
  const defaults = DEFAULT_NAMES_SETTINGS;
  return {
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', defaults.requestTimeoutMs, {
      min: 10,
      max: 600_000,
    }),
  };
}
