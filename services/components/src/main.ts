import { telemetry } from './tracing'; // first: see tracing.ts
import { runMain, startServiceProcess, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { readConfig } from './config';
import { SERVICE_NAME, startComponentsService } from './service';

/** Runs the components service as its own process on real Postgres, NATS and Kafka. */
export function start(env: NodeJS.ProcessEnv = process.env): Promise<Stoppable> {
  const config = readConfig(env);
  return startServiceProcess(
    SERVICE_NAME,
    config,
    (infra) => startComponentsService(infra, { cacheBytes: config.cacheBytes }),
    () => telemetry.shutdown(),
  );
}

if (require.main === module) {
  runMain(() => start(), createLogger({ service: SERVICE_NAME }));
}
