import { EnvReader, readServiceEnv, type ServiceEnv } from '@crucible/runtime';

/** The components service's configuration, read once at start (ServiceEnv lists the shared variables). */
export interface ComponentsConfig extends ServiceEnv {
  /** COMPONENTS_CACHE_MB: memory for cached reads by hash (default 64). */
  cacheBytes: number;
}

export function readConfig(env: NodeJS.ProcessEnv): ComponentsConfig {
  const reader = new EnvReader(env);
  const config: ComponentsConfig = {
    ...readServiceEnv(reader, env),
    cacheBytes: reader.int('COMPONENTS_CACHE_MB', 64, { min: 0, max: 65536 }) * 1024 * 1024,
  };
  reader.done();
  return config;
}
