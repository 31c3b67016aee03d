import type { ModelRegistryChangedV3, RecordCreatedV2 } from '@crucible/contracts';
import type { OutboxRow, RpcContext } from '@crucible/messaging';
import type { EvaluationDeps } from '../handlers/deps';

/**
 * The event of a created (`evaluation.record_created`) or changed
 * (`evaluation.record_updated`) record; keyed by `<kind>/<id>`, so one
 * record's events stay in order. Its actor is the request's principal.
 */
export function recordEvent(
  deps: Pick<EvaluationDeps, 'events'>,
  ctx: Pick<RpcContext, 'requestId' | 'correlationId'> & Partial<Pick<RpcContext, 'principal'>>,
  change: 'created' | 'updated',
  data: Omit<RecordCreatedV2, 'actor'>,
): OutboxRow {
  return deps.events.event(`evaluation.record_${change}`, withActor(data, ctx), {
    key: `${data.entity}/${data.id}`,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
  });
}

/** The `evaluation.model_registry_changed` event of a registry write (key: the model id; actor: the principal). */
export function registryEvent(
  deps: EvaluationDeps,
  ctx: RpcContext,
  data: Omit<ModelRegistryChangedV3, 'actor'>,
  occurredAt?: Date,
): OutboxRow {
  return deps.events.event('evaluation.model_registry_changed', withActor(data, ctx), {
    key: data.model_id,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt,
  });
}

/**
 * The event's data with the request's principal as its actor (docs/security.md);
 * null for work no outside caller asked for just now (the run worker's).
 */
export function withActor<T extends object>(
  data: T,
  ctx: Partial<Pick<RpcContext, 'principal'>>,
): T & { actor: string | null } {
  return { ...data, actor: ctx.principal ?? null };
}
