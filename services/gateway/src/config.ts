import { EnvReader } from '@crucible/runtime';
import { logLevelFrom, type LogLevel } from '@crucible/telemetry';

/** The gateway's configuration, read once at start. */
export interface GatewayConfig {
  /** PORT: HTTP port (default 8080). */
  port: number;
  /** HOST: interface to listen on (default 127.0.0.1; set 0.0.0.0 to serve other machines). */
  host: string;
  /** NATS_URL: where the services answer. */
  natsUrl: string;
  /** CRUCIBLE_PREFIX: prefix of every subject (default `crucible`). */
  prefix: string;
  /** REQUEST_TIMEOUT_MS: how long to wait for a service before answering 503 (default 5000). */
  requestTimeoutMs: number;
  /** BODY_LIMIT_BYTES: largest request body (default 1000000, under NATS's 1 MiB payload limit). */
  bodyLimitBytes: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

export function readConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const reader = new EnvReader(env);
  const config: GatewayConfig = {
    port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
    host: reader.string('HOST', '127.0.0.1'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
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
