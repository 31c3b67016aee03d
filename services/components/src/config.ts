import type { EnvReader } from '@crucible/runtime';

const MIB = 1024 * 1024;

/**
 * The components service's own settings, read once at start by its process
 * and by the all-in-one platform alike (the connection variables are
 * ServiceEnv's, in @crucible/runtime).
 */
export interface ComponentsSettings {
  /** COMPONENTS_CACHE_MB: memory for cached reads by hash, in bytes (default 64 MiB). */
  readonly cacheBytes: number;
}

export const DEFAULT_COMPONENTS_SETTINGS: ComponentsSettings = { cacheBytes: 64 * MIB };

/** Reads the ComponentsSettings variables (problems are collected by the reader). */
export function readComponentsSettings(reader: EnvReader): ComponentsSettings {
  const defaults = DEFAULT_COMPONENTS_SETTINGS;
  return {
    cacheBytes:
      reader.int('COMPONENTS_CACHE_MB', defaults.cacheBytes / MIB, { min: 0, max: 65536 }) * MIB,
  };
}
