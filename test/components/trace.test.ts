import { SpanKind } from '@opentelemetry/api';
import { ServiceDb, connectPostgres, type Knex } from '@crucible/database';
import { defaultCatalog } from '@crucible/contracts';
import { textComponentHash } from '@crucible/hashing';
import { EventConsumer, KafkaEventLog, Outbox, migrateMessagingTables } from '@crucible/messaging';
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

    // The consumer: a real EventConsumer with a schema of its own holding the messaging tables.
    knex = await connectPostgres(database.url, { attempts: 5, delayMs: 200 });
    await migrateMessagingTables(knex, { schema: 'trace_consumer' });
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
      outbox: new Outbox({
        db: new ServiceDb(knex, 'trace_consumer'),
        catalog: defaultCatalog(),
        prefix,
        service: 'trace_consumer',
        onCommitted: () => undefined,
      }),
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

    // Span names and attributes follow the messaging conventions (docs/telemetry.md).
    const subject = `${prefix}.components.put_environment`;
    const topic = `${prefix}.components.events`;
    const span = (service: string, name: string) => {
      const found = inTrace.find((s) => s.serviceName === service && s.name === name);
      if (!found)
        throw new Error(`no span "${name}" of ${service} in [${names(service).join(', ')}]`);
      return found;
    };
    const client = span('gateway', `request ${subject}`);
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(client.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'request',
      'messaging.destination.name': subject,
      'messaging.message.conversation_id': expect.any(String),
      'messaging.message.body.size': expect.any(Number),
      'rpc.method': 'put_environment',
    });
    const server = span('components', `process ${subject}`);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(server.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': subject,
      'messaging.message.conversation_id': client.attributes['messaging.message.conversation_id'],
      'rpc.method': 'put_environment',
    });
    const producer = span('components', `send ${topic}`);
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.message.id': expect.any(String),
      'messaging.kafka.message.key': hash,
      'crucible.event.type': 'components.component_stored',
    });
    const pgSpans = inTrace.filter(
      (s) => s.serviceName === 'components' && s.name.startsWith('pg.query'),
    );
    expect(pgSpans.length).toBeGreaterThan(0);

    const consumerSpan = exporter
      .getFinishedSpans()
      .find((s) => s.name === `process ${topic}` && s.kind === SpanKind.CONSUMER);
    expect(consumerSpan?.spanContext().traceId).toBe(traceId);
    expect(consumerSpan?.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(consumerSpan?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': `${prefix}.trace_consumer.trace_probe`,
      'messaging.message.id': producer.attributes['messaging.message.id'],
    });
  }, 120_000);
});
