import { telemetry } from './tracing'; // first: see tracing.ts
import { runMain, startServiceProcess, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { service } from './definition';

/** Runs the governance service as its own process on real Postgres, NATS and Kafka. */
export function start(env: NodeJS.ProcessEnv = process.env): Promise<Stoppable> {
  return startServiceProcess(service, env, () => telemetry.shutdown());
}

if (require.main === module) {
  runMain(() => start(), createLogger({ service: service.name }));
}
