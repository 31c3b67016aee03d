import { ProviderRegistry } from '@crucible/worlds';
import { answer, createLlmServer, type LlmServer } from '../support';
import { mindOn, mindOptions, perceiveRequest } from './mind-fixtures';

describe('OpenAiCompatibleMind: the concurrency cap per provider', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('keeps at most N calls in flight at the server; the rest wait their turn', async () => {
    server.handle((request) => answer.text(`answer ${request.index}`, { delayMs: 150 }));
    const mind = mindOn(server, { maxConcurrency: 2 });
    const started = Date.now();
    const walls: number[] = [];
    const calls = [0, 1, 2, 3, 4].map((turn) =>
      mind
        .complete(
          perceiveRequest({
            purpose: { world_slug: 'w', turn, agent_id: 'ant', phase: 'perceive', attempt: 0 },
          }),
        )
        .then((response) => {
          walls.push(Date.now() - started);
          return response;
        }),
    );
    const responses = await Promise.all(calls);
    expect(responses).toHaveLength(5);
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBe(2);
    // latency_ms is the call's own time, not the wait for a slot: the three
    // calls that queued waited at least 150 + 150 + 300 ms between them
    // (however slow the machine; less a little for timers firing early),
    // which the latencies leave out.
    const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(responses.map((r) => r.latency_ms))).toBeLessThanOrEqual(sum(walls) - 550);
  });

  it('admits waiting calls in the order they came', async () => {
    server.handle(() => answer.text('ok', { delayMs: 50 }));
    const mind = mindOn(server, { maxConcurrency: 1 });
    const turns = [1, 2, 3, 4];
    await Promise.all(
      turns.map((turn) =>
        mind.complete(
          perceiveRequest({
            messages: [{ role: 'user', content: `turn ${turn}` }],
          }),
        ),
      ),
    );
    expect(server.requests.map((r) => r.user)).toEqual(turns.map((turn) => `turn ${turn}`));
    expect(server.maxInFlight).toBe(1);
  });

  it('shares one cap among every mind on the same base URL, key and model', async () => {
    server.handle(() => answer.text('ok', { delayMs: 150 }));
    const registry = new ProviderRegistry();
    const options = mindOptions(server, { maxConcurrency: 2 });
    const identity = { baseUrl: options.baseUrl, apiKey: options.apiKey, model: options.model };
    const worldA = mindOn(server, options, { provider: registry.state(identity, 2) });
    const worldB = mindOn(
      server,
      { ...options, timeoutMs: 3_000 },
      {
        provider: registry.state({ ...identity, baseUrl: `${identity.baseUrl}/` }, 2),
      },
    );
    await Promise.all([
      worldA.complete(perceiveRequest()),
      worldA.complete(perceiveRequest()),
      worldB.complete(perceiveRequest()),
      worldB.complete(perceiveRequest()),
    ]);
    expect(server.maxInFlight).toBe(2);
    expect(registry.size).toBe(1);
  });

  it('gives another model its own cap', async () => {
    server.handle(() => answer.text('ok', { delayMs: 150 }));
    const registry = new ProviderRegistry();
    const options = mindOptions(server, { maxConcurrency: 1 });
    const small = mindOn(server, options, {
      provider: registry.state({ baseUrl: options.baseUrl, apiKey: undefined, model: 'small' }, 1),
    });
    const large = mindOn(server, options, {
      provider: registry.state({ baseUrl: options.baseUrl, apiKey: undefined, model: 'large' }, 1),
    });
    await Promise.all([small.complete(perceiveRequest()), large.complete(perceiveRequest())]);
    expect(server.maxInFlight).toBe(2);
    expect(registry.size).toBe(2);
  });

  it('lets a queued call be aborted without taking a slot', async () => {
    server.handle(() => answer.text('ok', { delayMs: 200 }));
    const mind = mindOn(server, { maxConcurrency: 1 });
    const running = mind.complete(perceiveRequest());
    const controller = new AbortController();
    const queued = mind.complete(perceiveRequest(), controller.signal);
    await server.waitForRequests(1);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ kind: 'aborted', tries: 0 });
    await running;
    expect(server.requests).toHaveLength(1);
  });
});
