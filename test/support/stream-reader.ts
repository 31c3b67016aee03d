import { randomBytes } from 'node:crypto';
import type { EventLog } from '@crucible/messaging';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

/** One record as read from a stream's topic, with its value parsed when it is JSON. */
export interface StreamRecord {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition (decimal string: Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The value as UTF-8 text. */
  readonly text: string;
  /** The value parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Records of some topics, collected from the beginning as they arrive. */
export interface StreamReader {
  /** Everything read so far, in arrival order (per partition: offset order). */
  records(): readonly StreamRecord[];
  /**
   * Resolves with the first record `pick` accepts, waiting up to `timeoutMs`
   * (default 30 s) for it; rejects naming `what` if none arrives in time.
   */
  waitFor(
    what: string,
    pick: (record: StreamRecord) => boolean,
    timeoutMs?: number,
  ): Promise<StreamRecord>;
  stop(): Promise<void>;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

class Collected {
  readonly list: StreamRecord[] = [];
  private waiters: Array<() => void> = [];

  add(record: Omit<StreamRecord, 'json'>): void {
    this.list.push({ ...record, json: parsed(record.text) });
    for (const wake of this.waiters.splice(0)) wake();
  }

  async waitFor(
    what: string,
    pick: (record: StreamRecord) => boolean,
    timeoutMs = 30_000,
  ): Promise<StreamRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.list.find(pick);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no record of ${what} within ${timeoutMs} ms (${this.list.length} records read)`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value) && value.length > 0) return headerText(value[0]);
  return undefined;
}

/**
 * Reads `topics` from Kafka with a plain kafkajs consumer of a group of its
 * own (from the beginning): what any outside consumer would see, without our
 * event-log adapter in between.
 */
export async function openKafkaStreamReader(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<StreamReader> {
  const kafka = new Kafka({
    clientId: 'crucible-test-stream-reader',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({
    groupId: `crucible-test-reader-${randomBytes(6).toString('hex')}`,
    // One member: no peer to wait for, so joining need not take the default 3 s.
    rebalanceTimeout: 10_000,
    sessionTimeout: 10_000,
  });
  const collected = new Collected();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          const text = headerText(value);
          if (text !== undefined) headers[name] = text;
        }
        collected.add({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          headers,
          text: message.value?.toString('utf8') ?? '',
        });
        return Promise.resolve();
      },
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return {
    records: () => collected.list,
    waitFor: (what, pick, timeoutMs) => collected.waitFor(what, pick, timeoutMs),
    stop: () => consumer.disconnect(),
  };
}

/** Reads `topics` through an event log (the embedded one keeps its topics in Postgres). */
export async function openEventLogStreamReader(
  eventLog: EventLog,
  topics: readonly string[],
): Promise<StreamReader> {
  const collected = new Collected();
  const handle = await eventLog.subscribe(
    {
      groupId: `crucible-test-reader-${randomBytes(6).toString('hex')}`,
      topics: [...topics],
      fromBeginning: true,
    },
    (record) => {
      collected.add({
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        headers: { ...record.headers },
        text: Buffer.from(record.value).toString('utf8'),
      });
      return Promise.resolve();
    },
  );
  return {
    records: () => collected.list,
    waitFor: (what, pick, timeoutMs) => collected.waitFor(what, pick, timeoutMs),
    stop: () => handle.stop(),
  };
}
