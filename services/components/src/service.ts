import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { registerHandlers } from './handlers';
import { ComponentStore } from './store/component-store';
import { ReadCache } from './store/read-cache';

export const SERVICE_NAME = 'components';
export const SERVICE_VERSION = '0.1.0';

export interface ComponentsServiceOptions {
  /** Memory for cached reads by hash, in bytes. */
  cacheBytes?: number;
}

/** Starts the components service on the given infrastructure (see prepareService and serve). */
export async function startComponentsService(
  infra: Infrastructure,
  options: ComponentsServiceOptions = {},
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  registerHandlers(core.server, {
    store: new ComponentStore(core.db, core.outbox),
    events: core.outbox,
    cache: new ReadCache(options.cacheBytes ?? 64 * 1024 * 1024),
    logger: core.logger,
  });
  return serve(core);
}
