import { SpanKind } from '@opentelemetry/api';
import {
  assertValid,
  EVENT_UPGRADES,
  isCrucibleError,
  consumerGroup,
  deadLetterTopic,
  streamTopic,
  type Catalog,
  type CrucibleError,
  type EventEnvelope,
  type EventType,
} from '@crucible/contracts';
import type { Knex } from 'knex';
import {
  ATTR_MESSAGING_MESSAGE_ID,
  messagingAttributes,
  messagingSpanName,
  recordSpanError,
  type Logger,
  type MessagingSpanFacts,
} from '@crucible/telemetry';
import { extractTrace } from '../rpc/headers';
import {
  EVENT_TYPE_HEADER,
  type ConsumedRecord,
  type ConsumerHandle,
  type EventLog,
} from './event-log';
import type { PartReadiness } from '../rpc/readiness';
import type { TypedEnvelope } from './envelope';
import type { Outbox } from './outbox';
import { upgradeEventData, type EventUpgrades } from './upgrades';
import { messagingTracer } from '../tracer';

/** Table in every service's schema (made by this lib's migrations) remembering which events each consumer applied. */
export const PROCESSED_EVENTS_TABLE = 'processed_events';

export type EventHandler<T extends EventType> = (
  event: TypedEnvelope<T>,
  trx: Knex.Transaction,
) => Promise<void>;

export interface EventConsumerOptions {
  /** Consumer name, unique within its service (part of the consumer group). */
  name: string;
  service: string;
  prefix: string;
  catalog: Catalog;
  eventLog: EventLog;
  /**
   * The service's outbox: each event is applied in one of its transactions,
   * which also records the event id, so events the handler writes leave
   * once it commits.
   */
  outbox: Outbox;
  logger: Logger;
  upgrades?: EventUpgrades;
  /**
   * Attempts of a handler refusing an event (a non-retryable CrucibleError) before the event
   * is dead-lettered; other failures are retried with backoff until they succeed.
   */
  maxAttempts?: number;
  /**
   * Records it may be behind before it says it is not ready (default 1000):
   * a service whose projection lags this far answers readiness 503.
   */
  maxLag?: number;
}

/** Default of `EventConsumerOptions.maxLag`. */
export const DEFAULT_MAX_CONSUMER_LAG = 1000;

/** Why a record went to the dead-letter topic. */
export type DeadLetterReason =
  'malformed_json' | 'invalid_envelope' | 'unsupported_version' | 'invalid_data' | 'handler_failed';

function isDeterministicRefusal(error: unknown): error is CrucibleError {
  return isCrucibleError(error) && !error.retryable && error.code !== 'internal';
}

