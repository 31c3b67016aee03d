import { startComponentsService } from '@crucible/components';
import { startNamesService } from '@crucible/names';
import { startScenariosService } from '@crucible/scenarios';
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
 * service, and the gateway in front. Stops in reverse order.
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
    started.push(await startComponentsService(infra));
    started.push(await startNamesService(infra, { requestTimeoutMs: config.requestTimeoutMs }));
    started.push(await startScenariosService(infra, { requestTimeoutMs: config.requestTimeoutMs }));
    const gateway = await startGateway(infra, {
      port: config.port,
      host: config.host,
      requestTimeoutMs: config.requestTimeoutMs,
      bodyLimitBytes: config.bodyLimitBytes,
    });
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
