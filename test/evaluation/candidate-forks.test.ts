import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
} from '../scenarios/fixtures';
import { validRequest } from '../scenarios/validation.suite';

/**
 * Profile and fork candidates on real Postgres, NATS and Kafka with the
 * offline mind (docs/services/evaluation.md, "Running an evaluation"): each
 * suite scenario is forked through the scenarios service, the worlds run on
 * the forks, results are keyed by the forks and reused on a re-run.
 */
describe('evaluation: profile and fork candidates (real servers)', () => {
  let stack: PlatformStack;
  let projectId: number;
  let suiteId: number;
  let hashes: string[];
  // The suite's profile with another retry budget: another profile hash.
  const patientProfile = {
    inline: {
      perceive_system: { inline: PERCEIVE_SYSTEM },
      intend_system: { inline: INTEND_SYSTEM },
      adjudicate_system: { inline: ADJUDICATE_SYSTEM },
      adjudication_schema: { inline: ADJUDICATION_SCHEMA },
      adjudication_retry_budget: 3,
    },
  };
  beforeAll(async () => {
    stack = await startRealPlatform();
    const first = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'fork_first' }),
    });
    const second = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'fork_second', description: 'Two other keepers.' }),
    });
    hashes = [first.scenario_hash, second.scenario_hash];
    projectId = (await ok(stack, 'create_project', { name: 'forks' })).id;
    suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'two',
        scenarios: hashes.map((hash) => ({ hash })),
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  let experiments = 0;
  async function experiment(candidates: unknown[]): Promise<number> {
    experiments += 1;
    const stored = await ok(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id: `forks_${experiments}`,
        backend: { id: 'offline' },
        pipeline: [{ name: 'evaluate', options: { suite_id: suiteId, candidates, turns: 2 } }],
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

  interface Item {
    candidate: string;
    candidate_kind: string;
    scenario_hash: string;
    suite_scenario_hash: string;
    key_hash: string;
    world_slug: string | null;
    status: string;
    result: { state_hash: string } | null;
  }

  it('runs each candidate on its forks of the suite scenarios; a re-run reuses every result', async () => {
    const experimentId = await experiment([
      { name: 'plain' },
      { name: 'patient', profiles: { keeper: patientProfile } },
      { name: 'slow', changes: { chronon_seconds: 1200 } },
    ]);
    const started = await ok(stack, 'start_run', { experiment_id: experimentId });
    expect(started).toMatchObject({ jobs: 6, reused: 0, to_run: 6 });
    await until(
      () => ok(stack, 'get_run_progress', { id: started.run.id }),
      (p: { status: string }) => p.status !== 'running',
    );
    const items = (await ok(stack, 'list_run_results', { run_id: started.run.id })).items as Item[];
    expect(items.map((i) => [i.candidate, i.candidate_kind, i.status])).toEqual([
      ['plain', 'mind', 'done'],
      ['plain', 'mind', 'done'],
      ['patient', 'profile', 'done'],
      ['patient', 'profile', 'done'],
      ['slow', 'fork', 'done'],
      ['slow', 'fork', 'done'],
    ]);
    // Each job stands for its suite scenario, in suite order.
    expect(items.map((i) => i.suite_scenario_hash)).toEqual([...hashes, ...hashes, ...hashes]);

    // The forks are the scenarios service's own: the same fork asked again is the same hash.
    const expected = new Map<string, string>();
    for (const hash of hashes) {
      const patient = await ok(stack, 'fork_scenario', {
        primary_parent: { hash },
        changes: { cognition_profile_upserts: { keeper: patientProfile } },
      });
      const slow = await ok(stack, 'fork_scenario', {
        primary_parent: { hash },
        changes: { chronon_seconds: 1200 },
      });
      expect(patient.was_new_scenario).toBe(false);
      expect(slow.was_new_scenario).toBe(false);
      expected.set(`plain:${hash}`, hash);
      expected.set(`patient:${hash}`, patient.scenario_hash);
      expected.set(`slow:${hash}`, slow.scenario_hash);
    }
    for (const item of items) {
      expect(item.scenario_hash).toBe(
        expected.get(`${item.candidate}:${item.suite_scenario_hash}`),
      );
      // Every world runs on its job's scenario.
      const world = await ok(stack, 'get_world', { world_slug: item.world_slug });
      expect(world.world.scenario_hash).toBe(item.scenario_hash);
    }
    expect(new Set(items.map((i) => i.scenario_hash)).size).toBe(6);
    // Another scenario or profile is another result key.
    expect(new Set(items.map((i) => i.key_hash)).size).toBe(6);

    // compare_runs names each candidate's kind and the forks its worlds ran on.
    const compared = await ok(stack, 'compare_runs', { run_id: started.run.id });
    expect(compared.candidates).toEqual(
      ['plain', 'patient', 'slow'].map((candidate) => ({
        candidate,
        kind: items.find((i) => i.candidate === candidate)!.candidate_kind,
        scenarios: hashes.map((hash) => ({
          suite_scenario_hash: hash,
          scenario_hash: expected.get(`${candidate}:${hash}`),
        })),
      })),
    );

    const worldsBefore = await stack.count('worlds', 'worlds');
    const scenariosBefore = await stack.count('scenarios', 'scenarios');
    const again = await ok(stack, 'start_run', { experiment_id: experimentId });
    expect(again).toMatchObject({ jobs: 6, reused: 6, to_run: 0, run: { status: 'completed' } });
    const reused = (await ok(stack, 'list_run_results', { run_id: again.run.id })).items as Item[];
    expect(reused.map((i) => [i.status, i.scenario_hash, i.key_hash])).toEqual(
      items.map((i) => ['reused', i.scenario_hash, i.key_hash]),
    );
    expect(reused.map((i) => i.result)).toEqual(items.map((i) => i.result));
    expect(await stack.count('worlds', 'worlds')).toBe(worldsBefore);
    expect(await stack.count('scenarios', 'scenarios')).toBe(scenariosBefore);

    // A mind and a profile in one candidate: the profile's fork, the mind's key.
    const mixed = await ok(stack, 'start_run', {
      experiment_id: await experiment([
        {
          name: 'patient-warm',
          mind: { provider: 'offline', params: { temperature: 1 } },
          profiles: { keeper: patientProfile },
        },
      ]),
    });
    expect(mixed).toMatchObject({ jobs: 2, reused: 0, to_run: 2 });
    await until(
      () => ok(stack, 'get_run_progress', { id: mixed.run.id }),
      (p: { status: string }) => p.status !== 'running',
    );
    const mixedItems = (await ok(stack, 'list_run_results', { run_id: mixed.run.id }))
      .items as Item[];
    expect(mixedItems.map((i) => i.scenario_hash)).toEqual(
      hashes.map((h) => expected.get(`patient:${h}`)),
    );
    for (const item of mixedItems) {
      expect(items.map((i) => i.key_hash)).not.toContain(item.key_hash);
    }
  }, 180_000);

  it('a fork the scenarios service refuses refuses the run at the candidate, writing nothing', async () => {
    const runsBefore = await stack.count('evaluation', 'runs');
    const jobsBefore = await stack.count('evaluation', 'run_jobs');
    const scenariosBefore = await stack.count('scenarios', 'scenarios');
    const badChanges = await op(stack, 'start_run', {
      experiment_id: await experiment([
        { name: 'plain' },
        { name: 'ghostly', changes: { cognition_profile_removals: ['ghost'] } },
      ]),
    });
    expect(badChanges).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_argument',
          details: {
            reason: 'label_not_found',
            path: '/pipeline/0/options/candidates/1/changes/cognition_profile_removals/0',
            fork_path: '/changes/cognition_profile_removals/0',
            candidate: 'ghostly',
            suite_scenario_hash: hashes[0],
          },
        },
      },
    });
    const unknownProfile = await op(stack, 'start_run', {
      experiment_id: await experiment([
        { name: 'unknown', profiles: { keeper: { hash: 'c'.repeat(64) } } },
      ]),
    });
    expect(unknownProfile).toMatchObject({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          details: {
            reason: 'component_not_found',
            path: '/pipeline/0/options/candidates/0/profiles/keeper/hash',
            fork_path: '/changes/cognition_profile_upserts/keeper/hash',
            candidate: 'unknown',
          },
        },
      },
    });
    const badProfile = await op(stack, 'start_run', {
      experiment_id: await experiment([{ name: 'bad', profiles: { keeper: { hash: 'nope' } } }]),
    });
    expect(badProfile).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_argument',
          details: { path: '/pipeline/0/options/candidates/0/profiles/keeper/hash' },
        },
      },
    });
    // Changes that are no object break the plan's rules: create_experiment refuses to store them.
    const notAnObject = await op(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id: 'forks_not_an_object',
        backend: { id: 'offline' },
        pipeline: [
          {
            name: 'evaluate',
            options: {
              suite_id: suiteId,
              candidates: [{ name: 'x', changes: 'slower' }],
              turns: 2,
            },
          },
        ],
      },
    });
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.body.error.details).toMatchObject({
      reason: 'invalid_run_plan',
      path: '/experiment/pipeline/0/options/candidates/0/changes',
    });
    expect(notAnObject.body.error.details.problems).toEqual([
      {
        path: '/experiment/pipeline/0/options/candidates/0/changes',
        message: "a ScenarioChanges object (fork_scenario's changes) is required",
      },
    ]);
    expect(await stack.count('evaluation', 'runs')).toBe(runsBefore);
    expect(await stack.count('evaluation', 'run_jobs')).toBe(jobsBefore);
    expect(await stack.count('scenarios', 'scenarios')).toBe(scenariosBefore);
  }, 60_000);
});