class DeadLetter extends Error {
  constructor(
    readonly reason: DeadLetterReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Consumes events of some types, applying each at most once: the handler runs
 * in a transaction that also inserts (consumer, event_id) into
 * processed_events, so a redelivered event finds its id and is skipped. A
 * record that cannot be processed (bad JSON, bad envelope, unknown version, bad
 * data, a handler that keeps failing) goes to the stream's dead-letter topic
 * with the reason; nothing is dropped silently.
 *
 * A record whose EVENT_TYPE_HEADER names a type this consumer has no handler
 * for is passed over before anything is decoded or a span made: it is
 * another consumer's to apply (and to dead-letter if it is bad), e.g. each
 * turn's turn_committed for a projection of world_created and world_deleted.
 * A record without the header (no relay writes one) is decoded and judged by
 * its envelope.
 */
export class EventConsumer {
  private readonly handlers = new Map<EventType, EventHandler<EventType>>();
  private readonly attempts = new Map<string, number>();
  private handle: ConsumerHandle | undefined;

  constructor(private readonly options: EventConsumerOptions) {}

  on<T extends EventType>(type: T, handler: EventHandler<T>): this {
    this.options.catalog.event(type);
    this.handlers.set(type, handler as unknown as EventHandler<EventType>);
    return this;
  }

  /** Topics this consumer reads (and the dead-letter topics it may write). */
  topics(): { source: string[]; deadLetter: string[] } {
    const streams = [
      ...new Set([...this.handlers.keys()].map((t) => this.options.catalog.event(t).stream)),
    ];
    return {
      source: streams.map((s) => streamTopic(this.options.prefix, s)),
      deadLetter: streams.map((s) => deadLetterTopic(this.options.prefix, s)),
    };
  }

  async start(): Promise<void> {
    const { eventLog, prefix, service, name } = this.options;
    const { source, deadLetter } = this.topics();
    await eventLog.ensureTopics([...source, ...deadLetter]);
    this.handle = await eventLog.subscribe(
      { groupId: consumerGroup(prefix, service, name), topics: source, fromBeginning: true },
      (record) => this.process(record),
    );
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }

  /**
   * Ready while its subscription runs (not crashed and restarting, not
   * stopped) and it is at most `maxLag` records behind; the lag and the
   * restarts are reported either way.
   */
  readiness(): PartReadiness {
    const health = this.handle?.health();
    const maxLag = this.options.maxLag ?? DEFAULT_MAX_CONSUMER_LAG;
    const state = health?.state ?? 'stopped';
    const lag = health?.lag ?? null;
    return {
      name: `consumer ${this.options.name}`,
      ready: state === 'running' && (lag ?? 0) <= maxLag,
      state,
      lag,
      max_lag: maxLag,
      restarts: health?.restarts ?? 0,
      last_error: health?.lastError ?? null,
    };
  }

  /** Handles one record; rejects only when the log should deliver it again. */
  async process(record: ConsumedRecord): Promise<void> {
    const type = record.headers[EVENT_TYPE_HEADER];
    if (type !== undefined && !this.handlers.has(type as EventType)) return;
    const parent = extractTrace(record.headers);
    const facts: MessagingSpanFacts = {
      system: 'kafka',
      operationType: 'process',
      operationName: 'process',
      destination: record.topic,
      consumerGroup: consumerGroup(this.options.prefix, this.options.service, this.options.name),
      partition: record.partition,
      kafkaKey: record.key,
      kafkaOffset: Number(record.offset),
    };
    await messagingTracer().startActiveSpan(
      messagingSpanName(facts),
      { kind: SpanKind.CONSUMER, attributes: messagingAttributes(facts) },
      parent,
      async (span) => {
        try {
          const event = this.decode(record);
          if (!event) return; // a type this consumer does not handle
          span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, event.event_id);
          span.setAttribute('crucible.event.type', event.type);
          await this.apply(event);
        } catch (error) {
          if (error instanceof DeadLetter) {
            span.setAttribute('crucible.dead_letter.reason', error.reason);
            await this.deadLetter(record, error.reason, error.message);
            return;
          }
          // Rejected: the log delivers the record again.
          recordSpanError(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private decode(record: ConsumedRecord): TypedEnvelope<EventType> | null {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(record.value).toString('utf8'));
    } catch (error) {
      throw new DeadLetter('malformed_json', (error as Error).message);
    }
    const { catalog } = this.options;
    try {
      assertValid(catalog.registry, 'events/envelope.v1.json', raw);
    } catch (error) {
      throw new DeadLetter('invalid_envelope', (error as Error).message);
    }
    const envelope = raw as EventEnvelope;
    if (!catalog.isEventType(envelope.type) || !this.handlers.has(envelope.type)) return null;
    const spec = catalog.event(envelope.type);
    const schema = spec.versions.get(envelope.schema_version);
    if (envelope.schema_version > spec.latestVersion || schema === undefined) {
      throw new DeadLetter(
        'unsupported_version',
        `${envelope.type} v${envelope.schema_version} is not known here (latest ${spec.latestVersion})`,
      );
    }
    try {
      assertValid(catalog.registry, schema, envelope.data);
    } catch (error) {
      throw new DeadLetter('invalid_data', (error as Error).message);
    }
    const data = upgradeEventData(
      // The catalog's own steps, and any a consumer adds (tests, migrations in flight).
      { ...EVENT_UPGRADES, ...this.options.upgrades },
      envelope.type,
      envelope.schema_version,
      spec.latestVersion,
      envelope.data,
    );
    if (data === undefined) {
      throw new DeadLetter(
        'unsupported_version',
        `no upgrade for ${envelope.type} v${envelope.schema_version}`,
      );
    }
    if (envelope.schema_version !== spec.latestVersion) {
      try {
        assertValid(catalog.registry, spec.versions.get(spec.latestVersion) ?? '', data);
      } catch (error) {
        throw new DeadLetter(
          'invalid_data',
          `upgraded data is invalid: ${(error as Error).message}`,
        );
      }
    }
    return {
      ...envelope,
      type: envelope.type,
      schema_version: spec.latestVersion,
      data,
    } as TypedEnvelope<EventType>;
  }

  private async apply(event: TypedEnvelope<EventType>): Promise<void> {
    const handler = this.handlers.get(event.type);
    if (!handler) return;
    const { outbox, name } = this.options;
    try {
      await outbox.transaction(async (trx) => {
        const inserted = (await outbox.db
          .table(PROCESSED_EVENTS_TABLE, trx)
          .insert({ consumer: name, event_id: event.event_id })
          .onConflict(['consumer', 'event_id'])
          .ignore()
          .returning('event_id')) as unknown[];
        if (inserted.length === 0) return; // applied before: a redelivery
        await handler(event, trx);
      });
      this.attempts.delete(event.event_id);
    } catch (error) {
      const attempts = (this.attempts.get(event.event_id) ?? 0) + 1;
      this.attempts.set(event.event_id, attempts);
      const max = this.options.maxAttempts ?? 5;
      this.options.logger.warn('event handler failed', {
        consumer: name,
        event_id: event.event_id,
        type: event.type,
        attempts,
        error,
      });
      // Only a deterministic refusal (a non-retryable CrucibleError other than
      // `internal`) is dead-lettered: retrying cannot change it. Anything else
      // (a database outage, an unavailable service, a bug) is retried until it
      // succeeds, so an outage never parks good events on the DLQ.
      if (isDeterministicRefusal(error) && attempts >= max) {
        this.attempts.delete(event.event_id);
        throw new DeadLetter('handler_failed', `${error.code}: ${error.message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempts, 5000)));
      throw error;
    }
  }

  private async deadLetter(
    record: ConsumedRecord,
    reason: DeadLetterReason,
    message: string,
  ): Promise<void> {
    const { catalog, prefix, eventLog, logger, name, service } = this.options;
    const stream = catalog.streams.find((s) => streamTopic(prefix, s) === record.topic);
    if (stream === undefined) throw new Error(`no stream for topic ${record.topic}`);
    const value = Buffer.from(record.value);
    const text = value.toString('utf8');
    const body = {
      reason,
      message,
      consumer: `${service}.${name}`,
      source_topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      failed_at: new Date().toISOString(),
      headers: record.headers,
      value: Buffer.from(text, 'utf8').equals(value) ? text : null,
      value_base64: value.toString('base64'),
    };
    logger.warn('event dead-lettered', {
      reason,
      message,
      topic: record.topic,
      offset: record.offset,
    });
    await eventLog.publish(deadLetterTopic(prefix, stream), [
      {
        key: record.key,
        value: Buffer.from(JSON.stringify(body)),
        headers: { 'crucible-dead-letter-reason': reason },
      },
    ]);
  }
}
