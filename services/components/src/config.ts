import { EnvReader } from '@crucible/runtime';
import { logLevelFrom, type LogLevel } from '@crucible/telemetry';

/** The components service's configuration, read once at start. */
export interface ComponentsConfig {
  /** DATABASE_URL: Postgres to connect to (the service uses its own schema, `components`). */
  databaseUrl: string;
  /** NATS_URL: where requests arrive, e.g. nats://127.0.0.1:4222. */
  natsUrl: string;
  /** KAFKA_BROKERS: comma-separated host:port list; events go there through the outbox. */
  kafkaBrokers: string[];
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`); isolates deployments. */
  prefix: string;
  /** COMPONENTS_CACHE_MB: memory for cached reads by hash (default 64). */
  cacheBytes: number;
  /** DATABASE_POOL_MAX: Postgres connections of this process (default 10). */
  poolMax: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

export function readConfig(env: NodeJS.ProcessEnv): ComponentsConfig {
  const reader = new EnvReader(env);
  const config: ComponentsConfig = {
    databaseUrl: reader.required('DATABASE_URL', 'Postgres connection URL'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    kafkaBrokers: reader.list('KAFKA_BROKERS') ?? [],
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    cacheBytes: reader.int('COMPONENTS_CACHE_MB', 64, { min: 0, max: 65536 }) * 1024 * 1024,
    poolMax: reader.int('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    logLevel: logLevelFrom(env.LOG_LEVEL),
  };
  if (config.kafkaBrokers.length === 0)
    reader.problem('KAFKA_BROKERS is required (comma-separated host:port)');
  reader.done();
  return config;
}
