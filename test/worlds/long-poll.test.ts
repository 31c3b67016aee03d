import { answer, createLlmServer, type LlmServer } from '../support';
import { ok, op, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

// A long poll (`wait_ms`) may ask for longer than the gateway's own wait for a
// service: the gateway waits `wait_ms` on top of its timeout, and the service
// answers with the current state when the wait is over, never a 503.
const REQUEST_TIMEOUT_MS = 1_500;
const WAIT_MS = 3_000;

describe('long polls outlast the request timeout (real servers)', () => {
  let stack: PlatformStack;
  let server: LlmServer;

  beforeAll(async () => {
    // Every call hangs: the turn stays running for as long as the test looks.
    server = await createLlmServer({
      handler: () => answer.text('Thinking.', { delayMs: 60_000 }),
    });
    stack = await startRealPlatform({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
  });

  it('answers get_turn_status with the running attempt once wait_ms is over', async () => {
    const { scenario_hash } = await ok(stack, 'assemble_scenario', validRequest());
    await ok(stack, 'create_world', {
      slug: 'slow-world',
      scenario_ref: { hash: scenario_hash },
      mind: {
        provider: 'openai-compatible',
        base_url: server.baseUrl,
        model: 'scripted-model',
        max_retries: 0,
        timeout_ms: 60_000,
      },
    });
    const run = await ok(stack, 'run_turn', { world_slug: 'slow-world' });
    await server.waitForRequests(1, 20_000);

    const started = Date.now();
    const { status, body } = await op(stack, 'get_turn_status', {
      world_slug: 'slow-world',
      attempt_id: run.attempt_id,
      wait_ms: WAIT_MS,
    });
    const waited = Date.now() - started;

    expect(status).toBe(200);
    expect(body).toMatchObject({ attempt_id: run.attempt_id, status: 'running' });
    expect(waited).toBeGreaterThanOrEqual(WAIT_MS - 50);
  }, 60_000);
});
