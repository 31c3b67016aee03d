import {
  invalidArgument,
  type CreateExperimentRequest,
  type ListExperimentsReply,
  type ListExperimentsRequest,
  type StoredExperiment,
  type ValidateExperimentReply,
  type ValidateExperimentRequest,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { checkIr, withDefaults, type Experiment } from '@crucible/experiment-ir';
import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { pageOf } from '../domain/page-cursor';
import { recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { planStageIndex, readRunPlan, type PlanProblem } from '../domain/run-plan';
import { takenByOther } from '../domain/registry-errors';
import { recordEvent } from '../flows/record-events';
import type { ExperimentRow } from '../store/registry-store';
import type { EvaluationDeps } from './deps';

/** Most problems validate_experiment lists (its reply schema's maxItems). */
export const MAX_REPORTED_PROBLEMS = 1000;

/** The reason of a run plan problem of the evaluate stage, as start_run refuses the plan. */
const PLAN_PROBLEM_REASON = 'invalid_run_plan';

/**
 * validate_experiment: every problem of an experiment (docs/experiment-ir.md),
 * then every problem of its enabled `evaluate` stage's run plan (the checks
 * start_run makes of it before it reads anything stored), or it with its
 * defaults.
 */
export function validateExperiment(
  request: ValidateExperimentRequest,
): Promise<ValidateExperimentReply> {
  const result = checkIr('experiment', request.experiment);
  const planProblems = evaluateStageProblems(result.ok ? result.value : request.experiment).map(
    (p) => ({ path: p.path, reason: PLAN_PROBLEM_REASON, message: `${p.path}: ${p.message}` }),
  );
  if (result.ok && planProblems.length === 0) {
    return Promise.resolve({ valid: true, problems: [], experiment: result.value });
  }
  const all = [...(result.ok ? [] : result.problems), ...planProblems];
  // The reply's list is capped (maxItems) so it always fits the bus
  // (docs/messaging.md#paged-replies); the first problems are the ones to fix.
  const problems = all.slice(0, MAX_REPORTED_PROBLEMS);
  return Promise.resolve(
    all.length > MAX_REPORTED_PROBLEMS
      ? { valid: false, problems, problems_truncated: true }
      : { valid: false, problems },
  );
}

/**
 * The run plan problems of an experiment's enabled `evaluate` stage (paths
 * inside the experiment), as start_run's plan reader finds them; none for an
 * experiment without that stage (a training experiment, say: it may be
 * stored, and start_run refuses to run it). What needs the database or
 * another service (the suite stored, its scenarios, forks) is start_run's.
 */
function evaluateStageProblems(experiment: unknown): readonly PlanProblem[] {
  if (typeof experiment !== 'object' || experiment === null) return [];
  const { pipeline, reliability } = experiment as { pipeline?: unknown; reliability?: unknown };
  if (!Array.isArray(pipeline) || planStageIndex(pipeline) < 0) return [];
  // The reliability config too: start_run refuses judge settings it cannot honour.
  const read = readRunPlan({ pipeline, reliability });
  return read.ok ? [] : read.problems;
}

/** Most plan problems create_experiment's refusal spells out in its message (details list them all). */
const PROBLEMS_IN_MESSAGE = 5;

/**
 * Refuses an experiment whose evaluate stage has no valid run plan, before
 * anything is read or written: 400 `invalid_run_plan` at the first
 * problem's path in the request, every problem in `details.problems`.
 */
function refuseInvalidPlan(experiment: Experiment): void {
  const found = evaluateStageProblems(experiment);
  if (found.length === 0) return;
  const problems = found
    .slice(0, MAX_REPORTED_PROBLEMS)
    .map((p) => ({ path: `/experiment${p.path}`, message: p.message }));
  const shown = problems.slice(0, PROBLEMS_IN_MESSAGE).map((p) => `${p.path}: ${p.message}`);
  const more = found.length - shown.length;
  throw invalidArgument(
    problems[0]!.path,
    PLAN_PROBLEM_REASON,
    `the evaluate stage has no valid run plan: ${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
    { problems, ...(found.length > problems.length && { problems_truncated: true }) },
  );
}

/**
 * create_experiment: stores the defaulted experiment under its project and
 * id with its content hash; one whose evaluate stage has no valid run plan
 * is refused first. The same experiment again returns the stored
 * one; other content under a taken id is `experiment_exists`.
 */
export async function createExperiment(
  deps: EvaluationDeps,
  request: CreateExperimentRequest,
  ctx: RpcContext,
): Promise<StoredExperiment> {
  // The wire schema already checked the IR's rules; this fills the defaults in.
  const experiment = withDefaults('experiment', request.experiment);
  refuseInvalidPlan(experiment);
  const project = await deps.store.get(RECORD_SPECS.project, request.project_id);
  if (project === undefined) throw recordNotFound('project', request.project_id, '/project_id');
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
