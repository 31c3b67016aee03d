import { SpanKind } from '@opentelemetry/api';
import { ServiceDb, connectPostgres, type Knex } from '@crucible/database';
import { defaultCatalog } from '@crucible/contracts';
import { textComponentHash } from '@crucible/hashing';
import { EventConsumer, KafkaEventLog } from '@crucible/messaging';
import { createLogger, initTelemetry, type Telemetry } from '@crucible/telemetry';
import {
  InMemorySpanExporter,
  createOtlpJsonReceiver,
  type OtlpJsonReceiver,
} from '@crucible/telemetry/testing';
import { createTestDatabase, testInfra, uniqueName, type TestDatabase } from '../support';
import { startServiceProcess, type ServiceProcess } from './processes';
import { http } from './stack';

// One trace from the HTTP request at the gateway, over NATS to the components
// service, into Postgres, out through the outbox to Kafka, to a consumer.
describe('one trace across gateway, components, Postgres and a Kafka consumer', () => {
  let receiver: OtlpJsonReceiver;
  let database: TestDatabase;
  let knex: Knex | undefined;
  let eventLog: KafkaEventLog | undefined;
  let consumer: EventConsumer | undefined;
  let telemetry: Telemetry | undefined;
  const exporter = new InMemorySpanExporter();
  const processes: ServiceProcess[] = [];

  afterAll(async () => {
    await consumer?.stop();
    await eventLog?.close();
    for (const p of processes) await p.stop();
    await knex?.destroy();
    await database?.drop();
    await receiver?.close();
    await telemetry?.shutdown();
  });

  it('links every hop into one trace', async () => {
    const infra = testInfra();
    receiver = await createOtlpJsonReceiver();
    database = await createTestDatabase();
    const prefix = uniqueName('tr');
    telemetry = initTelemetry({ serviceName: 'trace-test-consumer', exporter, env: {} });
    const logger = createLogger({ service: 'test', level: 'error' });

    // The consumer: a real EventConsumer with its own schema and processed_events table.
    knex = await connectPostgres(database.url, { attempts: 5, delayMs: 200 });
    await knex.raw(`create schema trace_consumer;
      create table trace_consumer.processed_events (consumer text not null, event_id uuid not null,
        processed_at timestamptz not null default now(), primary key (consumer, event_id))`);
    eventLog = new KafkaEventLog({
      brokers: [...infra.kafkaBrokers],
      clientId: uniqueName('trace'),
      logger,
    });
    const received: string[] = [];
    consumer = new EventConsumer({
      name: 'trace_probe',
      service: 'trace_consumer',
      prefix,
      catalog: defaultCatalog(),
      eventLog,
      db: new ServiceDb(knex, 'trace_consumer'),
      logger,
    }).on('components.component_stored', (event) => {
      received.push(event.data.hash);
      return Promise.resolve();
    });
    await consumer.start();

    const env = {
      DATABASE_URL: database.url,
      NATS_URL: infra.natsUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      CRUCIBLE_PREFIX: prefix,
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: '',
    };
    const components = startServiceProcess('components', env);
    const gateway = startServiceProcess('gateway', env);
    processes.push(gateway, components);
    await components.waitForLog('ready', 60_000);
    const url = String((await gateway.waitForLog('listening', 60_000)).url);

    const content = `Traced room ${prefix}`;
    const hash = textComponentHash(content);
    const put = await http(`${url}/v1/components/environments`, 'POST', { content });
    expect(put.status).toBe(200);

    const deadline = Date.now() + 45_000;
    while (!received.includes(hash) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(received).toContain(hash);

    // Stopping the services flushes their span exporters.
    expect(await gateway.stop()).toBe(0);
    expect(await components.stop()).toBe(0);
    await telemetry.forceFlush();

    const remote = receiver.spans();
    const httpServer = remote.find(
      (s) => s.serviceName === 'gateway' && s.kind === SpanKind.SERVER,
    );
    expect(httpServer).toBeDefined();
    // The gateway's catalog router names the route, as express's route layers did.
    expect(httpServer!.name).toBe('POST /v1/components/environments');
    const traceId = httpServer!.traceId;
    const inTrace = remote.filter((s) => s.traceId === traceId);
    const names = (service: string) =>
      inTrace.filter((s) => s.serviceName === service).map((s) => s.name);

    expect(names('gateway')).toEqual(
      expect.arrayContaining([`send ${prefix}.components.put_environment`]),
    );
    expect(names('components')).toEqual(
      expect.arrayContaining([
        `process ${prefix}.components.put_environment`,
        `publish ${prefix}.components.events`,
      ]),
    );
    const pgSpans = inTrace.filter(
      (s) => s.serviceName === 'components' && s.name.startsWith('pg.query'),
    );
    expect(pgSpans.length).toBeGreaterThan(0);

    const consumerSpan = exporter
      .getFinishedSpans()
      .find(
        (s) => s.name === `process ${prefix}.components.events` && s.kind === SpanKind.CONSUMER,
      );
    expect(consumerSpan?.spanContext().traceId).toBe(traceId);
  }, 120_000);
});
