import { loadServiceDefinitions } from '@crucible/platform';
import { EnvReader, type Stoppable } from '@crucible/runtime';
import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { answer, createLlmServer, type LlmServer } from '../support';

/** A valid adjudication (and any other JSON answer) of the scripted mind. */
const ADJUDICATED = {
  narration: 'Nothing moves.',
  agent_state_after: 'Waiting.',
  agent_memory_append: 'Waited.',
  entity_mutations: [],
  environment_mutations: [],
};

/** Each scripted answer takes this long: a world of 100 turns cannot finish within a test. */
const CALL_MS = 100;

/** What the worlds service holds of a run's worlds (slugs `eval-<run>-<job>`). */
interface RunWorlds {
  /** Worlds made. */
  worlds: number;
  /** Attempts still queued or running. */
  unfinished: number;
  /** Attempts failed by cancel_turns. */
  cancelled: number;
  /** Committed turns, all worlds together. */
  turns: number;
  /** LLM call records of the worlds. */
  calls: number;
  /** Requests the scripted model received (every run of the file together). */
  requests: number;
}

/**
 * cancel_run stops the run's worlds (docs/services/evaluation.md,
 * "Cancelling a run"), on real Postgres, NATS and Kafka with a slow scripted
 * OpenAI-compatible mind: after the cancel settles the worlds service runs
 * no further turn of them, records no further LLM call and the model gets
 * no further request, also when the replica that committed the cancel
 * never got to ask the worlds service.
 */
