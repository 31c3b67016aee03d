import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import type { Logger } from '@crucible/telemetry';
import type { Headers } from '../bus/bus';
import type {
  ConsumerHandle,
  EventLog,
  LogRecord,
  RecordHandler,
  SubscribeOptions,
} from './event-log';

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
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly options: KafkaEventLogOptions) {
    const log = options.logger;
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

  async publish(topic: string, records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connectedProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: Buffer.from(r.value),
        headers: { ...r.headers },
      })),
    });
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<ConsumerHandle> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      // Fast rebalances for a small cluster; defaults wait up to 30 s.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // stop() waits for the fetch in flight, and an idle fetch is held by the
      // broker this long (default 5 s): keep it short so shutdown is prompt.
      // New records still arrive at once; an idle consumer fetches once a second.
      maxWaitTimeInMs: 1_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    // Tracked from the start, and disconnected if subscribing fails (e.g. a
    // topic that does not exist): a connected consumer left behind keeps its
    // sockets open, and the process with them.
    this.consumers.add(consumer);
    try {
      await this.startConsumer(consumer, options, handler);
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  private async startConsumer(
    consumer: Consumer,
    options: SubscribeOptions,
    handler: RecordHandler,
  ): Promise<void> {
    await consumer.connect();
    for (const topic of options.topics) {
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
    }
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        await handler({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers: fromKafkaHeaders(message.headers),
        });
      },
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
    this.producerReady = undefined;
  }

  private connectedProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
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

function fromKafkaHeaders(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k.toLowerCase()] = first.toString();
  }
  return out;
}
