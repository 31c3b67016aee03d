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
        const failure = await stopAll(started, logger);
        await infra.close();
        if (failure !== undefined) throw failure;
      },
    };
  } catch (error) {
    // The start's error is the one to report; stopAll logs the undoing's failures.
    await stopAll(started, logger);
    await infra.close();
    throw error;
  }
}

/**
 * Stops the parts in reverse order, every one even when one fails (each
 * failure is logged); returns the first failure.
 */
async function stopAll(parts: readonly Stoppable[], logger: Logger): Promise<Error | undefined> {
  let failure: Error | undefined;
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (error) {
      logger.error('could not stop a part of the platform', { error });
      failure ??= error instanceof Error ? error : new Error(String(error), { cause: error });
    }
  }
  return failure;
}
