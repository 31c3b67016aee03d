import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

/**
 * Running an evaluation on real Postgres, NATS and Kafka with the offline
 * mind (docs/services/evaluation.md, "Running an evaluation"): worlds made
 * through the worlds service, moved on by its turn events, results keyed by
 * content and reused.
 */
describe('evaluation: runs (real servers)', () => {
  let stack: PlatformStack;
  let projectId: number;
  let suiteId: number;
  let hashes: string[];
  beforeAll(async () => {
    stack = await startRealPlatform();
    const first = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'eval_first' }),
      name: 'eval-first',
    });
    const second = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'eval_second', description: 'Two other keepers.' }),
    });
    hashes = [first.scenario_hash, second.scenario_hash];
    projectId = (await ok(stack, 'create_project', { name: 'runs' })).id;
    suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'two',
        scenarios: [{ name: 'eval-first' }, { hash: second.scenario_hash }],
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  let experiments = 0;
  async function experiment(options: Record<string, unknown>): Promise<number> {
    experiments += 1;
    const stored = await ok(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id: `runs_${experiments}`,
        backend: { id: 'offline' },
        pipeline: [{ name: 'evaluate', options }],
      },
    });
    return stored.id;
  }

  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const finished = (p: { status: string }) => p.status !== 'running';

  it('runs every candidate x scenario x seed, then a re-run reuses every result and makes no world', async () => {
    const experimentId = await experiment({
      suite_id: suiteId,
      candidates: [
        { name: 'calm' },
        { name: 'warm', mind: { provider: 'offline', params: { temperature: 1 } } },
      ],
      turns: 2,
      seeds: [1, 2],
    });
    const started = await ok(stack, 'start_run', { experiment_id: experimentId });
    expect(started).toMatchObject({ jobs: 8, reused: 0, to_run: 8 });
    expect(started.run).toMatchObject({ status: 'running', scenario_suite_id: suiteId });
    expect(started.run.config.scenario_hashes).toEqual(hashes);

    const progress = await until(
      () => ok(stack, 'get_run_progress', { id: started.run.id }),
      finished,
    );
    expect(progress).toMatchObject({
      run_id: started.run.id,
      status: 'completed',
      worlds_total: 8,
      worlds_done: 8,
      worlds_reused: 0,
      worlds_failed: 0,
      turns_total: 16,
      turns_done: 16,
      estimate_remaining: { turns: 0 },
    });
    const page = await ok(stack, 'list_run_results', { run_id: started.run.id });
    expect(page.items).toHaveLength(8);
    for (const item of page.items) {
      expect(item).toMatchObject({ status: 'done', reused: false, turns_done: 2 });
      expect(item.result).toMatchObject({ world_slug: item.world_slug, turn: 2 });
      expect(item.result.state_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // Every combination has its own key (candidate, scenario and seed all count).
    expect(new Set(page.items.map((i: { key_hash: string }) => i.key_hash)).size).toBe(8);
    // The world at turn 2 is the one the result names.
    const world = await ok(stack, 'get_world', { world_slug: page.items[0].world_slug, turn: 2 });
    expect(world.state_hash).toBe(page.items[0].result.state_hash);
    expect((await ok(stack, 'get_run', { id: started.run.id })).status).toBe('completed');
    expect(await op(stack, 'cancel_run', { id: started.run.id })).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', details: { reason: 'run_finished', path: '/id' } } },
    });

    const worldsBefore = await stack.count('worlds', 'worlds');
    const callsBefore = await stack.count('worlds', 'llm_calls');
    const again = await ok(stack, 'start_run', { experiment_id: experimentId });
    expect(again).toMatchObject({ jobs: 8, reused: 8, to_run: 0, run: { status: 'completed' } });
    const reusedPage = await ok(stack, 'list_run_results', { run_id: again.run.id, limit: 5 });
    expect(reusedPage.items).toHaveLength(5);
    expect(reusedPage.next_cursor).toBeDefined();
    const rest = await ok(stack, 'list_run_results', {
      run_id: again.run.id,
      cursor: reusedPage.next_cursor,
    });
    const all = [...reusedPage.items, ...rest.items];
    expect(
      all.map((i: { status: string; reused: boolean; world_slug: null }) => [
        i.status,
        i.reused,
        i.world_slug,
      ]),
    ).toEqual(Array.from({ length: 8 }, () => ['reused', true, null]));
    expect(all.map((i: { result: unknown }) => i.result)).toEqual(
      page.items.map((i: { result: unknown }) => i.result),
    );
    expect(await ok(stack, 'get_run_progress', { id: again.run.id })).toMatchObject({
      status: 'completed',
      worlds_total: 0,
      worlds_reused: 8,
      turns_total: 0,
    });
    // Nothing was asked of the worlds service: no world, no LLM call.
    expect(await stack.count('worlds', 'worlds')).toBe(worldsBefore);
    expect(await stack.count('worlds', 'llm_calls')).toBe(callsBefore);
  }, 120_000);

  it('a run survives a restart of the evaluation service: turn events wait in Kafka', async () => {
    const experimentId = await experiment({
      suite_id: suiteId,
      candidates: [{ name: 'restarted' }],
      turns: 3,
      seeds: [11],
    });
    const started = await ok(stack, 'start_run', { experiment_id: experimentId });
    await stack.stopService('evaluation');
    // The worlds go on turning while the evaluation service is away.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stack.startService('evaluation');
    const progress = await until(
      () => ok(stack, 'get_run_progress', { id: started.run.id }),
      finished,
    );
    expect(progress).toMatchObject({ status: 'completed', worlds_done: 2, turns_done: 6 });
  }, 120_000);

  it('cancels a run: its unfinished work stops and later turn events change nothing', async () => {
    const experimentId = await experiment({
      suite_id: suiteId,
      candidates: [{ name: 'cancelled' }],
      turns: 100,
      seeds: [21, 22],
    });
    const started = await ok(stack, 'start_run', { experiment_id: experimentId });
    const cancelled = await ok(stack, 'cancel_run', { id: started.run.id });
    expect(cancelled).toMatchObject({ id: started.run.id, status: 'cancelled', version: 2 });
    expect(await ok(stack, 'cancel_run', { id: started.run.id })).toEqual(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const progress = await ok(stack, 'get_run_progress', { id: started.run.id });
    expect(progress).toMatchObject({ status: 'cancelled', worlds_cancelled: 4, worlds_done: 4 });
    const page = await ok(stack, 'list_run_results', { run_id: started.run.id });
    expect(page.items.map((i: { status: string }) => i.status)).toEqual(Array(4).fill('cancelled'));
    const turnsAfter = progress.turns_done;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await ok(stack, 'get_run_progress', { id: started.run.id })).turns_done).toBe(
      turnsAfter,
    );
  }, 60_000);

  it('refuses what it cannot run, with codes and paths, and writes nothing', async () => {
    const runsBefore = await stack.count('evaluation', 'runs');
    expect(await op(stack, 'start_run', { experiment_id: 999_999 })).toMatchObject({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          details: { reason: 'experiment_not_found', path: '/experiment_id' },
        },
      },
    });
    const noPlan = (
      await ok(stack, 'create_experiment', {
        project_id: projectId,
        experiment: { id: 'no_plan', backend: { id: 'x' }, pipeline: [{ name: 'inference' }] },
      })
    ).id;
    const refused = await op(stack, 'start_run', { experiment_id: noPlan });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_argument',
          details: { reason: 'invalid_run_plan', path: '/experiment_id' },
        },
      },
    });
    expect(refused.body.error.details.problems).toEqual([
      { path: '/pipeline', message: 'no enabled stage named "evaluate"' },
    ]);
    // A plan breaking a rule is not stored at all (create_experiment checks it), so it never runs.
    const bad = await op(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id: 'bad_plan',
        backend: { id: 'x' },
        pipeline: [
          {
            name: 'evaluate',
            options: { suite_id: suiteId, candidates: [{ name: 'x' }], turns: 0 },
          },
        ],
      },
    });
    expect([bad.status, bad.body.error.details.reason]).toEqual([400, 'invalid_run_plan']);
    expect(bad.body.error.details.problems).toEqual([
      {
        path: '/experiment/pipeline/0/options/turns',
        message: 'an integer from 1 to 100 is required',
      },
    ]);
    const noSuite = await experiment({ suite_id: 999_999, candidates: [{ name: 'x' }], turns: 1 });
    expect(await op(stack, 'start_run', { experiment_id: noSuite })).toMatchObject({
      status: 404,
      body: { error: { details: { reason: 'scenario_suite_not_found' } } },
    });
    const missingScenario = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'missing',
        scenarios: [{ name: 'eval-first' }, { name: 'no-such-scenario' }],
      })
    ).id;
    const unresolved = await experiment({
      suite_id: missingScenario,
      candidates: [{ name: 'x' }],
      turns: 1,
    });
    expect(await op(stack, 'start_run', { experiment_id: unresolved })).toMatchObject({
      status: 404,
      body: { error: { details: { reason: 'scenario_not_found', suite_path: '/scenarios/1' } } },
    });
    expect(await stack.count('evaluation', 'runs')).toBe(runsBefore);
    expect(await op(stack, 'get_run_progress', { id: 999_999 })).toMatchObject({ status: 404 });
    expect(await op(stack, 'cancel_run', { id: 999_999 })).toMatchObject({ status: 404 });
  }, 60_000);
});
