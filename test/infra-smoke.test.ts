// Proves the servers `npm test` brings up are reachable and isolated per
// test: a database of our own, a NATS request/reply on a unique subject, and
// a Kafka topic of our own that one message goes through.
import { connect } from '@nats-io/transport-node';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import {
  createKafkaTopics,
  createTestDatabase,
  deleteKafkaTopics,
  testInfra,
  uniqueName,
} from './support';

jest.setTimeout(60_000);

const infra = testInfra();

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('test infrastructure', () => {
  it('connects to the run database', async () => {
    const client = new Client({ connectionString: infra.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
      expect(rows[0]?.name).toMatch(new RegExp(`^crucible_test_\\d+_${infra.runId}$`));
    } finally {
      await client.end();
    }
  });

  it('creates and drops a database of its own', async () => {
    const database = await createTestDatabase();
    try {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE probe (id int PRIMARY KEY)');
        await client.query('INSERT INTO probe VALUES (1)');
        const { rows } = await client.query<{ count: string }>(
          'SELECT count(*) AS count FROM probe',
        );
        expect(rows[0]?.count).toBe('1');
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
    const admin = new Client({ connectionString: infra.pgAdminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        database.name,
      ]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('round-trips a NATS request on a unique subject', async () => {
    const nc = await connect({ servers: infra.natsUrl });
    try {
      const subject = `${uniqueName('smoke')}.echo`;
      nc.subscribe(subject, {
        callback: (error, msg) => {
          if (!error) msg.respond(`echo:${msg.string()}`);
        },
      });
      await nc.flush();
      const reply = await nc.request(subject, 'ping', { timeout: 5_000 });
      expect(reply.string()).toBe('echo:ping');
    } finally {
      await nc.drain();
    }
  });

  it('produces and consumes one Kafka message on a topic of its own', async () => {
    const topic = uniqueName('smoke');
    const kafka = new Kafka({
      clientId: 'infra-smoke',
      brokers: [...infra.kafkaBrokers],
      logLevel: logLevel.WARN,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: uniqueName('smoke_group') });
    await createKafkaTopics(infra.kafkaBrokers, [topic]);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve(message.value?.toString() ?? '');
            return Promise.resolve();
          },
        });
      });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
      expect(await within(30_000, `a message on ${topic}`, received)).toBe('hello');
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      await deleteKafkaTopics(infra.kafkaBrokers, [topic]);
    }
  });
});
