import type { UnsetScenarioNameReply, UnsetScenarioNameRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { unsetIntent } from '../domain/name-intents';
import type { NamesDeps } from './deps';
import { moveNames } from '../flows/move-names';

/** unset_scenario_name: remove a name, leaving a tombstone in its history. */
export async function unsetScenarioName(
  deps: NamesDeps,
  request: UnsetScenarioNameRequest,
  ctx: RpcContext,
): Promise<UnsetScenarioNameReply> {
  const [change] = await moveNames(
    deps,
    [unsetIntent(request)],
    request.note ?? null,
    ctx,
    request.directive_id,
  );
  if (change === undefined) throw new Error('moveNames answered no change for one intent');
  return change;
}
