import { Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import type { Logger } from '@crucible/telemetry';
import type {
  ConsumerHandle,
  EventLog,
  LogRecord,
  RecordHandler,
  SubscribeOptions,
  TopicRecords,
} from './event-log';
import { SupervisedConsumer } from './kafka-consumer';
import { patchKafkajsIdleTimers } from './kafkajs-idle-timers';

export interface KafkaEventLogOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partitions of topics this log creates. */
  partitions?: number;
}

/** The event log on Apache Kafka through kafkajs: an idempotent producer with acks from all replicas. */
export class KafkaEventLog implements EventLog {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private producerReady: Promise<Producer> | undefined;
  private readonly consumers = new Set<SupervisedConsumer>();

  constructor(private readonly options: KafkaEventLogOptions) {
    const log = options.logger;
    // kafkajs's idle connections would otherwise each run a 1 ms timer loop (kafkajs-idle-timers.ts).
    const patched = patchKafkajsIdleTimers();
    if (patched !== 'applied') log.warn('kafkajs idle timer fix not applied', { reason: patched });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const fields = { namespace: entry.namespace, ...entry.log };
        if (entry.level <= logLevel.ERROR) log.error(entry.log.message, fields);
        else log.warn(entry.log.message, fields);
      },
      retry: { retries: 8, initialRetryTime: 200 },
    });
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [...new Set(topics)].filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 1 })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  publish(topic: string, records: LogRecord[]): Promise<void> {
    return this.publishAll([{ topic, records }]);
  }

  async publishAll(batches: readonly TopicRecords[]): Promise<void> {
    // One entry a topic (a topic given twice keeps its records' order).
    const byTopic = new Map<string, Message[]>();
    for (const { topic, records } of batches) {
      if (records.length === 0) continue;
      const messages = byTopic.get(topic) ?? [];
      for (const r of records) {
        // A view of the caller's bytes, not a copy (kafkajs copies them into its request).
        const value = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        messages.push({ key: r.key, value, headers: { ...r.headers } });
      }
      byTopic.set(topic, messages);
    }
    if (byTopic.size === 0) return;
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const producer = await this.connectedProducer();
    try {
      await producer.sendBatch({ acks: -1, topicMessages });
    } catch (error) {
      this.discardProducer(producer);
      throw error;
    }
  }

  /**
   * Drops a producer whose send failed, so the next publish connects a new
   * one. An idempotent producer keeps its producer id, sequence numbers and
   * connections across a broker restart; a broker killed and started again
   * may no longer accept them (its coordinator still loading, its producer
   * state lost), and a producer that once failed that way was seen to fail
   * every later send (test/faults/kafka-restarts). A new producer asks for
   * a new id. The relay retries the batch with it: at least once, as before,
   * and consumers drop a duplicate by event id.
   */
  private discardProducer(producer: Producer): void {
    if (this.producer !== producer) return;
    this.producer = undefined;
    this.producerReady = undefined;
    void producer.disconnect().catch((error: unknown) => {
      this.options.logger.warn('disconnecting a failed Kafka producer failed', { error });
    });
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<ConsumerHandle> {
    const consumer = new SupervisedConsumer(
      this.kafka,
      {
        groupId: options.groupId,
        // Fast rebalances for a small cluster; defaults wait up to 30 s.
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        // stop() waits for the fetch in flight, and an idle fetch is held by the
        // broker this long (default 5 s): keep it short so shutdown is prompt.
        // New records still arrive at once; an idle consumer fetches once a second.
        maxWaitTimeInMs: 1_000,
        // kafkajs retries a failing request a bounded number of times, then
        // crashes the consumer; it never restarts one itself. Its own restart
        // timer, and an unbounded retry loop, outlive disconnect() (kafkajs
        // issue #1147): a stopped service kept reconnecting to a broker that
        // was gone, and its process never exited. SupervisedConsumer restarts
        // it instead, on a timer that stop() clears.
        retry: {
          retries: 8,
          initialRetryTime: 200,
          maxRetryTime: 5_000,
          restartOnFailure: () => Promise.resolve(false),
        },
      },
      options,
      handler,
      this.options.logger,
    );
    // Tracked from the start, and stopped if subscribing fails (e.g. a
    // topic that does not exist): see SupervisedConsumer.start.
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.stop().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
      health: () => consumer.health(),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
    this.producerReady = undefined;
  }

  private connectedProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // A send gives up within about ten seconds; the relay then retries
        // with a new producer (discardProducer) instead of one waiting out
        // minutes of backoff against a broker that has changed under it.
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.producerReady = undefined;
      throw error;
    });
    return this.producerReady;
  }
}
