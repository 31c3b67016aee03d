import type {
  GetWorldModelRequest,
  WorldModel,
  WorldModelHistoryReply,
  WorldModelHistoryRequest,
} from '@crucible/contracts';
import { invalidArgument } from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { pageOf } from '../domain/page-cursor';
import { recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { toWireRecord } from '../flows/record-shape';
import type { EvaluationDeps } from './deps';

const SPEC = RECORD_SPECS.world_model;

/** get_world_model: the latest version, or the one asked for (its model and time). */
export async function getWorldModel(
  deps: EvaluationDeps,
  request: GetWorldModelRequest,
): Promise<WorldModel> {
  const row = await deps.store.get(SPEC, request.id);
  if (row === undefined) throw recordNotFound('world_model', request.id, '/id');
  const current = toWireRecord(SPEC, row) as unknown as WorldModel;
  if (request.version === undefined || request.version === current.version) return current;
  const past = await deps.store.worldModelVersion(request.id, request.version);
  if (past === undefined) {
    throw invalidArgument(
      '/version',
      'no_such_version',
      `world model ${request.id} has versions 1 to ${current.version}`,
      { latest: current.version },
    );
  }
  return {
    ...current,
    model: past.model,
    version: past.version,
    updated_at: past.created_at.toISOString(),
  };
}

/**
 * world_model_history: every version, newest first, cut by count and size;
 * the cursor is the last version shown.
 */
export async function worldModelHistory(
  deps: EvaluationDeps,
  request: WorldModelHistoryRequest,
  ctx: RpcContext,
): Promise<WorldModelHistoryReply> {
  const row = await deps.store.get(SPEC, request.id);
  if (row === undefined) throw recordNotFound('world_model', request.id, '/id');
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.store.worldModelVersions(request.id, {
    beforeVersion: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  const page = pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { id: request.id, versions: [] }),
    encode: (v) => ({
      version: v.version,
      model: v.model,
      created_at: v.created_at.toISOString(),
      actor: v.actor ?? null,
    }),
    position: (v) => v.version,
  });
  return page.next_cursor === undefined
    ? { id: request.id, versions: page.items }
    : { id: request.id, versions: page.items, next_cursor: page.next_cursor };
}
