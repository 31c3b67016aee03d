import type { ModelRegistryChangedV1, RecordCreatedV1 } from '@crucible/contracts';
import type { OutboxRow, RpcContext } from '@crucible/messaging';
import type { EvaluationDeps } from '../handlers/deps';

/**
 * The event of a created (`evaluation.record_created`) or changed
 * (`evaluation.record_updated`) record; keyed by `<kind>/<id>`, so one
 * record's events stay in order.
 */
export function recordEvent(
  deps: Pick<EvaluationDeps, 'events'>,
  ctx: Pick<RpcContext, 'requestId' | 'correlationId'>,
  change: 'created' | 'updated',
  data: RecordCreatedV1,
): OutboxRow {
  return deps.events.event(`evaluation.record_${change}`, data, {
    key: `${data.entity}/${data.id}`,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
  });
}

/** The `evaluation.model_registry_changed` event of a registry write (key: the model id). */
export function registryEvent(
  deps: EvaluationDeps,
  ctx: RpcContext,
  data: ModelRegistryChangedV1,
  occurredAt?: Date,
): OutboxRow {
  return deps.events.event('evaluation.model_registry_changed', data, {
    key: data.model_id,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt,
  });
}
