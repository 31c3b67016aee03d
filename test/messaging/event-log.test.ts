// The EventLog contract against KafkaEventLog on the run's real broker, and
// against the embedded log on a fresh database of the real Postgres and on
// PGlite (what `npm start` uses).
import { EmbeddedEventLog, type EventLog } from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';
import { describeEventLogContract, type EventLogHarness } from '../contracts/event-log.contract';
import { uniqueName } from '../support';
import {
  migrateEventLog,
  openKafkaEventLog,
  openTestPglite,
  openTestPostgres,
  type OpenedDatabase,
  type OpenedKafkaLog,
} from './backends';

jest.setTimeout(60_000);

let kafka: OpenedKafkaLog | undefined;

describeEventLogContract({
  name: 'KafkaEventLog (real Kafka)',
  // Group joins take seconds on a cold broker.
  deliveryTimeoutMs: 30_000,
  topic() {
    const topic = uniqueName('log');
    kafka?.own(topic);
    return topic;
  },
  open(): Promise<EventLogHarness> {
    const opened = openKafkaEventLog(memoryLogger());
    kafka = opened;
    return Promise.resolve({ log: opened.log, close: () => opened.close() });
  },
});

/** The embedded log on a database, with migrations/eventlog applied. */
async function embeddedHarness(open: () => Promise<OpenedDatabase>): Promise<EventLogHarness> {
  const database = await open();
  let log: EventLog;
  try {
    await migrateEventLog(database);
    // In one process, appends wake consumers; polling is only the fallback.
    // A poll interval far beyond the suite's waits makes a lost wake-up (or
    // a stop() that sleeps a poll out) fail the suite instead of hiding.
    log = new EmbeddedEventLog({ knex: database.knex, logger: memoryLogger(), idlePollMs: 60_000 });
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    log,
    async close() {
      try {
        await log.close();
      } finally {
        await database.close();
      }
    },
  };
}

describeEventLogContract({
  name: 'EmbeddedEventLog on Postgres',
  deliveryTimeoutMs: 10_000,
  topic: () => uniqueName('log'),
  open: () => embeddedHarness(openTestPostgres),
});

describeEventLogContract({
  name: 'EmbeddedEventLog on PGlite',
  deliveryTimeoutMs: 10_000,
  topic: () => uniqueName('log'),
  open: () => embeddedHarness(openTestPglite),
});

describe('KafkaEventLog specifics', () => {
  // Without the clean-up in subscribe(), the consumer connected before the
  // failure keeps its socket open and jest cannot exit.
  it('rejects a subscription to a topic that does not exist, leaving no consumer behind', async () => {
    const opened = openKafkaEventLog(memoryLogger());
    try {
      const missing = uniqueName('missing');
      await expect(
        opened.log.subscribe({ groupId: uniqueName('group'), topics: [missing] }, () =>
          Promise.resolve(),
        ),
      ).rejects.toThrow();
    } finally {
      await opened.close();
    }
  });

  // Seen after a broker restart: `KafkaJSNonRetriableError: Failed to find
  // group coordinator`, after which kafkajs never restarted the consumer. A
  // handler error kafkajs may not retry crashes it the same way, on demand.
  it('starts a consumer again after a crash kafkajs does not recover from, and reports it', async () => {
    const opened = openKafkaEventLog(memoryLogger());
    try {
      const topic = uniqueName('crash');
      opened.own(topic);
      await opened.log.ensureTopics([topic]);
      await opened.log.publish(topic, [{ key: 'k', value: Buffer.from('first'), headers: {} }]);
      const handled: string[] = [];
      let failed = false;
      const handle = await opened.log.subscribe(
        { groupId: uniqueName('group'), topics: [topic] },
        (record) => {
          if (!failed) {
            failed = true;
            return Promise.reject(Object.assign(new Error('not retriable'), { retriable: false }));
          }
          handled.push(Buffer.from(record.value).toString('utf8'));
          return Promise.resolve();
        },
      );
      try {
        const deadline = Date.now() + 30_000;
        while (!handled.includes('first') && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(handled).toContain('first');
        expect(handle.health()).toMatchObject({
          state: 'running',
          restarts: 1,
          lastError: expect.stringContaining('not retriable') as unknown,
        });
        // The lag is measured from kafkajs's batches.
        await opened.log.publish(topic, [{ key: 'k', value: Buffer.from('second'), headers: {} }]);
        while (!handled.includes('second') && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(handle.health().lag).toBe(0);
      } finally {
        await handle.stop();
      }
      expect(handle.health().state).toBe('stopped');
    } finally {
      await opened.close();
    }
  });
});
