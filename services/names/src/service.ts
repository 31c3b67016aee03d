import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { RpcScenarioDirectory } from './clients/scenario-directory';
import { registerHandlers } from './handlers';
import { NameStore } from './store/name-store';

export const SERVICE_NAME = 'names';
export const SERVICE_VERSION = '0.1.0';

export interface NamesServiceOptions {
  /** How long to wait for the scenarios service (check_scenarios), in milliseconds (default 5000). */
  requestTimeoutMs?: number;
}

/** Starts the names service on the given infrastructure (see prepareService and serve). */
export async function startNamesService(
  infra: Infrastructure,
  options: NamesServiceOptions = {},
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  registerHandlers(core.server, {
    store: new NameStore(core.db, core.outbox),
    scenarios: new RpcScenarioDirectory(core.client(options.requestTimeoutMs ?? 5000), core.logger),
    events: core.outbox,
    logger: core.logger,
  });
  return serve(core);
}
