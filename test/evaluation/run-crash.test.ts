import { startServiceProcess, type ServiceProcess } from '../components/processes';
import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { testInfra } from '../support';

/**
 * A run survives a killed evaluation process (docs/services/evaluation.md,
 * "Running an evaluation"): the evaluation service runs as its own process
 * (built dist/main.js) beside the in-process platform, is killed with
 * SIGKILL in the middle of a run, and another replica finishes the run from
 * what is in Postgres and Kafka.
 */
describe('evaluation: a run survives a killed evaluation process (real servers)', () => {
  let stack: PlatformStack;
  let child: ServiceProcess | undefined;
  beforeAll(async () => {
    stack = await startRealPlatform();
  }, 120_000);
  afterAll(async () => {
    await child?.stop(1000);
    await stack?.stop();
  }, 60_000);

  it('finishes every world once another replica takes over', async () => {
    const scenario = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: 'crash' }));
    const project = await ok(stack, 'create_project', { name: 'crash' });
    const suite = await ok(stack, 'create_scenario_suite', {
      project_id: project.id,
      name: 'one',
      scenarios: [{ hash: scenario.scenario_hash }],
    });
    const experiment = await ok(stack, 'create_experiment', {
      project_id: project.id,
      experiment: {
        id: 'crash',
        backend: { id: 'offline' },
        pipeline: [
          {
            name: 'evaluate',
            options: {
              suite_id: suite.id,
              candidates: [{ name: 'a' }, { name: 'b', engine: 'simultaneous' }],
              turns: 30,
              seeds: [1, 2],
              scorers: [{ name: 'intents', kind: 'count', event_kind: 'intent_formed' }],
            },
          },
        ],
      },
    });

    // The in-process evaluation service steps aside for a process of its own.
    await stack.stopService('evaluation');
    // The platform's own database, on the test server (as createTestDatabase names its URL).
    const { rows } = await stack.infra.knex.raw<{ rows: Array<{ db: string }> }>(
      'select current_database() as db',
    );
    const databaseUrl = new URL(testInfra().pgAdminUrl);
    databaseUrl.pathname = `/${rows[0]!.db}`;
    child = startServiceProcess('evaluation', {
      DATABASE_URL: databaseUrl.toString(),
      NATS_URL: testInfra().natsUrl,
      KAFKA_BROKERS: testInfra().kafkaBrokers.join(','),
      CRUCIBLE_PREFIX: stack.infra.prefix,
      EVALUATION_LEASE_MS: '1000',
      REQUEST_TIMEOUT_MS: '10000',
    });
    await child.waitForLog('ready', 60_000);

    const started = await ok(stack, 'start_run', { experiment_id: experiment.id });
    expect(started).toMatchObject({ jobs: 4, to_run: 4 });
    const deadline = Date.now() + 60_000;
    let progress = await ok(stack, 'get_run_progress', { id: started.run.id });
    while (progress.turns_done === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      progress = await ok(stack, 'get_run_progress', { id: started.run.id });
    }
    expect(progress).toMatchObject({ status: 'running' });
    child.child.kill('SIGKILL');
    await child.stop(0);
    child = undefined;

    // Another replica: the jobs' state is in Postgres, the turn events wait in Kafka.
    await stack.startService('evaluation');
    const done = await ok(stack, 'get_run_progress', { id: started.run.id, wait_ms: 30_000 });
    expect(done).toMatchObject({
      status: 'completed',
      worlds_total: 4,
      worlds_done: 4,
      worlds_failed: 0,
      turns_done: 120,
    });
    const page = await ok(stack, 'list_run_results', { run_id: started.run.id });
    for (const item of page.items) {
      expect(item).toMatchObject({ status: 'done', turns_done: 30, result: { turn: 30 } });
      expect(item.result.scores.intents).toBeGreaterThan(0);
    }
  }, 180_000);
});
