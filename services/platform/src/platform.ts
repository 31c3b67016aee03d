import { startGateway, type RunningGateway } from '@crucible/gateway';
import { openEmbeddedInfrastructure, type Stoppable } from '@crucible/runtime';
import type { Logger } from '@crucible/telemetry';
import type { PlatformConfig } from './config';

export interface RunningPlatform extends Stoppable {
  readonly gateway: RunningGateway;
}

/**
 * The whole platform in one process on the embedded default: PGlite on the
 * data folder, the in-process bus and the Postgres-table event log, every
 * registered service in registry order, and the gateway in front. Stops in
 * reverse order.
 */
export async function startPlatform(
  config: PlatformConfig,
  logger: Logger,
): Promise<RunningPlatform> {
  const infra = await openEmbeddedInfrastructure({
    dataDir: config.dataDir,
    prefix: config.prefix,
    logger,
  });
  const started: Stoppable[] = [];
  try {
    for (const service of config.services) started.push(await service.start(infra));
    const gateway = await startGateway(infra, config.gateway);
    started.push(gateway);
    return {
      gateway,
      async stop() {
        for (const part of started.reverse()) await part.stop();
        await infra.close();
      },
    };
  } catch (error) {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
    await infra.close();
    throw error;
  }
}
