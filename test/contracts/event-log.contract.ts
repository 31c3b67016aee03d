// The EventLog contract (libs/messaging/src/events/event-log.ts), declared
// once and run against every implementation: KafkaEventLog on a real broker
// and the embedded log on Postgres (server and PGlite) must behave the same.
import type { ConsumedRecord, ConsumerHandle, EventLog, LogRecord } from '@crucible/messaging';
import { uniqueName } from '../support';
import { Collector, gate, runAll, within } from './waits';

/** An event log opened for one suite, and the clean-up of what it created. */
export interface EventLogHarness {
  readonly log: EventLog;
  /** Closes the log and removes what the suite created (topics, database). */
  close(): Promise<void>;
}

export interface EventLogTarget {
  readonly name: string;
  /**
   * Upper bound for a new consumer to get a record (Kafka group joins take
   * seconds); every wait in the suite is bounded by it.
   */
  readonly deliveryTimeoutMs: number;
  open(): Promise<EventLogHarness>;
  /** A topic name no other test uses; the open harness removes it on close. */
  topic(): string;
}

/** What a test compares: a record without its log-specific position. */
interface Seen {
  topic: string;
  key: string;
  value: number[];
  headers: Record<string, string>;
}

const seen = (record: ConsumedRecord): Seen => ({
  topic: record.topic,
  key: record.key,
  value: [...record.value],
  headers: record.headers,
});

