import { EnvReader } from '@crucible/runtime';
import { logLevelFrom, type LogLevel } from '@crucible/telemetry';

/** The names service's configuration, read once at start. */
export interface NamesConfig {
  /** DATABASE_URL: Postgres to connect to (the service uses its own schema, `names`). */
  databaseUrl: string;
  /** NATS_URL: where requests arrive and where the scenarios service is asked, e.g. nats://127.0.0.1:4222. */
  natsUrl: string;
  /** KAFKA_BROKERS: comma-separated host:port list; events go there through the outbox. */
  kafkaBrokers: string[];
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`); isolates deployments. */
  prefix: string;
  /** DATABASE_POOL_MAX: Postgres connections of this process (default 10). */
  poolMax: number;
  /** REQUEST_TIMEOUT_MS: how long to wait for the scenarios service (default 5000). */
  requestTimeoutMs: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

export function readConfig(env: NodeJS.ProcessEnv): NamesConfig {
  const reader = new EnvReader(env);
  const config: NamesConfig = {
    databaseUrl: reader.required('DATABASE_URL', 'Postgres connection URL'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    kafkaBrokers: reader.list('KAFKA_BROKERS') ?? [],
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    poolMax: reader.int('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 1, max: 600_000 }),
    logLevel: logLevelFrom(env.LOG_LEVEL),
  };
  if (config.kafkaBrokers.length === 0)
    reader.problem('KAFKA_BROKERS is required (comma-separated host:port)');
  reader.done();
  return config;
}
