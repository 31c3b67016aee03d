import type { EventConsumer } from '@crucible/messaging';
import type { ServiceCore } from '@crucible/runtime';
import { ingestFeedback } from '../flows/ingest-feedback';
import type { EvaluationDeps } from '../handlers/deps';

/**
 * Ingests the feedback the collecting tools publish as
 * `evaluation_feedback.feedback_submitted` on a stream of its own (a batch
 * per record, so one transaction and one insert per batch at high volume),
 * exactly as ingest_feedback does. A record is applied once
 * (processed_events, in the same transaction), and an event id stored
 * before is not stored again, so neither a redelivery nor the same feedback
 * sent both ways is counted twice. A batch refused (unknown deployment,
 * collection off, a bad event) is dead-lettered on its own stream.
 *
 * The deprecated `evaluation.feedback_submitted`, on the evaluation stream,
 * is still ingested the same way: batches published there before an upgrade,
 * and by collectors not moved yet, are not lost (the consumer group keeps
 * its position on that topic), and dedupe by event id holds across both.
 */
export function feedbackStreamConsumer(
  core: ServiceCore,
  deps: Pick<EvaluationDeps, 'lifecycle' | 'registry' | 'feedback'>,
): EventConsumer {
  return core
    .consumer('feedback_ingest')
    .on('evaluation_feedback.feedback_submitted', async (event, trx) => {
      await ingestFeedback(deps, event.data, trx);
    })
    .on('evaluation.feedback_submitted', async (event, trx) => {
      await ingestFeedback(deps, event.data, trx);
    });
}
