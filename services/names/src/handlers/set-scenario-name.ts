import type { SetScenarioNameReply, SetScenarioNameRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { setIntent } from '../domain/name-intents';
import type { NamesDeps } from './deps';
import { moveNames } from '../flows/move-names';

/** set_scenario_name: point a name at a stored scenario, optionally compare-and-swap. */
export async function setScenarioName(
  deps: NamesDeps,
  request: SetScenarioNameRequest,
  ctx: RpcContext,
): Promise<SetScenarioNameReply> {
  const [change] = await moveNames(
    deps,
    [setIntent(request)],
    request.note ?? null,
    ctx,
    request.directive_id,
  );
  if (change === undefined) throw new Error('moveNames answered no change for one intent');
  return change;
}
