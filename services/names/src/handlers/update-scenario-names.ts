import type { UpdateScenarioNamesReply, UpdateScenarioNamesRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { batchIntents } from '../domain/name-intents';
import type { NamesDeps } from './deps';
import { moveNames } from '../flows/move-names';

/** update_scenario_names: several moves in one transaction, all or none. */
export async function updateScenarioNames(
  deps: NamesDeps,
  request: UpdateScenarioNamesRequest,
  ctx: RpcContext,
): Promise<UpdateScenarioNamesReply> {
  const changes = await moveNames(
    deps,
    batchIntents(request.updates),
    request.note ?? null,
    ctx,
    request.directive_id,
  );
  return { changes };
}
