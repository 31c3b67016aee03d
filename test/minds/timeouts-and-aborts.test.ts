import { isMindError, type MindError } from '@crucible/worlds';
import { answer, createLlmServer, type LlmServer } from '../support';
import { adjudicateRequest, mindOn, perceiveRequest } from './mind-fixtures';

async function failure(promise: Promise<unknown>): Promise<MindError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isMindError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAiCompatibleMind: timeouts, deadline, abort and broken replies', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('times out a slow answer', async () => {
    server.enqueue(answer.text('too late', { delayMs: 3_000 }));
    const started = performance.now();
    const error = await failure(
      mindOn(server, { timeoutMs: 200, maxRetries: 0 }).complete(perceiveRequest()),
    );
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, tries: 1 });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
    // The client went away: the server is not left holding the request.
    await server.idle(1_000);
  });

  it('retries a timed-out attempt and takes the next answer', async () => {
    server.enqueue(answer.text('too late', { delayMs: 3_000 }), answer.text('in time'));
    const response = await mindOn(server, { timeoutMs: 200 }).complete(perceiveRequest());
    expect(response).toMatchObject({ content: 'in time', tries: 2 });
  });

  it('stops at the call deadline, however many retries are left', async () => {
    server.handle(() => answer.text('too late', { delayMs: 3_000 }));
    const started = performance.now();
    const error = await failure(
      mindOn(server, { timeoutMs: 250, deadlineMs: 600, maxRetries: 10 }).complete(
        perceiveRequest(),
      ),
    );
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeLessThan(2_000);
    expect(error.tries).toBeLessThanOrEqual(3);
  });

  it('aborts an answer in progress', async () => {
    server.enqueue(answer.text('never', { delayMs: 5_000 }));
    const controller = new AbortController();
    const call = mindOn(server).complete(perceiveRequest(), controller.signal);
    await server.waitForRequests(1);
    const started = performance.now();
    controller.abort();
    const error = await failure(call);
    expect(error).toMatchObject({ kind: 'aborted', retryable: false, tries: 1 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('aborts during a Retry-After wait without waiting it out', async () => {
    server.enqueue(answer.rateLimited({ retryAfterSeconds: 5 }), answer.text('never asked'));
    const controller = new AbortController();
    const call = mindOn(server).complete(perceiveRequest(), controller.signal);
    await server.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    controller.abort();
    const error = await failure(call);
    expect(error).toMatchObject({ kind: 'aborted', tries: 1 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses at once with a signal already aborted, sending nothing', async () => {
    const error = await failure(mindOn(server).complete(perceiveRequest(), AbortSignal.abort()));
    expect(error).toMatchObject({ kind: 'aborted', tries: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('calls a malformed body, no choices, empty or non-JSON content invalid_response', async () => {
    const mind = mindOn(server);
    server.enqueue(answer.malformed());
    expect(await failure(mind.complete(perceiveRequest()))).toMatchObject({
      kind: 'invalid_response',
      retryable: true,
      tries: 1,
    });
    server.enqueue(answer.noChoices());
    expect((await failure(mind.complete(perceiveRequest()))).message).toContain('no choices');
    server.enqueue(answer.text(''));
    expect((await failure(mind.complete(perceiveRequest()))).message).toContain('no text content');
    server.enqueue(answer.text('Here is the outcome: the ant eats.'));
    const notJson = await failure(mind.complete(adjudicateRequest()));
    expect(notJson).toMatchObject({ kind: 'invalid_response', status: 200 });
    expect(notJson.message).toContain('not JSON');
    // Each answered once: a broken reply is the kernel's to retry, not the mind's.
    expect(server.requests).toHaveLength(4);
  });

  it('takes a 200 with a non-JSON content type as a broken reply', async () => {
    server.enqueue({ kind: 'raw', status: 200, body: '<html>ok</html>', contentType: 'text/html' });
    expect(await failure(mindOn(server).complete(perceiveRequest()))).toMatchObject({
      kind: 'invalid_response',
    });
  });
});
