import { context } from '@opentelemetry/api';
import { streamTopic, type Catalog, type EventEnvelope, type EventType } from '@crucible/contracts';
import type { Knex } from 'knex';
import type { ServiceDb } from '@crucible/database';
import type { Headers } from '../bus/bus';
import { injectTrace } from '../rpc/headers';

/** Name of the outbox table in every producing service's schema (see docs/messaging.md for its DDL). */
export const OUTBOX_TABLE = 'outbox';

/** A row of the outbox, ready to insert. JSON columns are pre-serialized. */
export interface OutboxRow {
  event_id: string;
  topic: string;
  key: string;
  envelope: string;
  headers: string;
}

/**
 * The outbox row for an event: its topic (from the event's stream), and the
 * W3C trace context of the current request, so the relay can continue the
 * trace when it produces the event long after the request ended.
 */
export function outboxRow(
  catalog: Catalog,
  prefix: string,
  event: Omit<EventEnvelope, 'data'> & { data: object },
): OutboxRow {
  const { stream } = catalog.event(event.type as EventType);
  const headers: Headers = {};
  injectTrace(headers, context.active());
  return {
    event_id: event.event_id,
    topic: streamTopic(prefix, stream),
    key: event.key,
    envelope: JSON.stringify(event),
    headers: JSON.stringify(headers),
  };
}

/** Inserts events into the service's outbox inside the caller's transaction. */
export async function enqueueEvents(
  db: ServiceDb,
  trx: Knex.Transaction,
  rows: OutboxRow[],
): Promise<void> {
  if (rows.length > 0) await db.table(OUTBOX_TABLE, trx).insert(rows);
}
