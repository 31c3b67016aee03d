import type {
  CreateExperimentRequest,
  ListExperimentsReply,
  ListExperimentsRequest,
  StoredExperiment,
  ValidateExperimentReply,
  ValidateExperimentRequest,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { checkIr, withDefaults, type Experiment } from '@crucible/experiment-ir';
import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { pageOf } from '../domain/page-cursor';
import { recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { takenByOther } from '../domain/registry-errors';
import { recordEvent } from '../flows/record-events';
import type { ExperimentRow } from '../store/registry-store';
import type { EvaluationDeps } from './deps';

/** Most problems validate_experiment lists (its reply schema's maxItems). */
export const MAX_REPORTED_PROBLEMS = 1000;

/** validate_experiment: every problem of an experiment (docs/experiment-ir.md), or it with its defaults. */
export function validateExperiment(
  request: ValidateExperimentRequest,
): Promise<ValidateExperimentReply> {
  const result = checkIr('experiment', request.experiment);
  if (result.ok) return Promise.resolve({ valid: true, problems: [], experiment: result.value });
  // The reply's list is capped (maxItems) so it always fits the bus
  // (docs/messaging.md#paged-replies); the first problems are the ones to fix.
  const problems = result.problems.slice(0, MAX_REPORTED_PROBLEMS);
  return Promise.resolve(
    result.problems.length > MAX_REPORTED_PROBLEMS
      ? { valid: false, problems, problems_truncated: true }
      : { valid: false, problems },
  );
}

/**
 * create_experiment: stores the defaulted experiment under its project and
 * id with its content hash. The same experiment again returns the stored
 * one; other content under a taken id is `experiment_exists`.
 */
export async function createExperiment(
  deps: EvaluationDeps,
  request: CreateExperimentRequest,
  ctx: RpcContext,
): Promise<StoredExperiment> {
  const project = await deps.store.get(RECORD_SPECS.project, request.project_id);
  if (project === undefined) throw recordNotFound('project', request.project_id, '/project_id');
  // The wire schema already checked the rules; this fills the defaults in.
  const experiment = withDefaults('experiment', request.experiment);
  const hash = sha256Hex(canonicalJson(experiment));
  const inserted = await deps.store.transaction(async (trx) => {
    const row = await deps.registry.insertExperiment(
      {
        project_id: request.project_id,
        experiment_id: experiment.id,
        hash,
        experiment: experiment as unknown as Record<string, unknown>,
      },
      trx,
    );
    if (row !== undefined) {
      const data = {
        entity: 'experiment' as const,
        id: Number(row.id),
        project_id: request.project_id,
        version: 1,
      };
      await deps.store.enqueue([recordEvent(deps, ctx, 'created', data)], trx);
    }
    return row;
  });
  if (inserted !== undefined) return toStoredExperiment(inserted);
  const existing = await deps.registry.experimentByName(request.project_id, experiment.id);
  if (existing === undefined) throw new Error('experiment insert conflicted but no row is there');
  if (existing.hash !== hash) throw takenByOther('experiment', experiment.id, '/experiment/id');
  return toStoredExperiment(existing);
}

export async function getExperiment(
  deps: EvaluationDeps,
  request: { id: number },
): Promise<StoredExperiment> {
  const row = await deps.registry.experimentById(request.id);
  if (row === undefined) throw recordNotFound('experiment', request.id, '/id');
  return toStoredExperiment(row);
}

export async function listExperiments(
  deps: EvaluationDeps,
  request: ListExperimentsRequest,
  ctx: RpcContext,
): Promise<ListExperimentsReply> {
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.registry.listExperiments({
    projectId: request.project_id,
    afterId: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: toStoredExperiment,
    position: (row) => Number(row.id),
  });
}

function toStoredExperiment(row: ExperimentRow): StoredExperiment {
  return {
    id: Number(row.id),
    project_id: Number(row.project_id),
    experiment_id: row.experiment_id,
    hash: row.hash,
    experiment: row.experiment as unknown as Experiment,
    created_at: row.created_at.toISOString(),
  };
}
