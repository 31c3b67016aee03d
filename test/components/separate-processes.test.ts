import { textComponentHash } from '@crucible/hashing';
import { createTestDatabase, testInfra, uniqueName, type TestDatabase } from '../support';
import { startServiceProcess, type ServiceProcess } from './processes';
import { http } from './stack';

// The production shape: every service and the gateway as separate processes
// (built dist/main.js), talking over real NATS, on real Postgres and Kafka.
describe('every service as its own process', () => {
  let database: TestDatabase;
  let components: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  const others: ServiceProcess[] = [];
  let url = '';

  beforeAll(async () => {
    const infra = testInfra();
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      NATS_URL: infra.natsUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      CRUCIBLE_PREFIX: uniqueName('p'),
      PORT: '0',
      REQUEST_TIMEOUT_MS: '2000',
    };
    components = startServiceProcess('components', env);
    others.push(startServiceProcess('names', env), startServiceProcess('scenarios', env));
    gateway = startServiceProcess('gateway', env);
    await components.waitForLog('ready');
    for (const service of others) await service.waitForLog('ready');
    url = String((await gateway.waitForLog('listening')).url);
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    for (const service of others) await service.stop();
    await components?.stop();
    await database?.drop();
  });

  it('round-trips a put and a get over HTTP', async () => {
    const content = 'A room seen from two processes.';
    const put = await http(`${url}/v1/components/environments`, 'POST', { content });
    expect(put.body).toEqual({ hash: textComponentHash(content), was_new: true });
    const got = await http(`${url}/v1/components/environments/${put.body.hash}`, 'GET');
    expect(got.body.content).toBe(content);
    expect(put.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('assembles, names and reads back a scenario across all four processes', async () => {
    const assembled = await http(`${url}/v1/scenarios`, 'POST', {
      scenario_slug: 'two_processes',
      description: 'A scenario stored through four processes.',
      chronon_seconds: 60,
      cognition_profiles: {
        subject: {
          inline: {
            perceive_system: { inline: 'Perceive.' },
            intend_system: { inline: 'Intend.' },
            adjudicate_system: { inline: 'Adjudicate.' },
            adjudication_schema: { inline: { type: 'object' } },
            adjudication_retry_budget: 1,
          },
        },
      },
      environments: { room: { inline: 'A room seen from two processes.' } },
      entities: [
        {
          inline: {
            id: 'subject',
            name: 'Subject',
            environment: 'room',
            kind: { agent: { goal: 'Leave.', cognition_profile: 'subject' } },
          },
        },
      ],
      name: 'across-processes',
    });
    expect(assembled.status).toBe(200);
    expect(assembled.body).toMatchObject({ was_new_scenario: true, name_error: null });
    const read = await http(`${url}/v1/scenarios/lookup?name=across-processes`, 'GET');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      hash: assembled.body.scenario_hash,
      has_parents: false,
      scenario: { environments: { room: 'A room seen from two processes.' } },
    });
  });

  it('answers 503 quickly when the service is gone, and exits cleanly on SIGTERM', async () => {
    expect(await components!.stop()).toBe(0);
    const started = Date.now();
    const response = await http(`${url}/v1/components/environments`, 'POST', {
      content: 'nobody home',
    });
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await http(`${url}/health`, 'GET')).status).toBe(200);
    expect(await gateway!.stop()).toBe(0);
  });
});
