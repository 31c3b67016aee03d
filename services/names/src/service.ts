import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { RpcEvaluationGate } from './clients/evaluation-gate';
import { RpcGovernanceGate } from './clients/governance-gate';
import { RpcScenarioDirectory } from './clients/scenario-directory';
import { DEFAULT_NAMES_SETTINGS, type NamesSettings } from './config';
import { registerHandlers } from './handlers';
import { NameStore } from './store/name-store';

export const SERVICE_NAME = 'names';
export const SERVICE_VERSION = '0.1.0';

/** Starts the names service on the given infrastructure (see prepareService and serve). */
export async function startNamesService(
  infra: Infrastructure,
  settings: NamesSettings = DEFAULT_NAMES_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  registerHandlers(core.server, {
    store: new NameStore(core.db, core.outbox),
    scenarios: new RpcScenarioDirectory(core.client(settings.requestTimeoutMs), core.logger),
    governance: new RpcGovernanceGate(core.client(settings.requestTimeoutMs), core.logger),
    evaluation: new RpcEvaluationGate(core.client(settings.requestTimeoutMs), core.logger),
    events: core.outbox,
    logger: core.logger,
  });
  return serve(core);
}
