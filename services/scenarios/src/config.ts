import { EnvReader } from '@crucible/runtime';
import { logLevelFrom, type LogLevel } from '@crucible/telemetry';

/** The scenarios service's configuration, read once at start. */
export interface ScenariosConfig {
  /** DATABASE_URL: Postgres (the service uses its own schema, `scenarios`). */
  databaseUrl: string;
  /** NATS_URL: where requests arrive and where the components and names services answer. */
  natsUrl: string;
  /** KAFKA_BROKERS: comma-separated host:port list (events out; names events in). */
  kafkaBrokers: string[];
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`). */
  prefix: string;
  /** REQUEST_TIMEOUT_MS: how long to wait for the components and names services (default 5000). */
  requestTimeoutMs: number;
  /** DATABASE_POOL_MAX: Postgres connections of this process (default 10). */
  poolMax: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

export function readConfig(env: NodeJS.ProcessEnv): ScenariosConfig {
  const reader = new EnvReader(env);
  const config: ScenariosConfig = {
    databaseUrl: reader.required('DATABASE_URL', 'Postgres connection URL'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    kafkaBrokers: reader.list('KAFKA_BROKERS') ?? [],
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }),
    poolMax: reader.int('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    logLevel: logLevelFrom(env.LOG_LEVEL),
  };
  if (config.kafkaBrokers.length === 0)
    reader.problem('KAFKA_BROKERS is required (comma-separated host:port)');
  reader.done();
  return config;
}
