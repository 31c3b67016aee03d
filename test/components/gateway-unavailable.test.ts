import { defaultCatalog, operationSubject } from '@crucible/contracts';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import { NatsBus, encodeJson, type Subscription } from '@crucible/messaging';
import { createLogger } from '@crucible/telemetry';
import { testGatewaySettings, testInfra, uniqueName } from '../support';
import { http } from './stack';

// A gateway in front of services that are missing or too slow: 503 within the
// timeout, never a hang.
describe('gateway with unavailable services', () => {
  let bus: NatsBus;
  let gateway: RunningGateway;
  let slow: Subscription;
  const prefix = uniqueName('u');
  const catalog = defaultCatalog();

  beforeAll(async () => {
    bus = await NatsBus.connect({ url: testInfra().natsUrl, name: 'gateway-unavailable-test' });
    // A responder that answers long after the gateway's timeout.
    slow = await bus.serve(
      operationSubject(prefix, catalog.operation('put_environment')),
      { queue: 'components' },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        return {
          data: encodeJson({ result: { hash: 'a'.repeat(64), was_new: true } }),
          headers: {},
        };
      },
    );
    gateway = await startGateway(
      { bus, catalog, prefix, logger: createLogger({ service: 'test', level: 'error' }) },
      testGatewaySettings({ requestTimeoutMs: 300, bodyLimitBytes: 100_000 }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await slow?.drain();
    await bus?.close();
  });

  it('answers 503 (timeout) when the service does not answer in time', async () => {
    const started = Date.now();
    const response = await http(`${gateway.url}/v1/components/environments`, 'POST', {
      content: 'slow',
    });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      code: 'unavailable',
      retryable: true,
      details: { reason: 'timeout' },
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('answers 503 (no_responders) at once when no replica is subscribed', async () => {
    const started = Date.now();
    const response = await http(
      `${gateway.url}/v1/components/environments/${'a'.repeat(64)}`,
      'GET',
    );
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      code: 'unavailable',
      details: { reason: 'no_responders' },
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is live and ready while it cannot reach the services', async () => {
    expect((await http(`${gateway.url}/health`, 'GET')).body).toEqual({ status: 'ok' });
    expect((await http(`${gateway.url}/ready`, 'GET')).status).toBe(200);
    const openapi = await http(`${gateway.url}/openapi.json`, 'GET');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths as object)).toContain(
      '/v1/components/environments/{hash}',
    );
  });
});
