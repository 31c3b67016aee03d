import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { defaultCatalog, operationSubject } from '@crucible/contracts';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import { NatsBus, encodeJson, type Subscription } from '@crucible/messaging';
import { createLogger } from '@crucible/telemetry';
import { TEST_AUTH_HEADERS, testGatewaySettings, testInfra, uniqueName } from '../support';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on `agent` (keep-alive), the body read whole. */
function send(agent: Agent, url: string, method: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: data
          ? {
              ...TEST_AUTH_HEADERS,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(data),
            }
          : TEST_AUTH_HEADERS,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

// SIGTERM drains: a keep-alive client must not hold the gateway open (it
// used to wait for idle keep-alive sockets to time out, ~5 s per socket
// that answered during the drain, longer while the client kept sending).
describe('gateway stop with keep-alive clients', () => {
  let bus: NatsBus;
  let slow: Subscription;
  let gateway: RunningGateway | undefined;
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: 4 });
  const prefix = uniqueName('drain');
  const catalog = defaultCatalog();

  beforeAll(async () => {
    bus = await NatsBus.connect({ url: testInfra().natsUrl, name: 'gateway-shutdown-test' });
    // Answers well within the gateway's timeout, slowly enough to be in flight at stop.
    slow = await bus.serve(
      operationSubject(prefix, catalog.operation('put_environment')),
      { queue: 'components' },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return {
          data: encodeJson({ result: { hash: 'a'.repeat(64), was_new: true } }),
          headers: {},
        };
      },
    );
    gateway = await startGateway(
      { bus, catalog, prefix, logger: createLogger({ service: 'test', level: 'error' }) },
      testGatewaySettings({ requestTimeoutMs: 5_000, bodyLimitBytes: 100_000 }),
    );
  });

  afterAll(async () => {
    agent.destroy();
    await gateway?.stop();
    await slow?.drain();
    await bus?.close();
  });

  it('finishes the requests in flight, closes their connections and stops at once', async () => {
    const url = gateway!.url;
    // Two idle keep-alive connections, then two requests in flight on them.
    await Promise.all([send(agent, `${url}/health`, 'GET'), send(agent, `${url}/health`, 'GET')]);
    const inFlight = [1, 2].map((i) =>
      send(agent, `${url}/v1/components/environments`, 'POST', { content: `drain ${i}` }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    const stopped = gateway!.stop();
    const replies = await Promise.all(inFlight);
    await stopped;
    const elapsed = Date.now() - started;
    gateway = undefined;

    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ hash: 'a'.repeat(64), was_new: true });
      // The client learns not to reuse the connection.
      expect(reply.headers.connection).toBe('close');
    }
    // The in-flight requests take ~300 ms more; nothing waits on idle sockets.
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(2_000);
    await expect(send(agent, `${url}/health`, 'GET')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