/** Records r0, r1, ...: bytes that are not UTF-8, and headers (none on r0). */
const numbered = (count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i): LogRecord => {
    const headers: Record<string, string> =
      i === 0
        ? {}
        : { 'x-index': String(i), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` };
    return { key: `r${i}`, value: Uint8Array.from([i, 0, 255, 0x80]), headers };
  });

const expected = (topic: string, records: LogRecord[]): Seen[] =>
  records.map((r) => ({ topic, key: r.key, value: [...r.value], headers: { ...r.headers } }));

/** Declares the EventLog contract suite for one implementation. */
export function describeEventLogContract(target: EventLogTarget): void {
  describe(`EventLog contract: ${target.name}`, () => {
    let harness: EventLogHarness | undefined;
    let log: EventLog;
    const consumers: ConsumerHandle[] = [];
    const wait = target.deliveryTimeoutMs;

    beforeAll(async () => {
      harness = await target.open();
      log = harness.log;
    });

    afterEach(async () => {
      await runAll(consumers.splice(0).map((c) => () => c.stop()));
    });

    afterAll(async () => {
      await harness?.close();
    });

    async function subscribe(
      groupId: string,
      topics: string[],
      handler: (record: ConsumedRecord) => Promise<void>,
    ): Promise<ConsumerHandle> {
      const handle = await log.subscribe({ groupId, topics }, handler);
      consumers.push(handle);
      return handle;
    }

    async function stop(handle: ConsumerHandle): Promise<void> {
      consumers.splice(consumers.indexOf(handle), 1);
      await handle.stop();
    }

    it('ensureTopics is idempotent, also when called concurrently', async () => {
      const [a, b] = [target.topic(), target.topic()];
      await log.ensureTopics([a, a]);
      await log.ensureTopics([a]);
      await Promise.all([
        log.ensureTopics([a, b]),
        log.ensureTopics([b]),
        log.ensureTopics([b, a]),
      ]);

      // Both exist once and take records; one group reads both topics.
      await log.publish(a, [{ key: 'ka', value: Uint8Array.from([1]), headers: {} }]);
      await log.publish(b, [{ key: 'kb', value: Uint8Array.from([2]), headers: {} }]);
      const got = new Collector<string>();
      await subscribe(uniqueName('group'), [a, b], (record) => {
        got.push(`${record.topic === a ? 'a' : 'b'}:${record.key}`);
        return Promise.resolve();
      });
      expect((await got.until(2, wait, 'one record from each topic')).sort()).toEqual([
        'a:ka',
        'b:kb',
      ]);
    });

    it('publishAll appends several topics at once, each in order, with empty batches skipped', async () => {
      const [a, b, c] = [target.topic(), target.topic(), target.topic()];
      await log.ensureTopics([a, b, c]);
      const records = numbered(6);
      // Topics interleaved by the caller, one of them given twice: each keeps its own order.
      await log.publishAll([
        { topic: b, records: records.slice(3) },
        { topic: a, records: records.slice(0, 2) },
        { topic: c, records: [] },
        { topic: a, records: records.slice(2, 3) },
      ]);
      await log.publishAll([]);
      await log.publishAll([{ topic: a, records: [] }]);

      const got = new Collector<ConsumedRecord>();
      await subscribe(uniqueName('group'), [a, b, c], (record) => {
        got.push(record);
        return Promise.resolve();
      });
      const all = await got.until(6, wait, 'the records of both topics');
      expect(all.filter((r) => r.topic === a).map(seen)).toEqual(expected(a, records.slice(0, 3)));
      expect(all.filter((r) => r.topic === b).map(seen)).toEqual(expected(b, records.slice(3)));
      // Nothing more comes (no record on c, nothing doubled).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(got.items).toHaveLength(6);
    });

    it('delivers records published before subscribing from the beginning, in order and intact', async () => {
      const topic = target.topic();
      await log.ensureTopics([topic]);
      const records = numbered(5);
      await log.publish(topic, records.slice(0, 3));
      await log.publish(topic, records.slice(3));

      const got = new Collector<ConsumedRecord>();
      await subscribe(uniqueName('group'), [topic], (record) => {
        got.push(record);
        return Promise.resolve();
      });
      const early = await got.until(5, wait, 'the records published before subscribing');
      expect(early.map(seen)).toEqual(expected(topic, records));
      const offsets = early.map((r) => BigInt(r.offset));
      expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);

      // And one published while the consumer runs.
      const live: LogRecord = {
        key: 'live',
        value: Uint8Array.from([42]),
        headers: { 'x-live': 'yes' },
      };
      await log.publish(topic, [live]);
      const all = await got.until(6, wait, 'a record published while subscribed');
      expect(all.map(seen)).toEqual(expected(topic, [...records, live]));
    });

    it('gives every group every record', async () => {
      const topic = target.topic();
      await log.ensureTopics([topic]);
      const records = numbered(3);
      await log.publish(topic, records);

      const groups = [new Collector<ConsumedRecord>(), new Collector<ConsumedRecord>()];
      await Promise.all(
        groups.map((got) =>
          subscribe(uniqueName('group'), [topic], (record) => {
            got.push(record);
            return Promise.resolve();
          }),
        ),
      );
      for (const got of groups) {
        expect((await got.until(3, wait, 'every record in each group')).map(seen)).toEqual(
          expected(topic, records),
        );
      }
    });

    it('redelivers a record whose handler rejects, and later records wait for it', async () => {
      const topic = target.topic();
      await log.ensureTopics([topic]);
      await log.publish(topic, numbered(3));

      const deliveries = new Collector<string>();
      let rejections = 0;
      await subscribe(uniqueName('group'), [topic], (record) => {
        deliveries.push(record.key);
        if (record.key === 'r1' && rejections < 2) {
          rejections += 1;
          return Promise.reject(new Error(`planned failure ${rejections}`));
        }
        return Promise.resolve();
      });

      const order = await deliveries.until(5, wait, 'r1 to be retried and r2 to follow');
      expect(order).toEqual(['r0', 'r1', 'r1', 'r1', 'r2']);
    });

    it('stop() right after subscribe() resolves promptly', async () => {
      const topic = target.topic();
      await log.ensureTopics([topic]);
      await log.publish(topic, numbered(1));
      const handle = await subscribe(uniqueName('group'), [topic], () => Promise.resolve());
      await within(5_000, 'stop() called right after subscribe()', stop(handle));
    });

    it('resumes a group after stop() right after the last handled record', async () => {
      const topic = target.topic();
      const groupId = uniqueName('group');
      await log.ensureTopics([topic]);
      await log.publish(topic, numbered(5));

      // First member: stop() is called while r2 is in hand.
      const first = new Collector<string>();
      const inHand = gate();
      const release = gate();
      const member = await subscribe(groupId, [topic], async (record) => {
        first.push(record.key);
        if (record.key === 'r2') {
          inHand.open();
          await release.opened;
        }
      });
      await within(wait, 'r2 to reach the first member', inHand.opened);
      const stopped = stop(member);
      release.open();
      await within(wait, 'stop() of the first member', stopped);
      expect(first.items).toEqual(['r0', 'r1', 'r2']);

      // Second member of the same group: no gap, nothing before r2 again; at
      // most the record that was in hand at stop() repeats (at least once).
      const second = new Collector<string>();
      const sawLast = gate();
      await subscribe(groupId, [topic], (record) => {
        second.push(record.key);
        if (record.key === 'r4') sawLast.open();
        return Promise.resolve();
      });
      await within(wait, 'the second member to reach r4', sawLast.opened);
      expect([
        ['r3', 'r4'],
        ['r2', 'r3', 'r4'],
      ]).toContainEqual(second.items);
    });
  });
}
