import { createLogger } from '@crucible/telemetry';
import { readCommonEnv, type CommonEnv } from './common-env';
import { EnvReader } from './env';
import { readNatsCredentials, type NatsCredentials } from './nats-credentials';
import { connectInfrastructure } from './infrastructure';
import type { Stoppable } from './run-main';
import type { ConfiguredService, ServiceDefinition } from './service-definition';

/** What a service reads to reach its infrastructure when it runs as its own process. */
export interface ServiceEnv extends CommonEnv {
  /** DATABASE_URL: Postgres (the service uses its own schema). */
  readonly databaseUrl: string;
  /** NATS_URL: where requests arrive and other services answer. */
  readonly natsUrl: string;
  /** KAFKA_BROKERS: comma-separated host:port list. */
  readonly kafkaBrokers: string[];
  /** DATABASE_POOL_MAX: Postgres connections of this process (default 10). */
  readonly poolMax: number;
  /** NATS_USER and NATS_PASSWORD: this service's NATS user (docs/security.md, "NATS"). */
  readonly natsCredentials: NatsCredentials | undefined;
}

/** Reads the ServiceEnv variables (problems are collected by the reader). */
export function readServiceEnv(reader: EnvReader): ServiceEnv {
  const kafkaBrokers = reader.list('KAFKA_BROKERS') ?? [];
  if (kafkaBrokers.length === 0)
    reader.problem('KAFKA_BROKERS is required (comma-separated host:port)');
  return {
    ...readCommonEnv(reader),
    databaseUrl: reader.required('DATABASE_URL', 'Postgres connection URL'),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    kafkaBrokers,
    poolMax: reader.int('DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
    natsCredentials: readNatsCredentials(reader),
  };
}

/** A service process's configuration: how to reach the infrastructure, and the service's own settings. */
export interface ServiceProcessConfig {
  readonly env: ServiceEnv;
  readonly service: ConfiguredService;
}

/**
 * Reads a service process's whole configuration once; throws a ConfigError
 * listing every missing or malformed variable, its own and the shared ones.
 */
export function readServiceProcessConfig(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv,
): ServiceProcessConfig {
  const reader = new EnvReader(env);
  const config = { env: readServiceEnv(reader), service: definition.configure(reader) };
  reader.done();
  return config;
}

/**
 * A service as its own process: read its configuration, connect to real
 * Postgres, NATS and Kafka, start the service on them; `stop` stops the
 * service, closes the connections, then runs `afterStop` (e.g. flushing
 * telemetry).
 */
export async function startServiceProcess(
  definition: ServiceDefinition,
  processEnv: NodeJS.ProcessEnv,
  afterStop: () => Promise<void> = () => Promise.resolve(),
): Promise<Stoppable> {
  const { env, service } = readServiceProcessConfig(definition, processEnv);
  const logger = createLogger({ service: definition.name, level: env.logLevel });
  const infra = await connectInfrastructure({
    databaseUrl: env.databaseUrl,
    natsUrl: env.natsUrl,
    kafkaBrokers: env.kafkaBrokers,
    prefix: env.prefix,
    clientName: `${definition.name}-${process.pid}`,
    logger,
    poolMax: env.poolMax,
    natsCredentials: env.natsCredentials,
  });
  try {
    const running = await service.start(infra);
    return {
      async stop() {
        await running.stop();
        await infra.close();
        await afterStop();
      },
    };
  } catch (error) {
    await infra.close();
    throw error;
  }
}
