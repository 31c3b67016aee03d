import { createMindFactory, type OpenAiCompatibleMind, type MindConfig } from '@crucible/worlds';
import { answer, createLlmServer, type LlmServer } from '../support';
import {
  VALID_ADJUDICATION,
  adjudicateRequest,
  assertLoopback,
  perceiveRequest,
} from './mind-fixtures';

// The factory the service uses, against the scripted server: env fallbacks,
// minds shared per config, one concurrency cap per provider.
describe('createMindFactory over HTTP', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('finds the server through OPENAI_BASE_URL and sends the OPENAI_API_KEY', async () => {
    const factory = createMindFactory({
      env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-from-env' },
    });
    const mind = factory({ provider: 'openai-compatible', model: 'scripted-model' });
    assertLoopback((mind as OpenAiCompatibleMind).baseUrl);
    server.enqueue(answer.text('ok'));
    await mind.complete(perceiveRequest());
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer sk-from-env');
  });

  it('shares one cap among worlds whose configs differ but call the same provider', async () => {
    server.handle(() => answer.text('ok', { delayMs: 150 }));
    const factory = createMindFactory({ env: {} });
    const world = (timeout_ms: number): MindConfig => ({
      provider: 'openai-compatible',
      base_url: server.baseUrl,
      model: 'scripted-model',
      max_concurrency: 2,
      timeout_ms,
    });
    const a = factory(world(5_000));
    const b = factory(world(6_000));
    expect(a).not.toBe(b);
    await Promise.all([a, a, b, b, b].map((mind) => mind.complete(perceiveRequest())));
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBe(2);
  });

  it('runs turns with nothing configured: the offline mind, no request sent', async () => {
    const factory = createMindFactory({ env: {} });
    const mind = factory(undefined);
    const perception = await mind.complete(perceiveRequest({ model: 'offline-v1' }));
    const adjudication = await mind.complete(adjudicateRequest({ model: 'offline-v1' }));
    expect(perception).toMatchObject({ provider: 'offline', model: 'offline-v1' });
    expect(Object.keys(JSON.parse(adjudication.content)).sort()).toEqual(
      Object.keys(VALID_ADJUDICATION).sort(),
    );
    expect(server.requests).toHaveLength(0);
  });
});
