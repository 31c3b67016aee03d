import { createLogger, logLevelFrom, type LogLevel } from '@crucible/telemetry';
import type { EnvReader } from './env';
import { connectInfrastructure, type Infrastructure } from './infrastructure';
import type { Stoppable } from './run-main';

/** The variables every service process reads to reach its infrastructure. */
export interface ServiceEnv {
  /** DATABASE_URL: Postgres (the service uses its own schema). */
  databaseUrl: string;
  /** NATS_URL: where requests arrive and other services answer. */
  natsUrl: string;
  /** KAFKA_BROKERS: comma-separated host:port list. */
  kafkaBrokers: string[];
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`); isolates deployments. */
  prefix: string;
  /** DATABASE_POOL_MAX: Postgres connections of this process (default 10). */
  poolMax: number;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
}

/** Reads the ServiceEnv variables (problems are collected by the reader). */
export function readServiceEnv(reader: EnvReader, env: NodeJS.ProcessEnv): ServiceEnv {
  const kafkaBrokers = reader.list('KAFKA_BROKERS') ?? [];
  if (kafkaBrokers.length === 0)
    reader.problem('KAFKA_BROKERS is required (comma-separated host:port)');
  return {
    databaseUrl: reader.required('DATABASE_URL', 'Postgres connection URL'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    kafkaBrokers,
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    poolMax: reader.int('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    logLevel: logLevelFrom(env.LOG_LEVEL),
  };
}

/**
 * A service as its own process: connect to real Postgres, NATS and Kafka,
 * start the service on them; `stop` stops the service, closes the
 * connections, then runs `afterStop` (e.g. flushing telemetry).
 */
export async function startServiceProcess(
  name: string,
  env: ServiceEnv,
  startService: (infra: Infrastructure) => Promise<Stoppable>,
  afterStop: () => Promise<void> = () => Promise.resolve(),
): Promise<Stoppable> {
  const logger = createLogger({ service: name, level: env.logLevel });
  const infra = await connectInfrastructure({
    databaseUrl: env.databaseUrl,
    natsUrl: env.natsUrl,
    kafkaBrokers: env.kafkaBrokers,
    prefix: env.prefix,
    clientName: `${name}-${process.pid}`,
    logger,
    poolMax: env.poolMax,
  });
  try {
    const service = await startService(infra);
    return {
      async stop() {
        await service.stop();
        await infra.close();
        await afterStop();
      },
    };
  } catch (error) {
    await infra.close();
    throw error;
  }
}
