// NATS goes away under a running gateway and service, then comes back: while
// it is down every request fails at once with 503 `unavailable` and /ready
// says 503; once it is back both recover on their own. A nats-server of the
// test's own, killed with SIGKILL (the run's server is never stopped).
import { textComponentHash } from '@crucible/hashing';
import { startComponentsService } from '@crucible/components';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import { connectInfrastructure, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import {
  createTestDatabase,
  http,
  startTestNatsServer,
  testGatewaySettings,
  testInfra,
  uniqueName,
  type TestDatabase,
  type TestNatsServer,
} from '../support';

jest.setTimeout(90_000);

const logger = createLogger({ service: 'test', level: 'error' });
const REQUEST_TIMEOUT_MS = 5_000;

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('NATS down and back', () => {
  let nats: TestNatsServer;
  let database: TestDatabase;
  let infra: Infrastructure;
  let service: Stoppable;
  let gateway: RunningGateway;

  beforeAll(async () => {
    nats = await startTestNatsServer();
    database = await createTestDatabase();
    infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: nats.url,
      kafkaBrokers: [...testInfra().kafkaBrokers],
      prefix: uniqueName('nd'),
      clientName: uniqueName('nats_down'),
      logger,
    });
    service = await startComponentsService(infra);
    gateway = await startGateway(
      infra,
      testGatewaySettings({ host: '127.0.0.1', requestTimeoutMs: REQUEST_TIMEOUT_MS }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await service?.stop();
    await infra?.close();
    await nats?.stop();
    await database?.drop();
  });

  it('fails requests at once with 503 and says not ready, then recovers', async () => {
    const content = 'A room that outlives its bus.';
    const hash = textComponentHash(content);
    const put = await http(`${gateway.url}/v1/components/environments`, 'POST', { content });
    expect(put.status).toBe(200);
    expect((await http(`${gateway.url}/ready`, 'GET')).status).toBe(200);

    await nats.kill();
    await waitFor('/ready to say 503', async () => {
      const ready = await http(`${gateway.url}/ready`, 'GET');
      return ready.status === 503;
    });
    expect((await http(`${gateway.url}/ready`, 'GET')).body).toMatchObject({
      status: 'not_ready',
      reason: 'bus_disconnected',
    });
    for (let i = 0; i < 5; i += 1) {
      const started = Date.now();
      const read = await http(`${gateway.url}/v1/components/environments/${hash}`, 'GET');
      const elapsed = Date.now() - started;
      expect(read.status).toBe(503);
      expect(read.body.error).toMatchObject({
        code: 'unavailable',
        retryable: true,
        details: { reason: 'connection' },
      });
      // At once, not after REQUEST_TIMEOUT_MS.
      expect(elapsed).toBeLessThan(500);
    }

    await nats.restart();
    await waitFor('/ready to say 200 again', async () => {
      const ready = await http(`${gateway.url}/ready`, 'GET');
      return ready.status === 200;
    });
    // The service re-subscribed on its own: reads answer again.
    await waitFor('reads to answer again', async () => {
      const read = await http(`${gateway.url}/v1/components/environments/${hash}`, 'GET');
      return read.status === 200 && read.body.content === content;
    });
  });
});
