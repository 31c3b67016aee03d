import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { DEFAULT_SCENARIOS_SETTINGS, type ScenariosSettings } from './config';
import { ComponentsClient } from './clients/components-client';
import { NamesClient } from './clients/names-client';
import { namesProjection } from './consumers/names-projection';
import { worldsProjection } from './consumers/worlds-projection';
import { registerHandlers } from './handlers';
import { ScenarioStore } from './store/scenario-store';
import { WorldCounts } from './store/world-counts';

export const SERVICE_NAME = 'scenarios';
export const SERVICE_VERSION = '0.1.0';

/** Starts the scenarios service and its names projection (see prepareService and serve). */
export async function startScenariosService(
  infra: Infrastructure,
  settings: ScenariosSettings = DEFAULT_SCENARIOS_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  const store = new ScenarioStore(core.db, core.outbox);
  const worldCounts = new WorldCounts(core.db);
  const rpc = core.client(settings.requestTimeoutMs);
  registerHandlers(core.server, {
    store,
    components: new ComponentsClient(rpc),
    names: new NamesClient(rpc),
    worldCounts,
    events: core.outbox,
    logger: core.logger,
  });
  return serve(core, [namesProjection(core, store), worldsProjection(core, worldCounts)]);
}
