import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { DEFAULT_COMPONENTS_SETTINGS, type ComponentsSettings } from './config';
import { registerHandlers } from './handlers';
import { ComponentStore } from './store/component-store';
import { readCache } from './store/read-cache';

export const SERVICE_NAME = 'components';
export const SERVICE_VERSION = '0.1.0';

/** Starts the components service on the given infrastructure (see prepareService and serve). */
export async function startComponentsService(
  infra: Infrastructure,
  settings: ComponentsSettings = DEFAULT_COMPONENTS_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  registerHandlers(core.server, {
    store: new ComponentStore(core.db, core.outbox),
    events: core.outbox,
    cache: readCache(settings.cacheBytes),
    logger: core.logger,
  });
  return serve(core);
}
