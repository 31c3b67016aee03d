import { EnvReader, readServiceEnv, type ServiceEnv } from '@crucible/runtime';

/** The scenarios service's configuration, read once at start (ServiceEnv lists the shared variables). */
export interface ScenariosConfig extends ServiceEnv {
  /** REQUEST_TIMEOUT_MS: how long to wait for the services this one calls (default 5000). */
  requestTimeoutMs: number;
}

export function readConfig(env: NodeJS.ProcessEnv): ScenariosConfig {
  const reader = new EnvReader(env);
  const config: ScenariosConfig = {
    ...readServiceEnv(reader, env),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }),
  };
  reader.done();
  return config;
}
