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
    // Nothing listens on port 9 (discard) here: the connection is refused.
    const mind = { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', model: 'm' };
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

  it('a mind without a base URL (and no OPENAI_BASE_URL) is a failed call', async () => {
    await expect(
      client().ask(
        { provider: 'openai-compatible' },
        request({ type: 'boolean' }),
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ reason: 'http_error' });
  });
});
