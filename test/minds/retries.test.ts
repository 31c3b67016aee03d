import { isMindError, type MindError } from '@crucible/worlds';
import { answer, createLlmServer, type LlmServer } from '../support';
import { mindOn, perceiveRequest } from './mind-fixtures';

async function failure(promise: Promise<unknown>): Promise<MindError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isMindError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

// Overload and outages: what the mind retries, how long it waits, when it
// gives up, and what it says then.
describe('OpenAiCompatibleMind: retries', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('retries a 429, waiting at least the Retry-After it was given', async () => {
    server.enqueue(answer.rateLimited({ retryAfterSeconds: 1 }), answer.text('at last'));
    const response = await mindOn(server).complete(perceiveRequest());
    expect(response).toMatchObject({ content: 'at last', tries: 2 });
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(response.latency_ms).toBeGreaterThanOrEqual(1_000);
  });

  it('honours retry-after-ms over retry-after', async () => {
    server.enqueue(
      answer.error(429, { headers: { 'retry-after-ms': '300', 'retry-after': '30' } }),
      answer.text('ok'),
    );
    const response = await mindOn(server).complete(perceiveRequest());
    expect(response.tries).toBe(2);
    const [first, second] = server.requests;
    const waited = second!.receivedAt - first!.receivedAt;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(5_000);
  });

  it('retries 5xx answers and a reset connection, then succeeds', async () => {
    server.enqueue(answer.error(503), answer.error(500), answer.reset(), answer.text('ok'));
    const response = await mindOn(server, { maxRetries: 3 }).complete(perceiveRequest());
    expect(response).toMatchObject({ content: 'ok', tries: 4 });
    expect(server.requests).toHaveLength(4);
  });

  it('gives up as rate_limited after its retries, with the tries and the last Retry-After', async () => {
    server.handle(() => answer.rateLimited({ retryAfterMs: 50 }));
    const error = await failure(mindOn(server, { maxRetries: 2 }).complete(perceiveRequest()));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      tries: 3,
      status: 429,
      retryAfterMs: 50,
    });
    expect(error.message).toContain('gave up after 3 tries');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up as server_error after its retries', async () => {
    server.handle(() => answer.error(502, { message: 'bad gateway' }));
    const error = await failure(mindOn(server, { maxRetries: 1 }).complete(perceiveRequest()));
    expect(error).toMatchObject({ kind: 'server_error', retryable: true, tries: 2, status: 502 });
    expect(error.message).toContain('bad gateway');
    expect(server.requests).toHaveLength(2);
  });

  it('fails at once when Retry-After asks for longer than it waits', async () => {
    server.handle(() => answer.rateLimited({ retryAfterSeconds: 3 * 86_400 }));
    const started = performance.now();
    const error = await failure(mindOn(server).complete(perceiveRequest()));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ kind: 'rate_limited', tries: 1, retryAfterMs: 3 * 86_400_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry what a retry cannot fix', async () => {
    server.enqueue(answer.error(401, { message: 'Incorrect API key provided' }));
    expect(await failure(mindOn(server).complete(perceiveRequest()))).toMatchObject({
      kind: 'auth',
      retryable: false,
      tries: 1,
      status: 401,
    });
    server.enqueue(answer.error(403));
    expect(await failure(mindOn(server).complete(perceiveRequest()))).toMatchObject({
      kind: 'auth',
      status: 403,
    });
    server.enqueue(answer.error(400, { message: "This model's maximum context length is 8192" }));
    expect(await failure(mindOn(server).complete(perceiveRequest()))).toMatchObject({
      kind: 'bad_request',
      retryable: false,
      tries: 1,
      status: 400,
    });
    server.enqueue(answer.error(404, { message: 'The model does not exist' }));
    expect(await failure(mindOn(server).complete(perceiveRequest()))).toMatchObject({
      kind: 'bad_request',
      status: 404,
    });
    expect(server.requests).toHaveLength(4);
  });

  it('reports an unreachable server after retrying it', async () => {
    const closed = await createLlmServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const mind = mindOn(server, { baseUrl, maxRetries: 2 });
    const error = await failure(mind.complete(perceiveRequest()));
    expect(error).toMatchObject({ kind: 'unreachable', retryable: true, tries: 3 });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.status).toBeUndefined();
  });
});
