import { randomUUID } from 'node:crypto';
import {
  assertValid,
  type Catalog,
  type EventDataOf,
  type EventEnvelope,
  type EventType,
} from '@crucible/contracts';

export interface EventMeta {
  /** The producing service. */
  source: string;
  /** Partitioning key: the id of what the event is about. */
  key: string;
  causationId?: string | null;
  correlationId?: string | null;
  /** For tests and replays; defaults to now. */
  occurredAt?: Date;
}

/** An envelope whose data is typed by its event type. */
export type TypedEnvelope<T extends EventType> = Omit<EventEnvelope, 'type' | 'data'> & {
  type: T;
  data: EventDataOf<T>;
};

/**
 * Builds an event at the latest schema version of its type, checked against
 * the envelope schema and the data schema (a bad event never reaches the outbox).
 */
export function buildEvent<T extends EventType>(
  catalog: Catalog,
  type: T,
  data: EventDataOf<T>,
  meta: EventMeta,
): TypedEnvelope<T> {
  const spec = catalog.event(type);
  const envelope: TypedEnvelope<T> = {
    event_id: randomUUID(),
    type,
    schema_version: spec.latestVersion,
    occurred_at: (meta.occurredAt ?? new Date()).toISOString(),
    source: meta.source,
    key: meta.key,
    causation_id: meta.causationId ?? null,
    correlation_id: meta.correlationId ?? null,
    data,
  };
  assertValid(catalog.registry, 'events/envelope.v1.json', envelope);
  const schema = spec.versions.get(spec.latestVersion);
  if (schema === undefined) throw new Error(`no schema for ${type} v${spec.latestVersion}`);
  assertValid(catalog.registry, schema, data);
  return envelope;
}
