import { randomUUID } from 'node:crypto';
import {
  assertValid,
  defaultCatalog,
  type EventEnvelope,
  type EventType,
  type OperationName,
} from '@crucible/contracts';
import type { PlatformStack } from '../platform/stack';
import type { StreamRecord } from '../support';

/** The event streams of the catalog. */
export type StreamName =
  | 'components'
  | 'scenarios'
  | 'names'
  | 'worlds'
  | 'worlds_audit'
  | 'evaluation'
  | 'evaluation_feedback'
  | 'governance';

/** An event read from its stream's topic, checked (see `checkRecord`). */
export interface SeenEvent {
  readonly record: StreamRecord;
  readonly envelope: EventEnvelope & { data: any };
}

/** An operation called through the gateway, with the request id it was sent with. */
export interface Call {
  readonly status: number;
  readonly body: any;
  /** Sent as X-Request-Id: the causation id of the events the call writes. */
  readonly requestId: string;
}

export interface EventTestContext {
  readonly stack: PlatformStack;
  /** Calls an operation through `POST /v1/ops/{operation}` with a fresh X-Request-Id. */
  call(operation: OperationName, request: unknown): Promise<Call>;
  /** Like `call`, but fails the test unless the call succeeded. */
  ok(operation: OperationName, request: unknown): Promise<Call>;
  /**
   * The events of `stream` that `pick` accepts, in stream order, once every
   * write committed before this call has been read: a barrier write goes
   * through the same service, and its event comes after all earlier ones
   * (one partition, published in commit order). Every event returned has
   * been checked; their types count as covered by the running test.
   */
  events(stream: StreamName, pick: (event: SeenEvent) => boolean): Promise<SeenEvent[]>;
}

/**
 * One test of one catalog event type. Event tests are written only as
 * entries of `EVENT_TESTS` (test/events/event-tests.ts): the runner makes
 * each a jest test and fails it unless it read, through `ctx.events`, at
 * least one event of its type, and the catalog meta-test fails for a
 * catalog type with no entry. So a type counts as covered only by a test
 * that ran and saw its events.
 */
export interface EventTest {
  readonly type: EventType;
  readonly title: string;
  run(ctx: EventTestContext): Promise<void>;
}

const catalog = defaultCatalog();

/**
 * Checks one record of `stream`'s topic: a JSON envelope valid against the
 * envelope schema, a type of that stream, data valid against its version's
 * schema, produced by the stream's service (the one the catalog says owns
 * it), the record's key the envelope's,
 * and the event id and type in the headers. (The trace context in the
 * headers is test/components/trace.test.ts's subject: without a tracer, as
 * here, there is none to carry.)
 */
export function checkRecord(stream: StreamName, record: StreamRecord): SeenEvent {
  const where = `${record.topic}@${record.partition}:${record.offset}`;
  assertValid(catalog.registry, 'events/envelope.v1.json', record.json);
  const envelope = record.json as EventEnvelope;
  if (!catalog.isEventType(envelope.type))
    throw new Error(`${where}: unknown type ${envelope.type}`);
  const spec = catalog.event(envelope.type);
  const schema = spec.versions.get(envelope.schema_version);
  if (spec.stream !== stream || schema === undefined)
    throw new Error(`${where}: ${envelope.type} v${envelope.schema_version} on stream ${stream}`);
  assertValid(catalog.registry, schema, envelope.data);
  expect({
    source: envelope.source,
    key: record.key,
    eventId: record.headers['crucible-event-id'],
    type: record.headers['crucible-event-type'],
  }).toEqual({
    source: catalog.streamService(stream),
    key: envelope.key,
    eventId: envelope.event_id,
    type: envelope.type,
  });
  return { record, envelope };
}

/** A fresh request id: the gateway passes a caller's X-Request-Id on as the request id. */
export function requestId(): string {
  return `evt-${randomUUID()}`;
}
