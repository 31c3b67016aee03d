import type {
  ModelStage,
  ModelVersionStageHistoryReply,
  ModelVersionStageHistoryRequest,
  SetModelVersionStageReply,
  SetModelVersionStageRequest,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { stageTransitionAllowed } from '../domain/lifecycle';
import { invalidTransition } from '../domain/lifecycle-errors';
import { pageOf } from '../domain/page-cursor';
import { modelNotFound, modelVersionNotFound, stageCasFailed } from '../domain/registry-errors';
import { registryEvent } from '../flows/record-events';
import type { ModelVersionRow, StageHistoryRow } from '../store/registry-store';
import type { EvaluationDeps } from './deps';

/**
 * set_model_version_stage: moves a version to another stage only if it is at
 * `expected_stage` now (compare-and-swap, as aliases and names move): of
 * racing moves exactly one wins, the others get `cas_failed` with the stage
 * it is at, nothing written. Each move is a history row and a
 * `model_registry_changed` event (`stage_moved`) in one transaction; the
 * stage it is at already is `changed: false`, nothing written; archived is
 * final (`invalid_transition`).
 */
export async function setModelVersionStage(
  deps: EvaluationDeps,
  request: SetModelVersionStageRequest,
  ctx: RpcContext,
): Promise<SetModelVersionStageReply> {
  const { model_id: modelId, version, stage, expected_stage: expected } = request;
  const row = await versionRow(deps, modelId, version);
  const current = row.stage as ModelStage;
  if (current !== expected) throw stageCasFailed(modelId, version, expected, current);
  if (stage === current) return unchangedReply(deps, row);
  if (!stageTransitionAllowed(current, stage)) {
    throw invalidTransition('model version', `${modelId} ${version}`, current, stage, '/stage');
  }
  return deps.store.transaction(async (trx) => {
    const moved = await deps.registry.moveStage(
      {
        modelId,
        version,
        from: expected,
        to: stage,
        note: request.note ?? null,
        actor: ctx.principal ?? null,
      },
      trx,
    );
    if (moved === undefined) {
      // Another move won between the read above and this update.
      const now = await deps.registry.modelVersion({ modelId, version }, trx);
      throw stageCasFailed(modelId, version, expected, now?.stage ?? 'unknown');
    }
    const data = {
      model_id: modelId,
      change: 'stage_moved' as const,
      version,
      stage,
      previous_stage: expected,
      history_id: Number(moved.id),
    };
    await deps.store.enqueue([registryEvent(deps, ctx, data, moved.changed_at)], trx);
    return replyOf(row, moved, true);
  });
}

/** model_version_stage_history: a version's stage moves, newest first, a page at a time. */
export async function modelVersionStageHistory(
  deps: EvaluationDeps,
  request: ModelVersionStageHistoryRequest,
  ctx: RpcContext,
): Promise<ModelVersionStageHistoryReply> {
  await versionRow(deps, request.model_id, request.version);
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.registry.stageHistory(request.model_id, request.version, {
    beforeId: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  const frame = { model_id: request.model_id, version: request.version };
  const page = pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { ...frame, entries: [] }),
    encode: (move) => ({
      id: Number(move.id),
      old_stage: move.old_stage as ModelStage,
      new_stage: move.new_stage as ModelStage,
      note: move.note,
      changed_at: move.changed_at.toISOString(),
      actor: move.actor,
    }),
    position: (move) => Number(move.id),
  });
  return page.next_cursor === undefined
    ? { ...frame, entries: page.items }
    : { ...frame, entries: page.items, next_cursor: page.next_cursor };
}

/** The registered version, or `model_not_found` / `model_version_not_found`. */
async function versionRow(
  deps: EvaluationDeps,
  modelId: string,
  version: string,
): Promise<ModelVersionRow> {
  const row = await deps.registry.modelVersion({ modelId, version });
  if (row !== undefined) return row;
  if ((await deps.registry.model(modelId)) === undefined) throw modelNotFound(modelId, '/model_id');
  throw modelVersionNotFound(modelId, version, '/version');
}

/** Already at that stage: the move that put it there, or its registration if none did. */
async function unchangedReply(
  deps: EvaluationDeps,
  row: ModelVersionRow,
): Promise<SetModelVersionStageReply> {
  const [last] = await deps.registry.stageHistory(row.model_id, row.version, { limit: 1 });
  return replyOf(row, last, false);
}

function replyOf(
  row: ModelVersionRow,
  move: StageHistoryRow | undefined,
  changed: boolean,
): SetModelVersionStageReply {
  return {
    model_id: row.model_id,
    version: row.version,
    stage: (move?.new_stage ?? row.stage) as ModelStage,
    previous_stage: (move?.old_stage ?? null) as ModelStage | null,
    changed,
    history_id: move === undefined ? null : Number(move.id),
    changed_at: (move?.changed_at ?? row.created_at).toISOString(),
  };
}
