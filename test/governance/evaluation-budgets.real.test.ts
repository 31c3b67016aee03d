import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { answer, createLlmServer, type LlmServer } from '../support';

// Evaluation runs under a directive, on real Postgres, NATS and Kafka
// (docs/services/evaluation.md, "Runs under a directive"): the run's worlds
// are made and their turns run under the directive (the worlds service
// charges them), its judges' calls are charged by the evaluation service,
// and governance's refusal once the budget is spent stops the whole run.

/** The offline mind priced like a paid model, for the worlds' turns. */
const WORLD_PRICES = {
  currency: 'USD',
  providers: { offline: { input_per_million: '1000', output_per_million: '2000' } },
};
/** The scripted judge's model: 1 USD a token. */
const JUDGE_PRICES = {
  currency: 'USD',
  models: { 'judge-paid': { input_per_million: '1000000', output_per_million: '1000000' } },
};

let stack: PlatformStack;
let llm: LlmServer;
let folder: string;
let projectId: number;
let suiteId: number;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crucible-eval-prices-'));
  writeFileSync(join(folder, 'worlds.json'), JSON.stringify(WORLD_PRICES));
  writeFileSync(join(folder, 'evaluation.json'), JSON.stringify(JUDGE_PRICES));
  llm = await createLlmServer({
    handler: () =>
      answer.json(
        { score: 4, reason: 'tidy' },
        { usage: { input_tokens: 600, output_tokens: 400 } },
      ),
  });
  stack = await startRealPlatform({
    env: {
      WORLDS_PRICE_TABLE: join(folder, 'worlds.json'),
      EVALUATION_PRICE_TABLE: join(folder, 'evaluation.json'),
      // One job scored at a time: the judge refused is the second one's.
      EVALUATION_WORKER_CONCURRENCY: '1',
    },
  });
  const scenario = await ok(
    stack,
    'assemble_scenario',
    validRequest({ scenario_slug: 'budget_eval' }),
  );
  projectId = (await ok(stack, 'create_project', { name: 'budgets' })).id;
  suiteId = (
    await ok(stack, 'create_scenario_suite', {
      project_id: projectId,
      name: 'one',
      scenarios: [{ hash: scenario.scenario_hash }],
    })
  ).id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await llm?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
}, 60_000);

/** An approved directive (the default policy approves type test in scope development). */
async function approvedDirective(budget?: Record<string, unknown>): Promise<string> {
  const created = await ok(stack, 'create_directive', {
    issued_by: 'planner',
    objective: 'Evaluate the keepers against the paid model.',
    scope: 'development',
    role: 'builder',
    type: 'test',
    status: 'proposed',
    ...(budget !== undefined && { budget }),
  });
  expect(created.directive.status).toBe('approved');
  return created.directive.id;
}

let experiments = 0;
async function experiment(options: Record<string, unknown>): Promise<number> {
  experiments += 1;
  const stored = await ok(stack, 'create_experiment', {
    project_id: projectId,
    experiment: {
      id: `budget_${experiments}`,
      backend: { id: 'offline' },
      pipeline: [{ name: 'evaluate', options: { suite_id: suiteId, ...options } }],
    },
  });
  return stored.id;
}

/** A run's progress once it stopped running. */
async function settled(runId: number): Promise<any> {
  for (;;) {
    const progress = await ok(stack, 'get_run_progress', { id: runId, wait_ms: 30_000 });
    if (progress.status !== 'running') return progress;
  }
}

/** The directive's spend, as governance refuses it (its budget is spent). */
async function spentOf(directive: string): Promise<any> {
  const refused = await op(stack, 'authorize_work', { work: 'start_run', directive_id: directive });
  expect([refused.status, refused.body.error.details.reason]).toEqual([429, 'budget_exhausted']);
  return refused.body.error.details;
}

