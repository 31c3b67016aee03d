import type { Consumer, ConsumerConfig, IHeaders, Kafka } from 'kafkajs';
import type { Logger } from '@crucible/telemetry';
import type { Headers } from '../bus/bus';
import type { ConsumerHealth, RecordHandler, SubscribeOptions } from './event-log';

/** Pause before the first restart after a crash; doubles with each crash in a row, up to the cap. */
const RESTART_BACKOFF_MS = 500;
const RESTART_BACKOFF_MAX_MS = 30_000;

/**
 * One subscription that does not die: a kafkajs consumer that crashes is
 * replaced by a new one after a backoff, whatever the error. kafkajs's own
 * restarts are switched off (see the consumer's `retry` in KafkaEventLog):
 * after a non-retriable error (seen: `KafkaJSNonRetriableError: Failed to
 * find group coordinator` after a broker restart) it left the consumer
 * stopped for good, and its restart timer after a retriable one outlived
 * disconnect(). Here every restart is one timer, which stop() clears.
 */
export class SupervisedConsumer {
  private consumer: Consumer | undefined;
  private state: ConsumerHealth['state'] = 'starting';
  private restarts = 0;
  private crashesInARow = 0;
  private lastError: string | null = null;
  private readonly lagByPartition = new Map<string, number>();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerConfig,
    private readonly options: SubscribeOptions,
    private readonly handler: RecordHandler,
    private readonly logger: Logger,
  ) {}

  /** Starts the first consumer; rejects (after disconnecting it) when that fails, e.g. a missing topic. */
  async start(): Promise<void> {
    await this.runConsumer();
  }

  /** Stops restarting, then disconnects the consumer (waiting for the record in hand). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
  }

  health(): ConsumerHealth {
    const lags = [...this.lagByPartition.values()];
    return {
      state: this.state,
      lag: lags.length === 0 ? null : lags.reduce((sum, lag) => sum + lag, 0),
      restarts: this.restarts,
      lastError: this.lastError,
    };
  }

  private async runConsumer(): Promise<void> {
    const consumer = this.kafka.consumer(this.config);
    this.consumer = consumer;
    const current = () => this.consumer === consumer && !this.stopped;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (!current()) return;
      this.state = 'running';
      // Back in its group: the next crash starts from the shortest backoff
      // (an idle consumer finishes no batch that would reset it).
      this.crashesInARow = 0;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (!current()) return;
      this.crashesInARow = 0;
      this.lagByPartition.set(`${payload.topic}:${payload.partition}`, Number(payload.offsetLag));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.restarts += 1;
      this.lastError = payload.error.message;
      this.state = 'restarting';
      this.logger.error('event consumer crashed; restarting', {
        group: this.options.groupId,
        error: payload.error,
      });
      // kafkajs is configured never to restart a consumer (restartOnFailure),
      // so every crash, retriable or not, is replaced here.
      this.scheduleRestart();
    });
    try {
      await consumer.connect();
      for (const topic of this.options.topics) {
        await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
      }
      await consumer.run({
        autoCommit: true,
        eachMessage: async ({ topic, partition, message }) => {
          await this.handler({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? '',
            value: message.value ?? Buffer.alloc(0),
            headers: fromKafkaHeaders(message.headers),
          });
        },
      });
    } catch (error) {
      // A connected consumer left behind keeps its sockets, and the process, open.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    // stop() came while this one was starting: it disconnected the old one only.
    if (this.stopped) await consumer.disconnect().catch(() => undefined);
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = Math.min(RESTART_BACKOFF_MS * 2 ** this.crashesInARow, RESTART_BACKOFF_MAX_MS);
    this.crashesInARow += 1;
    this.state = 'restarting';
    this.restartTimer = setTimeout(() => {
      void (async () => {
        await this.consumer?.disconnect().catch(() => undefined);
        if (this.stopped) return;
        try {
          await this.runConsumer();
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.logger.warn('event consumer could not start again; will retry', {
            group: this.options.groupId,
            error,
          });
          this.scheduleRestart();
        }
      })();
    }, delay);
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
