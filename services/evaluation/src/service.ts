import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { DEFAULT_EVALUATION_SETTINGS, type EvaluationSettings } from './config';
import { registerHandlers } from './handlers';
import { RecordStore } from './store/record-store';
import { RegistryStore } from './store/registry-store';
import { ResultStore } from './store/result-store';

export const SERVICE_NAME = 'evaluation';
export const SERVICE_VERSION = '0.1.0';

/** Starts the evaluation service on the given infrastructure (see prepareService and serve). */
export async function startEvaluationService(
  infra: Infrastructure,
  settings: EvaluationSettings = DEFAULT_EVALUATION_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  registerHandlers(core.server, {
    store: new RecordStore(core.db, core.outbox),
    registry: new RegistryStore(core.db),
    results: new ResultStore(core.db),
    events: core.outbox,
    settings,
    logger: core.logger,
  });
  return serve(core);
}
