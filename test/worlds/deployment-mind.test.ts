import {
  answer,
  createLlmServer,
  http,
  type LlmServer,
  type ReceivedChatRequest,
} from '../support';
import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

const VALID = {
  narration: 'The keeper acts; nothing else moves.',
  agent_state_after: 'Still at work.',
  agent_memory_append: 'Tried something.',
  entity_mutations: [],
  environment_mutations: [],
};
const isAdjudication = (r: ReceivedChatRequest) =>
  r.responseFormat !== undefined && r.responseFormat !== 'text';

// A world whose mind names a model deployment the evaluation service knows:
// worlds resolves it over the bus (resolve_deployment) to the deployment's
// endpoint and model name, and thinks with the OpenAI-compatible mind there
// (docs/services/worlds.md, "Minds"). Real servers, a scripted LLM server.
describe('worlds with a deployment-named mind (real servers)', () => {
  let stack: PlatformStack;
  let server: LlmServer;
  let scenarioHash: string;

  beforeAll(async () => {
    server = await createLlmServer({
      handler: (r) => (isAdjudication(r) ? answer.json(VALID) : answer.text('I look around me.')),
    });
    stack = await startRealPlatform();
    scenarioHash = (await ok(stack, 'assemble_scenario', validRequest())).scenario_hash;
    await ok(stack, 'register_model', { model: { id: 'keeper' } });
    await ok(stack, 'register_model_version', {
      model_version: { id: 'keeper_v1', model_id: 'keeper', version: '1.0.0' },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  const deployment = (id: string) => ({
    id,
    model_version_id: 'keeper_v1',
    endpoint: { base_url: server.baseUrl, model: 'keeper-served' },
  });
  const status = (id: string, state: string) => ({ id: `${id}_s`, deployment_id: id, state });
  async function createWorld(slug: string, deploymentId: string, seed: number) {
    return http(`${stack.url}/v1/ops/create_world`, 'POST', {
      slug,
      scenario_ref: { hash: scenarioHash },
      mind: {
        provider: 'deployment',
        deployment_id: deploymentId,
        max_retries: 1,
        params: { seed },
      },
    });
  }
  async function turn(slug: string) {
    const run = await ok(stack, 'run_turn', { world_slug: slug });
    return ok(stack, 'get_turn_status', {
      world_slug: slug,
      attempt_id: run.attempt_id,
      wait_ms: 30_000,
    });
  }

  it('runs a turn against the deployment: its endpoint, its model name', async () => {
    await ok(stack, 'report_deployment', {
      deployment: deployment('keeper_prod'),
      status: status('keeper_prod', 'active'),
    });
    const created = await createWorld('deployed', 'keeper_prod', 101);
    expect(created.status).toBe(200);
    // Stored as given: each turn resolves the deployment again.
    expect(created.body.mind).toEqual({
      provider: 'deployment',
      deployment_id: 'keeper_prod',
      max_retries: 1,
      params: { seed: 101 },
    });
    expect(await turn('deployed')).toMatchObject({ status: 'committed', produced_turn: 1 });
    const mine = server.requests.filter((r) => r.body['seed'] === 101);
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((r) => r.model))).toEqual(new Set(['keeper-served']));
    const calls = await ok(stack, 'list_llm_calls', { world_slug: 'deployed' });
    expect(calls.usage.calls).toBe(mine.length);
  }, 60_000);

  it('refuses a deployment unknown or not serving, with code, reason and path; writes no world', async () => {
    const unknown = await createWorld('nowhere', 'no_such_deployment', 102);
    expect([
      unknown.status,
      unknown.body.error?.details?.reason,
      unknown.body.error?.details?.path,
    ]).toEqual([404, 'deployment_not_found', '/mind/deployment_id']);
    await ok(stack, 'report_deployment', { deployment: deployment('keeper_pending') });
    const pending = await createWorld('pending', 'keeper_pending', 103);
    expect([
      pending.status,
      pending.body.error?.details?.reason,
      pending.body.error?.details?.path,
    ]).toEqual([409, 'deployment_not_serving', '/mind/deployment_id']);
    for (const slug of ['nowhere', 'pending']) {
      const got = await http(`${stack.url}/v1/ops/get_world`, 'POST', { world_slug: slug });
      expect(got.status).toBe(404);
    }
  });

  it('fails the turn, before any call, once its deployment is terminated', async () => {
    await ok(stack, 'report_deployment', {
      deployment: deployment('keeper_canary'),
      status: status('keeper_canary', 'active'),
    });
    expect((await createWorld('canary', 'keeper_canary', 104)).status).toBe(200);
    await ok(stack, 'report_deployment', {
      deployment: deployment('keeper_canary'),
      status: status('keeper_canary', 'terminated'),
    });
    const failed = await turn('canary');
    expect(failed).toMatchObject({ status: 'failed', produced_turn: null });
    expect(failed.failure.message).toContain('terminated');
    expect(server.requests.filter((r) => r.body['seed'] === 104)).toEqual([]);
  }, 60_000);
});
