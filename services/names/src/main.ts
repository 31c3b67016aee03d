import { telemetry } from './tracing'; // first: see tracing.ts
import { connectInfrastructure, runMain, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { readConfig } from './config';
import { SERVICE_NAME, startNamesService } from './service';

/** Runs the names service as its own process on real Postgres, NATS and Kafka. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Stoppable> {
  const config = readConfig(env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const infra = await connectInfrastructure({
    databaseUrl: config.databaseUrl,
    natsUrl: config.natsUrl,
    kafkaBrokers: config.kafkaBrokers,
    prefix: config.prefix,
    clientName: `${SERVICE_NAME}-${process.pid}`,
    logger,
    poolMax: config.poolMax,
  });
  try {
    const service = await startNamesService(infra, { requestTimeoutMs: config.requestTimeoutMs });
    return {
      async stop() {
        await service.stop();
        await infra.close();
        await telemetry.shutdown();
      },
    };
  } catch (error) {
    await infra.close();
    throw error;
  }
}

if (require.main === module) {
  runMain(() => start(), createLogger({ service: SERVICE_NAME }));
}
