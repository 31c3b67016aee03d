import { resolve } from 'node:path';
import { EnvReader } from '@crucible/runtime';
import { logLevelFrom, type LogLevel } from '@crucible/telemetry';

/** Configuration of the all-in-one process (the embedded default), read once at start. */
export interface PlatformConfig {
  /** CRUCIBLE_DATA_DIR: folder of the embedded Postgres (default `.data/` in the checkout, ignored by git). */
  dataDir: string;
  /** PORT: gateway HTTP port (default 8080). */
  port: number;
  /** HOST: interface to listen on (default 127.0.0.1). */
  host: string;
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`). */
  prefix: string;
  /** REQUEST_TIMEOUT_MS: how long the gateway waits for a service (default 5000). */
  requestTimeoutMs: number;
  /** BODY_LIMIT_BYTES: largest request body (default 1000000). */
  bodyLimitBytes: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

/** The checkout's root (same depth from src/ and dist/). */
const REPO_ROOT = resolve(__dirname, '../../..');

export function readConfig(env: NodeJS.ProcessEnv): PlatformConfig {
  const reader = new EnvReader(env);
  const config: PlatformConfig = {
    dataDir: resolve(reader.string('CRUCIBLE_DATA_DIR', resolve(REPO_ROOT, '.data'))),
    port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
    host: reader.string('HOST', '127.0.0.1'),
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 1_000_000, { min: 1024, max: 1_000_000 }),
    logLevel: logLevelFrom(env.LOG_LEVEL),
  };
  reader.done();
  return config;
}