describe('evaluation runs under a directive', () => {
  it('stops the run once the budget is spent mid-run: failed, budget_exhausted, no partial result', async () => {
    // One turn of a world costs more than 0.5 USD: no world gets past its first turn.
    const directive = await approvedDirective({ amount: '0.5', currency: 'USD' });
    const experimentId = await experiment({
      candidates: [{ name: 'calm' }],
      turns: 3,
      seeds: [1, 2, 3],
    });
    const resultsBefore = await stack.count('evaluation', 'results');
    const started = await ok(stack, 'start_run', {
      experiment_id: experimentId,
      directive_id: directive,
    });
    expect(started).toMatchObject({ jobs: 3, to_run: 3 });
    expect(started.run.config.directive_id).toBe(directive);
    const progress = await settled(started.run.id);
    expect(progress).toMatchObject({
      status: 'failed',
      worlds_total: 3,
      worlds_done: 3,
      worlds_failed: 3,
      stopped: { reason: 'budget_exhausted' },
    });
    expect(progress.stopped.message).toMatch(/budget of directive .* is spent/);
    // No world got past its first turn (a turn's events may come after the stop: not counted).
    expect(progress.turns_done).toBeLessThanOrEqual(3);
    // The progress shows what the directive has spent.
    expect(progress.directive_spend.currency).toBe('USD');
    expect(Number(progress.directive_spend.amount)).toBeGreaterThanOrEqual(0.5);
    expect((await ok(stack, 'get_run', { id: started.run.id })).status).toBe('failed');
    const page = await ok(stack, 'list_run_results', { run_id: started.run.id });
    for (const item of page.items) {
      expect(item).toMatchObject({ status: 'failed', result: null });
      expect(item.failure.code).toBe('budget_exhausted');
      if (item.world_slug !== null) {
        const world = (await ok(stack, 'get_world', { world_slug: item.world_slug })).world;
        expect(world.turn).toBeLessThan(3);
      }
    }
    // No result stored for a world left incomplete.
    expect(await stack.count('evaluation', 'results')).toBe(resultsBefore);
    // The spend is the directive's execution run's: the turns' calls, priced by the worlds.
    const spent = await spentOf(directive);
    expect(Number(spent.spent.amount)).toBeGreaterThanOrEqual(0.5);
    expect(spent.spent.currency).toBe('USD');
    expect(spent.run_id).toEqual(expect.any(String));

    // A new run under the spent directive is refused at once, nothing written.
    const runsBefore = await stack.count('evaluation', 'run_jobs');
    const again = await op(stack, 'start_run', {
      experiment_id: experimentId,
      directive_id: directive,
    });
    expect(again.status).toBe(429);
    expect(again.body.error.details).toMatchObject({ reason: 'budget_exhausted', id: directive });
    expect(await stack.count('evaluation', 'run_jobs')).toBe(runsBefore);
  }, 120_000);

  it('charges the judges under the directive and stops the run when a judge is refused', async () => {
    // A judge call costs 1000 USD, the worlds' turns about 1: the first judge call spends the budget.
    const directive = await approvedDirective({ amount: '50', currency: 'USD' });
    const experimentId = await experiment({
      candidates: [{ name: 'calm' }],
      turns: 1,
      seeds: [11, 12],
      scorers: [
        {
          name: 'tidiness',
          kind: 'llm_judge',
          rubric: 'Rate from 1 to 5 how tidy the keepers left the observatory.',
          type: 'numeric',
          min: 1,
          max: 5,
          judges: [
            {
              id: 'paid',
              mind: { provider: 'openai-compatible', base_url: llm.baseUrl, model: 'judge-paid' },
            },
          ],
          strategy: 'majority',
        },
      ],
    });
    const asked = llm.requests.length;
    const started = await ok(stack, 'start_run', {
      experiment_id: experimentId,
      directive_id: directive,
    });
    const progress = await settled(started.run.id);
    expect(progress).toMatchObject({
      status: 'failed',
      worlds_done: 2,
      worlds_failed: 1,
      stopped: { reason: 'budget_exhausted' },
    });
    // The first world was scored (its judge call paid for); the second's judge was never asked.
    expect(llm.requests.length - asked).toBe(1);
    const items = (await ok(stack, 'list_run_results', { run_id: started.run.id })).items;
    const done = items.filter((i: any) => i.status === 'done');
    const failed = items.filter((i: any) => i.status === 'failed');
    expect(done).toHaveLength(1);
    expect(done[0].result.scores).toEqual({ tidiness: 4 });
    expect(failed[0]).toMatchObject({ result: null, failure: { code: 'budget_exhausted' } });
    // Recorded: the judge's 1000 tokens at 1 USD each, on top of the turns.
    const spent = (await spentOf(directive)).spent;
    expect(Number(spent.amount)).toBeGreaterThanOrEqual(1000);
    expect(Number(spent.amount)).toBeLessThan(1050);
  }, 120_000);

  it('requires a directive for runs when the policy lists start_run', async () => {
    const experimentId = await experiment({
      candidates: [{ name: 'calm' }],
      turns: 1,
      seeds: [21],
    });
    const { hash, policy } = await ok(stack, 'get_policy', {});
    await ok(stack, 'set_policy', {
      policy: { ...policy, version: 'v2-runs', directive_required_work: ['start_run'] },
      expected_hash: hash,
      reason: 'evaluations run under directives',
    });
    try {
      const refused = await op(stack, 'start_run', { experiment_id: experimentId });
      expect(refused.status).toBe(403);
      expect(refused.body.error.details).toMatchObject({
        reason: 'directive_required',
        path: '/directive_id',
        work: 'start_run',
      });
      const directive = await approvedDirective();
      const started = await ok(stack, 'start_run', {
        experiment_id: experimentId,
        directive_id: directive,
      });
      const progress = await settled(started.run.id);
      expect(progress).toMatchObject({ status: 'completed', worlds_failed: 0 });
      expect(progress).not.toHaveProperty('stopped');

      // Listing judge_call: the judges of a run without a directive are refused, nothing stored.
      const judged = await experiment({
        candidates: [{ name: 'calm' }],
        turns: 1,
        seeds: [22],
        scorers: [
          {
            name: 'tidiness',
            kind: 'llm_judge',
            rubric: 'Rate from 1 to 5 how tidy the keepers left the observatory.',
            type: 'numeric',
            min: 1,
            max: 5,
            judges: [{ id: 'offline' }],
            strategy: 'majority',
          },
        ],
      });
      const current = await ok(stack, 'get_policy', {});
      await ok(stack, 'set_policy', {
        policy: { ...policy, version: 'v3-judges', directive_required_work: ['judge_call'] },
        expected_hash: current.hash,
        reason: 'judges under directives',
      });
      const bare = await ok(stack, 'start_run', { experiment_id: judged });
      expect(await settled(bare.run.id)).toMatchObject({ status: 'failed', worlds_failed: 1 });
      const [item] = (await ok(stack, 'list_run_results', { run_id: bare.run.id })).items;
      expect(item).toMatchObject({ result: null, failure: { code: 'permission_denied' } });
      expect(item.failure.message).toMatch(/judge_call/);
    } finally {
      const active = await ok(stack, 'get_policy', {});
      await ok(stack, 'set_policy', { policy, expected_hash: active.hash, reason: 'back' });
    }
  }, 120_000);
});
