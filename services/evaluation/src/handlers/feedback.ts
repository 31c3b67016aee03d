import {
  invalidArgument,
  type FeedbackBatch,
  type FeedbackEvent,
  type GetFeedbackSummaryReply,
  type GetFeedbackSummaryRequest,
  type IngestFeedbackReply,
  type ListFeedbackReply,
  type ListFeedbackRequest,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { ingestFeedback } from '../flows/ingest-feedback';
import { deploymentNotFound, modelVersionIdNotFound } from '../domain/lifecycle-errors';
import { pageOf } from '../domain/page-cursor';
import type { EvaluationDeps } from './deps';

/** Most feedback types a summary lists (maxItems of its by_type). */
const SUMMARY_TYPES = 100;

/** ingest_feedback: one batch, in one transaction (see ingestFeedback). */
export async function ingestFeedbackBatch(
  deps: EvaluationDeps,
  request: FeedbackBatch,
): Promise<IngestFeedbackReply> {
  return deps.store.transaction((trx) => ingestFeedback(deps, request, trx));
}

/** get_feedback_summary: the running totals of a deployment, or summed over a version's deployments. */
export async function getFeedbackSummary(
  deps: EvaluationDeps,
  request: GetFeedbackSummaryRequest,
): Promise<GetFeedbackSummaryReply> {
  if ((request.deployment_id === undefined) === (request.model_version_id === undefined)) {
    throw invalidArgument(
      '',
      'one_of_required',
      'give exactly one of deployment_id and model_version_id',
    );
  }
  let modelVersionId: string;
  let of: { deploymentId: string } | { modelVersionId: string };
  if (request.deployment_id !== undefined) {
    const deployment = await deps.lifecycle.deployment(request.deployment_id);
    if (deployment === undefined) throw deploymentNotFound(request.deployment_id, '/deployment_id');
    modelVersionId = deployment.model_version_id;
    of = { deploymentId: deployment.id };
  } else {
    const id = request.model_version_id ?? '';
    if ((await deps.registry.modelVersion({ versionId: id })) === undefined) {
      throw modelVersionIdNotFound(id, '/model_version_id');
    }
    modelVersionId = id;
    of = { modelVersionId: id };
  }
  const rows = await deps.feedback.totals(of, SUMMARY_TYPES + 1);
  const byType = rows.slice(0, SUMMARY_TYPES).map((row) => {
    const scored = Number(row.scored);
    return {
      feedback_type: row.feedback_type,
      events: Number(row.events),
      scored,
      mean_score: scored === 0 ? null : Number(row.score_sum) / scored,
    };
  });
  return {
    ...(request.deployment_id === undefined ? {} : { deployment_id: request.deployment_id }),
    model_version_id: modelVersionId,
    events: byType.reduce((sum, t) => sum + t.events, 0),
    by_type: byType,
    truncated: rows.length > SUMMARY_TYPES,
  };
}

export async function listFeedback(
  deps: EvaluationDeps,
  request: ListFeedbackRequest,
  ctx: RpcContext,
): Promise<ListFeedbackReply> {
  if ((await deps.lifecycle.deployment(request.deployment_id)) === undefined) {
    throw deploymentNotFound(request.deployment_id, '/deployment_id');
  }
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.feedback.list({
    deploymentId: request.deployment_id,
    feedbackType: request.feedback_type,
    afterSeq: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: (row) => ({
      event: row.event as unknown as FeedbackEvent,
      model_version_id: row.model_version_id,
      received_at: row.received_at.toISOString(),
    }),
    position: (row) => Number(row.seq),
  });
}
