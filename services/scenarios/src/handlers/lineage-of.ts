import { notFound, type LineageOfReply, type LineageOfRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { LineageRow } from '../store/lineage';
import type { ScenariosDeps } from './deps';
import { scenarioHashOf } from '../flows/scenario-ref';

const DEFAULT_MAX_DEPTH = 10_000;

/** lineage_of: ancestors oldest first, then the scenario; descendants nearest first. */
export async function lineageOf(
  deps: ScenariosDeps,
  request: LineageOfRequest,
  ctx: RpcContext,
): Promise<LineageOfReply> {
  const ref = {
    ...(request.name === undefined ? {} : { name: request.name }),
    ...(request.hash === undefined ? {} : { hash: request.hash }),
  };
  const hash = await scenarioHashOf(deps, ref, '', ctx);
  const found = await deps.store.lineage(hash, request.max_depth ?? DEFAULT_MAX_DEPTH);
  if (!found)
    throw notFound(`no scenario with hash ${hash}`, {
      path: '/hash',
      reason: 'scenario_not_found',
      hash,
    });
  return {
    hash,
    lineage: found.lineage.map(toNode),
    descendants: found.descendants.map(toNode),
    truncated: found.truncated,
  };
}

function toNode(row: LineageRow): LineageOfReply['lineage'][number] {
  return { ...row, created_at: row.created_at.toISOString() };
}
