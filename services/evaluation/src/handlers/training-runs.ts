import type {
  GetTrainingRunRequest,
  ListTrainingRunsReply,
  ListTrainingRunsRequest,
  ReportTrainingRunRequest,
  StoredTrainingRun,
  TrainingRun,
  TrainingRunStatus,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { withDefaults } from '@crucible/experiment-ir';
import { canonicalJson } from '@crucible/hashing';
import { trainingTransitionAllowed } from '../domain/lifecycle';
import {
  immutableChanged,
  invalidTransition,
  modelVersionIdNotFound,
  trainingRunNotFound,
} from '../domain/lifecycle-errors';
import { modelNotFound } from '../domain/registry-errors';
import { pageOf } from '../domain/page-cursor';
import type { TrainingRunRow } from '../store/lifecycle-store';
import type { EvaluationDeps } from './deps';

/**
 * report_training_run: the training tool's report of a run as it is now.
 * The first report stores it; later ones replace it under the run's row
 * lock, with its config unchanged and its status moved forward only
 * (domain/lifecycle.ts). The same report again changes nothing.
 */
export async function reportTrainingRun(
  deps: EvaluationDeps,
  request: ReportTrainingRunRequest,
): Promise<StoredTrainingRun> {
  const run = withDefaults('training_run', request.training_run);
  const modelId = String(run.config.model_ref.id);
  if ((await deps.registry.model(modelId)) === undefined) {
    throw modelNotFound(modelId, '/training_run/config/model_ref/id');
  }
  if (run.final_model_version !== undefined) {
    const version = await deps.registry.modelVersion({ versionId: run.final_model_version });
    if (version === undefined || version.model_id !== modelId) {
      throw modelVersionIdNotFound(run.final_model_version, '/training_run/final_model_version');
    }
  }
  const status = run.status ?? 'pending';
  const row = await deps.store.transaction(async (trx) => {
    let current = await deps.lifecycle.trainingRun(run.id, trx, { lock: true });
    if (current === undefined) {
      const inserted = await deps.lifecycle.insertTrainingRun(
        {
          id: run.id,
          model_id: modelId,
          status,
          training_run: run as unknown as Record<string, unknown>,
        },
        trx,
      );
      if (inserted !== undefined) return inserted;
      // Reported first by a racing request, which has committed: check against it.
      current = await deps.lifecycle.trainingRun(run.id, trx, { lock: true });
      if (current === undefined)
        throw new Error(`training run ${run.id} conflicted but is not there`);
    }
    const before = current.training_run as unknown as TrainingRun;
    if (canonicalJson(before) === canonicalJson(run)) return current;
    if (canonicalJson(before.config) !== canonicalJson(run.config)) {
      throw immutableChanged('config', run.id, '/training_run/config');
    }
    const from = current.status as TrainingRunStatus;
    if (!trainingTransitionAllowed(from, status)) {
      throw invalidTransition('training run', run.id, from, status, '/training_run/status');
    }
    return deps.lifecycle.updateTrainingRun(
      run.id,
      { status, training_run: run as unknown as Record<string, unknown> },
      trx,
    );
  });
  return toStoredTrainingRun(row);
}

export async function getTrainingRun(
  deps: EvaluationDeps,
  request: GetTrainingRunRequest,
): Promise<StoredTrainingRun> {
  const row = await deps.lifecycle.trainingRun(request.id);
  if (row === undefined) throw trainingRunNotFound(request.id, '/id');
  return toStoredTrainingRun(row);
}

export async function listTrainingRuns(
  deps: EvaluationDeps,
  request: ListTrainingRunsRequest,
  ctx: RpcContext,
): Promise<ListTrainingRunsReply> {
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.lifecycle.listTrainingRuns({
    modelId: request.model_id,
    status: request.status,
    afterSeq: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: toStoredTrainingRun,
    position: (row) => Number(row.seq),
  });
}

function toStoredTrainingRun(row: TrainingRunRow): StoredTrainingRun {
  return {
    training_run: row.training_run as unknown as TrainingRun,
    model_id: row.model_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