describe('evaluation: a cancelled run stops its worlds (real servers)', () => {
  let stack: PlatformStack;
  let suiteId: number;
  let projectId: number;
  let replica: Stoppable | undefined;
  let llm: LlmServer;
  beforeAll(async () => {
    llm = await createLlmServer({
      handler: (r) =>
        r.responseFormat !== undefined && r.responseFormat !== 'text'
          ? answer.json(ADJUDICATED, { delayMs: CALL_MS })
          : answer.text('I look at the door.', { delayMs: CALL_MS }),
    });
    stack = await startRealPlatform();
    const first = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: 'stop_a' }));
    const second = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'stop_b', description: 'Two other keepers.' }),
    });
    projectId = (await ok(stack, 'create_project', { name: 'cancel' })).id;
    suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'two',
        scenarios: [{ hash: first.scenario_hash }, { hash: second.scenario_hash }],
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await replica?.stop();
    await stack?.stop();
    await llm?.close();
  }, 60_000);

  async function startRun(id: string, seeds: number[]): Promise<number> {
    const experiment = await ok(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id,
        backend: { id: 'offline' },
        pipeline: [
          {
            name: 'evaluate',
            options: {
              suite_id: suiteId,
              candidates: [
                {
                  name: id,
                  mind: {
                    provider: 'openai-compatible',
                    base_url: llm.baseUrl,
                    model: 'scripted-model',
                    max_retries: 0,
                  },
                },
              ],
              turns: 100,
              seeds,
            },
          },
        ],
      },
    });
    const started = await ok(stack, 'start_run', { experiment_id: experiment.id });
    return started.run.id;
  }

  async function runWorlds(runId: number): Promise<RunWorlds> {
    const { rows } = await stack.infra.knex.raw<{ rows: Array<Record<string, string>> }>(
      `with w as (select id from worlds.worlds where slug like ?)
       select (select count(*) from w) as worlds,
              (select count(*) from worlds.turn_attempts
                where world_id in (select id from w) and status in ('queued', 'running')) as unfinished,
              (select count(*) from worlds.turn_attempts
                where world_id in (select id from w) and failure->>'code' = 'turns_cancelled') as cancelled,
              (select count(*) from worlds.world_turns
                where world_id in (select id from w) and turn > 0) as turns,
              (select count(*) from worlds.llm_calls where world_id in (select id from w)) as calls`,
      [`eval-${runId}-%`],
    );
    const row = rows[0]!;
    return {
      worlds: Number(row.worlds),
      unfinished: Number(row.unfinished),
      cancelled: Number(row.cancelled),
      turns: Number(row.turns),
      calls: Number(row.calls),
      requests: llm.requests.length,
    };
  }

  async function worldStops(runId: number): Promise<Array<string | null>> {
    const { rows } = await stack.infra.knex.raw<{ rows: Array<{ world_stop: string | null }> }>(
      'select world_stop from evaluation.run_jobs where run_id = ? order by id',
      [runId],
    );
    return rows.map((r) => r.world_stop);
  }

  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /**
   * Waits until no attempt of the run's worlds is queued or running and the
   * turns, calls and model requests stop changing (a turn running when it
   * was cancelled finishes its calls, though it cannot commit), then checks
   * that nothing moves for two more seconds; returns the settled figures.
   */
  async function settled(runId: number): Promise<RunWorlds> {
    let last = await until(
      () => runWorlds(runId),
      (w) => w.unfinished === 0,
    );
    for (;;) {
      await sleep(1000);
      const now = await runWorlds(runId);
      if (now.turns === last.turns && now.calls === last.calls && now.requests === last.requests)
        break;
      last = now;
    }
    await sleep(2000);
    expect(await runWorlds(runId)).toEqual(last);
    return last;
  }

  it('stops every world of a run cancelled mid-run: no turn or LLM call after it settles', async () => {
    const runId = await startRun('mid_run', [1, 2]);
    await until(
      () => ok(stack, 'get_run_progress', { id: runId }),
      (p) => p.turns_done > 0,
    );
    expect(await ok(stack, 'cancel_run', { id: runId })).toMatchObject({ status: 'cancelled' });

    const after = await settled(runId);
    // Turns were made and paid for, and the rest were cancelled, not left to run.
    expect(after.worlds).toBeGreaterThan(0);
    expect(after.turns).toBeGreaterThan(0);
    expect(after.calls).toBeGreaterThan(0);
    expect(after.cancelled).toBeGreaterThan(0);
    // Every job whose world may exist had it stopped (a job still queued had none).
    const stops = (await worldStops(runId)).filter((stop) => stop !== null);
    expect(new Set(stops)).toEqual(new Set(['stopped']));
    expect(stops.length).toBeGreaterThanOrEqual(after.worlds);
    expect(await ok(stack, 'get_run_progress', { id: runId })).toMatchObject({
      status: 'cancelled',
      worlds_cancelled: 4,
    });
    // The cancelled worlds stay readable, with the calls their turns paid for.
    const page = await ok(stack, 'list_run_results', { run_id: runId });
    const made = page.items.find((i: { turns_done: number }) => i.turns_done > 0);
    const world = await ok(stack, 'get_world', { world_slug: made.world_slug });
    expect(world.turn).toBeGreaterThanOrEqual(made.turns_done);
    expect(world.world.usage.calls).toBeGreaterThan(0);
  }, 90_000);

  it('stops the worlds of a cancel committed by a replica that never asked the worlds service', async () => {
    const runId = await startRun('replica_gone', [3]);
    // Both worlds made and turning.
    await until(
      () => ok(stack, 'list_run_results', { run_id: runId }),
      (page) => page.items.every((i: { turns_done: number }) => i.turns_done > 0),
    );
    // The cancel is answered by a replica whose run worker has no slot: as if
    // it died right after committing the cancel.
    await stack.stopService('evaluation');
    const definition = loadServiceDefinitions().find((d) => d.name === 'evaluation');
    if (definition === undefined) throw new Error('no evaluation service registered');
    replica = await definition
      .configure(new EnvReader({ REQUEST_TIMEOUT_MS: '10000', EVALUATION_WORKER_CONCURRENCY: '0' }))
      .start(stack.infra);
    expect(await ok(stack, 'cancel_run', { id: runId })).toMatchObject({ status: 'cancelled' });
    const cancelledAt = await runWorlds(runId);
    await sleep(1500);
    // Nobody stopped them yet: the worlds turn on (the model is still asked),
    // their stops wait in run_jobs.
    const unstopped = await runWorlds(runId);
    expect(unstopped.requests).toBeGreaterThan(cancelledAt.requests);
    expect(unstopped.cancelled).toBe(0);
    expect(await worldStops(runId)).toEqual(['pending', 'pending']);
    await replica.stop();
    replica = undefined;

    // Any replica with a worker makes the stops it finds pending.
    await stack.startService('evaluation');
    const after = await settled(runId);
    expect(after.turns).toBeLessThan(200);
    expect(after.cancelled).toBeGreaterThan(0);
    expect(await worldStops(runId)).toEqual(['stopped', 'stopped']);
    expect((await ok(stack, 'get_run', { id: runId })).status).toBe('cancelled');
  }, 120_000);
});
