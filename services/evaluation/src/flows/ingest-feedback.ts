import {
  invalidArgument,
  type FeedbackBatch,
  type FeedbackConfig,
  type IngestFeedbackReply,
} from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { withDefaults } from '@crucible/experiment-ir';
import { feedbackScore, sampledIn, storedFeedback } from '../domain/feedback-rules';
import {
  deploymentNotFound,
  feedbackDisabled,
  feedbackTypeNotCollected,
} from '../domain/lifecycle-errors';
import type { EvaluationDeps } from '../handlers/deps';
import type { NewFeedbackRow } from '../store/feedback-store';

/**
 * Ingests a batch of feedback on one deployment, in `trx`: the one path of
 * both ingest_feedback and the consumer of `evaluation_feedback.feedback_submitted`.
 * The whole batch is checked first (deployment known and collecting, each
 * event of it and of a collected type), so a refused batch writes nothing;
 * then sampling keeps the events whose id hashes under the deployment's
 * sampling_rate, one insert stores those not stored before, and the
 * deployment's totals move by what it stored.
 */
export async function ingestFeedback(
  deps: Pick<EvaluationDeps, 'lifecycle' | 'registry' | 'feedback'>,
  batch: FeedbackBatch,
  trx: Knex.Transaction,
): Promise<IngestFeedbackReply> {
  const deployment = await deps.lifecycle.deployment(batch.deployment_id, trx);
  if (deployment === undefined) throw deploymentNotFound(batch.deployment_id, '/deployment_id');
  const config = deployment.feedback as unknown as FeedbackConfig;
  if (config.enabled !== true) throw feedbackDisabled(deployment.id, '/deployment_id');
  const version = await deps.registry.modelVersion({ versionId: deployment.model_version_id }, trx);
  if (version === undefined) throw new Error(`deployment ${deployment.id} has no model version`);
  const collected = config.feedback_types ?? [];
  const events = batch.events.map((raw, i) => {
    const event = withDefaults('feedback_event', raw);
    if (event.deployment_id !== undefined && event.deployment_id !== deployment.id) {
      throw invalidArgument(
        `/events/${i}/deployment_id`,
        'deployment_mismatch',
        `event ${event.id} is on deployment ${event.deployment_id}, not ${deployment.id}`,
      );
    }
    if (event.model_version !== undefined && event.model_version !== version.version) {
      throw invalidArgument(
        `/events/${i}/model_version`,
        'model_version_mismatch',
        `deployment ${deployment.id} serves version ${version.version}, not ${event.model_version}`,
      );
    }
    const type = event.feedback_type ?? 'thumbs';
    if (!collected.includes(type)) {
      throw feedbackTypeNotCollected(type, collected, `/events/${i}/feedback_type`);
    }
    return event;
  });
  const rate = config.sampling_rate ?? 1;
  const kept = events.filter((event) => sampledIn(deployment.id, event.id, rate));
  const rows: NewFeedbackRow[] = kept.map((event) => ({
    deployment_id: deployment.id,
    event_id: event.id,
    model_version_id: deployment.model_version_id,
    feedback_type: event.feedback_type ?? 'thumbs',
    score: feedbackScore(event),
    event: storedFeedback(event, {
      deploymentId: deployment.id,
      version: version.version,
      config,
    }) as unknown as Record<string, unknown>,
  }));
  const stored = await deps.feedback.insertNew(rows, trx);
  const totals = new Map<string, { events: number; scored: number; score_sum: number }>();
  for (const row of stored) {
    const total = totals.get(row.feedback_type) ?? { events: 0, scored: 0, score_sum: 0 };
    total.events += 1;
    if (row.score !== null) {
      total.scored += 1;
      total.score_sum += Number(row.score);
    }
    totals.set(row.feedback_type, total);
  }
  await deps.feedback.addTotals(
    [...totals].map(([feedbackType, total]) => ({
      deployment_id: deployment.id,
      feedback_type: feedbackType,
      model_version_id: deployment.model_version_id,
      ...total,
    })),
    trx,
  );
  return {
    deployment_id: deployment.id,
    model_version_id: deployment.model_version_id,
    received: events.length,
    stored: stored.length,
    duplicates: kept.length - stored.length,
    sampled_out: events.length - kept.length,
  };
}
