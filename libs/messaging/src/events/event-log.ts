import type { Headers } from '../bus/bus';

/** One record to append to a topic. */
export interface LogRecord {
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Headers;
}

/** Records for one topic, in the order they are appended. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly LogRecord[];
}

/** Header the outbox relay sets to each record's event type (docs/messaging.md, "Envelope"). */
export const EVENT_TYPE_HEADER = 'crucible-event-type';

/** One record as a consumer sees it. */
export interface ConsumedRecord extends LogRecord {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
}

export interface SubscribeOptions {
  /** Consumers sharing a group share the records; each group sees every record. */
  groupId: string;
  topics: string[];
  /** Where a group with no committed position starts. Default true. */
  fromBeginning?: boolean;
}

/**
 * Resolving marks the record done (its offset may be committed); rejecting
 * makes the log deliver it again later. Records of one partition are handled
 * one at a time, in order.
 */
export type RecordHandler = (record: ConsumedRecord) => Promise<void>;

/** How a subscription is doing, for readiness and operators. */
export interface ConsumerHealth {
  /**
   * `starting` until it has joined its group, `running` in it, `restarting`
   * after a crash (it starts again after a backoff, whatever the error),
   * `stopped` once stopped.
   */
  readonly state: 'starting' | 'running' | 'restarting' | 'stopped';
  /** Records after its position, summed over the partitions it reads (null: not measured yet). */
  readonly lag: number | null;
  /** Crashes since it started. */
  readonly restarts: number;
  /** The last crash's error message, if any. */
  readonly lastError: string | null;
}

export interface ConsumerHandle {
  /** Stops fetching, waits for the record in hand, commits, leaves the group. */
  stop(): Promise<void>;
  health(): ConsumerHealth;
}

/**
 * An append-only, partitioned log with consumer groups. Implemented on Kafka
 * (`KafkaEventLog`) and on Postgres tables for the embedded default
 * (`EmbeddedEventLog`); both pass the same contract tests.
 */
export interface EventLog {
  /** Creates missing topics (consumers cannot subscribe to a topic that does not exist yet). */
  ensureTopics(topics: string[]): Promise<void>;
  /** Appends records in order; resolves once they are durably stored. */
  publish(topic: string, records: LogRecord[]): Promise<void>;
  /**
   * Appends each topic's records in order, several topics in one request
   * (Kafka: one produce request per broker; embedded: one transaction);
   * resolves once all are durably stored. Not atomic across topics on
   * Kafka: a failure may leave some topics appended, and a retry appends
   * them again (at least once, as the relay promises).
   */
  publishAll(batches: readonly TopicRecords[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<ConsumerHandle>;
  close(): Promise<void>;
}
