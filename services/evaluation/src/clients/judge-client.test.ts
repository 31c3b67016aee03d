import { JudgeClient, type JudgeCallFailed } from './judge-client';

const request = (spec: {
  type: 'numeric' | 'boolean' | 'categorical';
  min?: number;
  max?: number;
  values?: string[];
}) => ({
  messages: [{ role: 'user' as const, content: 'the evidence' }],
  schema: {},
  spec,
});

describe('JudgeClient', () => {
  const client = () =>
    new JudgeClient({
      breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 },
      env: {},
      timeoutMs: 1000,
    });

  it('the offline judge answers the same question the same way, typed as its score', async () => {
    const judges = client();
    const signal = new AbortController().signal;
    const numeric = await judges.ask(
      { provider: 'offline' },
      request({ type: 'numeric', min: 1, max: 5 }),
      signal,
    );
    expect(await judges.ask({}, request({ type: 'numeric', min: 1, max: 5 }), signal)).toEqual(
      numeric,
    );
    const verdict = JSON.parse(numeric.text) as { score: number; reason: string };
    expect(verdict.score).toBeGreaterThanOrEqual(1);
    expect(verdict.score).toBeLessThanOrEqual(5);
    expect(Number.isInteger(verdict.score)).toBe(true);
    const category = JSON.parse(
      (await judges.ask({}, request({ type: 'categorical', values: ['x', 'y'] }), signal)).text,
    ) as { score: string };
    expect(['x', 'y']).toContain(category.score);
    expect(numeric).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });

  it('a provider that keeps failing is refused at once once its breaker opens', async () => {
    const judges = client();
    // Nothing listens on port 9 (discard) here: the connection is refused
    // (no retries, so each call is one refused connection).
    const mind = {
      provider: 'openai-compatible',
      base_url: 'http://127.0.0.1:9/v1',
      model: 'm',
      max_retries: 0,
    };
    const signal = new AbortController().signal;
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) {
      await judges
        .ask(mind, request({ type: 'boolean' }), signal)
        .catch((error: JudgeCallFailed) => {
          reasons.push(error.reason);
        });
    }
    expect(reasons).toEqual(['http_error', 'http_error', 'circuit_open']);
    expect(judges.breakerOf(mind).state).toBe('open');
    // Another provider has its own breaker.
    expect(judges.breakerOf({ ...mind, base_url: 'http://127.0.0.1:10/v1' }).state).toBe('closed');
  });

  it("a run's breaker settings make a breaker of their own for the provider", async () => {
    const judges = client();
    const mind = {
      provider: 'openai-compatible',
      base_url: 'http://127.0.0.1:9/v1',
      model: 'm',
      max_retries: 0,
    };
    const signal = new AbortController().signal;
    const label = { judgeId: 'j', attempt: 0 };
    const reasons: string[] = [];
    for (let i = 0; i < 2; i++) {
      await judges
        .ask(mind, request({ type: 'boolean' }), signal, label, {
          breaker: { failure_threshold: 1 },
        })
        .catch((error: JudgeCallFailed) => {
          reasons.push(error.reason);
        });
    }
    // Open after one failure, where the service's (2 in a row) would still have let it through.
    expect(reasons).toEqual(['http_error', 'circuit_open']);
    expect(judges.breakerOf(mind, { failure_threshold: 1 }).state).toBe('open');
    expect(judges.breakerOf(mind).state).toBe('closed');
  });

  it('a mind that cannot be asked as configured fails at once, and its breaker stays closed', async () => {
    const judges = client();
    // No base URL, OPENAI_BASE_URL nor key: the hosted API would need a key.
    const mind = { provider: 'openai-compatible' };
    for (let i = 0; i < 3; i++) {
      await expect(
        judges.ask(mind, request({ type: 'boolean' }), new AbortController().signal),
      ).rejects.toMatchObject({ reason: 'mind_config', message: expect.stringMatching(/API key/) });
    }
    expect(judges.breakerOf(mind).state).toBe('closed');
  });

  it('a hedged request given up on is aborted, and not held against its provider', async () => {
    const judges = client();
    const mind = { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', model: 'm' };
    const controller = new AbortController();
    controller.abort();
    for (let i = 0; i < 3; i++) {
      await expect(
        judges.ask(mind, request({ type: 'boolean' }), controller.signal),
      ).rejects.toMatchObject({ reason: 'aborted' });
    }
    expect(judges.breakerOf(mind).state).toBe('closed');
  });
});
