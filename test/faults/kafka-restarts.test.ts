// A Kafka broker killed and started again several times under running
// services: writes keep succeeding (events wait in the outboxes), the relays
// publish once the broker is back, and the scenarios service's names
// projection (a consumer of the names stream) catches up with every move,
// each applied once, its consumer running and ready. The broker is one of
// the test's own (test/infra/kafka.mjs): the run's shared broker is never
// stopped.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { defaultCatalog } from '@crucible/contracts';
import { RpcClient, askReadiness } from '@crucible/messaging';
import { loadServiceDefinitions } from '@crucible/platform';
import {
  EnvReader,
  connectInfrastructure,
  type Infrastructure,
  type Stoppable,
} from '@crucible/runtime';
import { memoryLogger } from '@crucible/telemetry';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
} from '../scenarios/fixtures';
import { createTestDatabase, testInfra, uniqueName, type TestDatabase } from '../support';

jest.setTimeout(240_000);

/** What the test uses of test/infra (plain ESM, loaded at run time). */
interface KafkaRecord {
  readonly endpoint: string;
}
interface KafkaInfra {
  startKafka: () => Promise<KafkaRecord>;
  killKafkaBroker: (record: KafkaRecord) => Promise<void>;
  restartKafkaBroker: (record: KafkaRecord) => Promise<KafkaRecord>;
}
interface Instances {
  discardInstance: (record: KafkaRecord) => Promise<unknown>;
}

const CYCLES = 3;
// kafkajs logs every refused connection while the broker is down: kept, not printed.
const logger = memoryLogger('kafka-restarts');
const infraModule = (name: string) =>
  import(pathToFileURL(join(__dirname, '..', 'infra', name)).href);

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a Kafka broker killed and started again, several times', () => {
  let kafka: KafkaInfra;
  let instances: Instances;
  let broker: KafkaRecord | undefined;
  let database: TestDatabase;
  let infra: Infrastructure | undefined;
  const services: Stoppable[] = [];

  beforeAll(async () => {
    kafka = (await infraModule('kafka.mjs')) as KafkaInfra;
    instances = (await infraModule('instances.mjs')) as Instances;
    broker = await kafka.startKafka();
    database = await createTestDatabase();
    infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: testInfra().natsUrl,
      kafkaBrokers: broker.endpoint.split(','),
      prefix: uniqueName('kr'),
      clientName: uniqueName('kafka_restarts'),
      logger,
    });
    const reader = new EnvReader({});
    for (const definition of loadServiceDefinitions())
      services.push(await definition.configure(reader).start(infra));
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    await infra?.close();
    if (broker) await instances.discardInstance(broker);
    await database?.drop();
  });

  it('loses no event: the names projection catches up, each move applied once', async () => {
    const rpc = new RpcClient({
      bus: infra!.bus,
      catalog: defaultCatalog(),
      prefix: infra!.prefix,
      timeoutMs: 10_000,
    });
    const put = async (operation: Parameters<RpcClient['callUnchecked']>[0], content: unknown) =>
      ((await rpc.callUnchecked(operation, { content })) as { hash: string }).hash;
    const profile = await rpc.call('put_cognition_profile', {
      perceive_system: { hash: await put('put_perceive_system', PERCEIVE_SYSTEM) },
      intend_system: { hash: await put('put_intend_system', INTEND_SYSTEM) },
      adjudicate_system: { hash: await put('put_adjudicate_system', ADJUDICATE_SYSTEM) },
      adjudication_schema: { hash: await put('put_adjudication_schema', ADJUDICATION_SCHEMA) },
      adjudication_retry_budget: 2,
    });
    const scenario = await rpc.call('assemble_scenario', {
      scenario_slug: 'broker_restarts',
      description: 'Named again and again while the broker comes and goes.',
      chronon_seconds: 60,
      cognition_profiles: { keeper: { hash: profile.hash } },
      environments: { dome: { inline: ENVIRONMENTS.dome } },
      entities: [{ inline: ENTITIES[0]! }],
      operator: 'fault-test',
      note: '',
      metadata: {},
    });
    const names: string[] = [];
    const name = async (label: string) => {
      await rpc.call('set_scenario_name', { name: label, hash: scenario.scenario_hash });
      names.push(label);
    };

    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      await name(`up_${cycle}`);
      await kafka.killKafkaBroker(broker!);
      // Writes succeed with the broker down: their events wait in the outbox.
      await name(`down_${cycle}_a`);
      await name(`down_${cycle}_b`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await kafka.restartKafkaBroker(broker!);
    }
    await name('after');

    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      await waitFor(
        'the names projection to hold every name',
        async () => {
          const { rows } = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM scenarios.names_projection WHERE name = ANY($1)',
            [names],
          );
          return rows[0]?.n === names.length;
        },
        90_000,
      ).catch(async (error: Error) => {
        // Where it stopped: still in the names outbox (the relay; or a
        // transaction held open anywhere on the server, which holds every
        // relay back), or published but not applied (the consumer).
        const pending = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM names.outbox_pending',
        );
        const projected = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM scenarios.names_projection',
        );
        const oldest = await db.query<{ age: string }>(
          `SELECT coalesce(max(now() - xact_start), '0')::text AS age FROM pg_stat_activity
            WHERE backend_xid IS NOT NULL`,
        );
        const readiness = await askReadiness(infra!.bus, infra!.prefix, 'scenarios', 2_000);
        throw new Error(
          `${error.message}: ${names.length} names, ${projected.rows[0]?.n} projected, ` +
            `${pending.rows[0]?.n} unpublished in names' outbox, oldest open write transaction ` +
            `on the server ${oldest.rows[0]?.age}; scenarios readiness ${JSON.stringify(readiness)}`,
        );
      });
      // Each move applied once (the relay may have published some twice).
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM scenarios.processed_events WHERE consumer = 'names_projection'`,
      );
      expect(rows[0]?.n).toBe(names.length);
    } finally {
      await db.end();
    }
    // Every consumer of the service comes back (the names projection and the
    // worlds' world counts), the projection among them. An idle consumer
    // notices the broker's return only at its next restart (after a backoff
    // of up to a few seconds), so readiness is awaited, not sampled once.
    let readiness = await askReadiness(infra!.bus, infra!.prefix, 'scenarios', 2_000);
    await waitFor(
      'every consumer of scenarios to be ready',
      async () => {
        readiness = await askReadiness(infra!.bus, infra!.prefix, 'scenarios', 2_000);
        return 'ready' in readiness && readiness.ready;
      },
      60_000,
    ).catch(() => undefined);
    expect(readiness).toMatchObject({
      ready: true,
      parts: expect.arrayContaining([
        expect.objectContaining({
          name: 'consumer names_projection',
          state: 'running',
          ready: true,
        }),
      ]),
    });
    expect('parts' in readiness && readiness.parts.every((part) => part.ready)).toBe(true);
  });
});
