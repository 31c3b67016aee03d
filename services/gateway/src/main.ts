import { telemetry } from './tracing'; // first: see tracing.ts
import { defaultCatalog } from '@crucible/contracts';
import { NatsBus } from '@crucible/messaging';
import { natsConnectOptions, runMain, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { readConfig } from './config';
import { SERVICE_NAME, startGateway } from './gateway';

/** Runs the gateway as its own process, in front of services reached over NATS. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Stoppable> {
  const config = readConfig(env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const bus = await NatsBus.connect({
    url: config.natsUrl,
    name: `${SERVICE_NAME}-${process.pid}`,
    ...natsConnectOptions(config.natsCredentials),
  });
  try {
    const gateway = await startGateway(
      { bus, catalog: defaultCatalog(), prefix: config.prefix, logger },
      config,
    );
    return {
      async stop() {
        await gateway.stop();
        await bus.close();
        await telemetry.shutdown();
      },
    };
  } catch (error) {
    await bus.close();
    throw error;
  }
}

if (require.main === module) {
  runMain(() => start(), createLogger({ service: SERVICE_NAME }));
}
