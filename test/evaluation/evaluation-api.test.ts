import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { countRows, http, rowCountChanges, settledRowCounts } from '../support';

/**
 * The evaluation service through the gateway on real Postgres, NATS and
 * Kafka (docs/services/evaluation.md): CRUD and paging, every refusal with
 * its status, code, reason and path and nothing written, versioned world
 * models, candidate lineage, compare-and-swap updates racing, and the
 * status moves update_run allows.
 */
describe('evaluation service (real servers)', () => {
  let stack: PlatformStack;
  beforeAll(async () => {
    stack = await startRealPlatform();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function call(operation: string, request: unknown) {
    return http(`${stack.url}/v1/ops/${operation}`, 'POST', request);
  }
  async function ok(operation: string, request: unknown): Promise<any> {
    const response = await call(operation, request);
    if (response.status !== 200) {
      throw new Error(`${operation}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  /** A project with a run, a candidate, a suite and a world model. */
  async function world(name: string) {
    const project = await ok('create_project', { name });
    const suite = await ok('create_scenario_suite', {
      project_id: project.id,
      name: 'suite',
      scenarios: [{ name: 'locked-room' }],
    });
    const run = await ok('create_run', { project_id: project.id, scenario_suite_id: suite.id });
    const candidate = await ok('create_candidate', { run_id: run.id, content: { p: 1 } });
    const model = await ok('create_world_model', { project_id: project.id, model: { v: 1 } });
    return { project, suite, run, candidate, model };
  }

  it('creates, reads, updates and lists, with versions and times', async () => {
    const created = await ok('create_project', { name: 'crud' });
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'crud',
      version: 1,
      created_at: expect.any(String),
      updated_at: created.created_at,
    });
    expect(await ok('get_project', { id: created.id })).toEqual(created);
    const updated = await ok('update_project', { id: created.id, description: 'about' });
    expect(updated).toMatchObject({
      id: created.id,
      name: 'crud',
      description: 'about',
      version: 2,
    });
    expect(updated.created_at).toBe(created.created_at);
    const session = await ok('create_chat_session', { project_id: created.id });
    const message = await ok('create_message', {
      chat_session_id: session.id,
      role: 'assistant',
      content: 'hello',
    });
    expect(message).toMatchObject({ project_id: created.id, chat_session_id: session.id });
    expect((await ok('list_messages', { chat_session_id: session.id })).items).toEqual([message]);
    const run = await ok('create_run', { project_id: created.id });
    expect(run).toMatchObject({ status: 'pending', config: {} });
    expect(run).not.toHaveProperty('scenario_suite_id');
  });

  it('lists a page at a time: next_cursor only while more follow', async () => {
    const project = await ok('create_project', { name: 'paging' });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await ok('create_problem_spec', { project_id: project.id, spec: { i } })).id);
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ok('list_problem_specs', { project_id: project.id, limit: 2, cursor });
      seen.push(...page.items.map((item: { id: number }) => item.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const exact = await ok('list_problem_specs', { project_id: project.id, limit: 5 });
    expect(exact).not.toHaveProperty('next_cursor');
  });

  it('keeps every version of a world model, readable by version and as history', async () => {
    const { model } = await world('history');
    for (const v of [2, 3, 4]) {
      expect(await ok('update_world_model', { id: model.id, model: { v } })).toMatchObject({
        version: v,
        model: { v },
      });
    }
    expect(await ok('get_world_model', { id: model.id })).toMatchObject({
      version: 4,
      model: { v: 4 },
    });
    expect(await ok('get_world_model', { id: model.id, version: 2 })).toMatchObject({
      id: model.id,
      version: 2,
      model: { v: 2 },
    });
    const first = await ok('world_model_history', { id: model.id, limit: 3 });
    expect(first.versions.map((v: { version: number }) => v.version)).toEqual([4, 3, 2]);
    const rest = await ok('world_model_history', { id: model.id, cursor: first.next_cursor });
    expect(rest).toEqual({
      id: model.id,
      // Each version names who saved it: the tests' admin token's principal.
      versions: [{ version: 1, model: { v: 1 }, created_at: model.created_at, actor: 'admin' }],
    });
  });

  it('records candidate lineage: parents of the same project', async () => {
    const { run } = await world('lineage');
    const a = await ok('create_candidate', { run_id: run.id, content: { gen: 0 } });
    const b = await ok('create_candidate', {
      run_id: run.id,
      content: { gen: 1 },
      parent_ids: [a.id],
    });
    const c = await ok('create_candidate', {
      run_id: run.id,
      content: { gen: 2 },
      parent_ids: [b.id, a.id],
    });
    expect((await ok('get_candidate', { id: c.id })).parent_ids).toEqual([b.id, a.id]);
    expect(a.parent_ids).toEqual([]);
    const listed = await ok('list_candidates', { run_id: run.id });
    expect(listed.items.map((x: { id: number }) => x.id)).toContain(c.id);
  });

  it('refuses bad references and bad values with code, reason and path, writing nothing', async () => {
    const mine = await world('mine');
    const theirs = await world('theirs');
    const evaluation = await ok('create_evaluation', {
      candidate_id: mine.candidate.id,
      score_config: { scores: { s: { type: 'numeric', min: 0, max: 1 } } },
      scores: { s: 0.5 },
    });
    const config = {
      scores: {
        wait: { type: 'numeric', min: 0, max: 100 },
        safe: { type: 'boolean' },
        verdict: { type: 'categorical', values: ['better', 'worse'] },
      },
    };
    const good = { wait: 10, safe: true, verdict: 'better' };
    const evaluate = (scores: unknown, score_config: unknown = config) => ({
      candidate_id: mine.candidate.id,
      score_config,
      scores,
    });
    const ghost = 9_000_000_000;
    const cases: Array<[string, string, unknown, number, string, string, string]> = [
      [
        'no such project',
        'create_chat_session',
        { project_id: ghost },
        404,
        'not_found',
        'project_not_found',
        '/project_id',
      ],
      [
        'no such session',
        'create_message',
        { chat_session_id: ghost, role: 'user', content: 'x' },
        404,
        'not_found',
        'chat_session_not_found',
        '/chat_session_id',
      ],
      [
        'a message without role',
        'create_message',
        { chat_session_id: 1, content: 'x' },
        400,
        'invalid_argument',
        'missing_field',
        '/role',
      ],
      [
        'an unknown role',
        'create_message',
        { chat_session_id: 1, role: 'bot', content: 'x' },
        400,
        'invalid_argument',
        'invalid_enum',
        '/role',
      ],
      [
        'an empty project name',
        'create_project',
        { name: '' },
        400,
        'invalid_argument',
        'empty_text',
        '/name',
      ],
      [
        'a suite of another project',
        'create_run',
        { project_id: mine.project.id, scenario_suite_id: theirs.suite.id },
        400,
        'invalid_argument',
        'different_project',
        '/scenario_suite_id',
      ],
      [
        'a parent that does not exist',
        'create_candidate',
        { run_id: mine.run.id, content: {}, parent_ids: [mine.candidate.id, ghost] },
        404,
        'not_found',
        'candidate_not_found',
        '/parent_ids/1',
      ],
      [
        'a parent of another project',
        'create_candidate',
        { run_id: mine.run.id, content: {}, parent_ids: [theirs.candidate.id] },
        400,
        'invalid_argument',
        'different_project',
        '/parent_ids/0',
      ],
      [
        'a repeated parent',
        'create_candidate',
        { run_id: mine.run.id, content: {}, parent_ids: [1, 1] },
        400,
        'invalid_argument',
        'invalid_value',
        '/parent_ids',
      ],
      [
        'a suite with no scenarios',
        'create_scenario_suite',
        { project_id: mine.project.id, name: 's', scenarios: [] },
        400,
        'invalid_argument',
        'too_few_items',
        '/scenarios',
      ],
      [
        'a scenario by a bad hash',
        'create_scenario_suite',
        { project_id: mine.project.id, name: 's', scenarios: [{ hash: 'abc' }] },
        400,
        'invalid_argument',
        'invalid_hash',
        '/scenarios/0/hash',
      ],
      [
        'an unknown score',
        'create_evaluation',
        evaluate({ ...good, extra: 1 }),
        400,
        'invalid_argument',
        'unknown_score',
        '/scores/extra',
      ],
      [
        'a missing score',
        'create_evaluation',
        evaluate({ wait: 1, safe: true }),
        400,
        'invalid_argument',
        'missing_field',
        '/scores/verdict',
      ],
      [
        'a number out of range',
        'create_evaluation',
        evaluate({ ...good, wait: 101 }),
        400,
        'invalid_argument',
        'score_out_of_range',
        '/scores/wait',
      ],
      [
        'a boolean given a number',
        'create_evaluation',
        evaluate({ ...good, safe: 1 }),
        400,
        'invalid_argument',
        'wrong_score_type',
        '/scores/safe',
      ],
      [
        'an unknown category',
        'create_evaluation',
        evaluate({ ...good, verdict: 'same' }),
        400,
        'invalid_argument',
        'unknown_category',
        '/scores/verdict',
      ],
      [
        'min above max',
        'create_evaluation',
        evaluate({ wait: 1 }, { scores: { wait: { type: 'numeric', min: 5, max: 1 } } }),
        400,
        'invalid_argument',
        'invalid_score_spec',
        '/score_config/scores/wait/max',
      ],
      [
        'a category list missing',
        'create_evaluation',
        evaluate({ v: 'a' }, { scores: { v: { type: 'categorical' } } }),
        400,
        'invalid_argument',
        'missing_field',
        '/score_config/scores/v/values',
      ],
      [
        'a range on a boolean',
        'create_evaluation',
        evaluate({ b: true }, { scores: { b: { type: 'boolean', min: 0 } } }),
        400,
        'invalid_argument',
        'invalid_score_spec',
        '/score_config/scores/b/min',
      ],
      [
        'an issue target of another project',
        'create_issue',
        {
          project_id: mine.project.id,
          target_kind: 'candidate',
          target_id: theirs.candidate.id,
          title: 't',
        },
        400,
        'invalid_argument',
        'different_project',
        '/target_id',
      ],
      [
        'an issue target that does not exist',
        'create_issue',
        { project_id: mine.project.id, target_kind: 'world_model', target_id: ghost, title: 't' },
        404,
        'not_found',
        'world_model_not_found',
        '/target_id',
      ],
      [
        'no such record',
        'get_project',
        { id: ghost },
        404,
        'not_found',
        'project_not_found',
        '/id',
      ],
      [
        'an update of nothing',
        'update_project',
        { id: mine.project.id },
        400,
        'invalid_argument',
        'nothing_to_update',
        '',
      ],
      [
        'an update of a fixed field',
        'update_candidate',
        { id: mine.candidate.id, content: {} },
        400,
        'invalid_argument',
        'unknown_field',
        '/content',
      ],
      [
        'an update at a stale version',
        'update_project',
        { id: mine.project.id, name: 'n', expected_version: 7 },
        409,
        'conflict',
        'version_mismatch',
        '/expected_version',
      ],
      [
        'an update of a missing record',
        'update_issue',
        { id: ghost, status: 'open' },
        404,
        'not_found',
        'issue_not_found',
        '/id',
      ],
      [
        'scores that break the stored config',
        'update_evaluation',
        { id: evaluation.id, scores: { s: 2 } },
        400,
        'invalid_argument',
        'score_out_of_range',
        '/scores/s',
      ],
      [
        'a malformed cursor',
        'list_projects',
        { cursor: 'abc' },
        400,
        'invalid_argument',
        'invalid_cursor',
        '/cursor',
      ],
      [
        'a limit over 100',
        'list_runs',
        { limit: 101 },
        400,
        'invalid_argument',
        'out_of_range',
        '/limit',
      ],
      [
        'a version past the latest',
        'get_world_model',
        { id: mine.model.id, version: 9 },
        400,
        'invalid_argument',
        'no_such_version',
        '/version',
      ],
    ];
    const before = await settledRowCounts(stack.infra.knex);
    const problems: string[] = [];
    for (const [name, operation, request, status, code, reason, path] of cases) {
      const response = await call(operation, request);
      const error = response.body?.error;
      const got = [response.status, error?.code, error?.details?.reason, error?.details?.path];
      if (JSON.stringify(got) !== JSON.stringify([status, code, reason, path])) {
        problems.push(`${name}: got ${JSON.stringify(got)}, ${JSON.stringify(error?.message)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
  });

  it('compare-and-swap updates racing: exactly one wins, the rest get version_mismatch', async () => {
    const { model } = await world('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('update_world_model', { id: model.id, model: { racer: i }, expected_version: 1 }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((r) => r.status === 200)!.body;
    expect(winner.version).toBe(2);
    for (const lost of results.filter((r) => r.status === 409)) {
      expect(lost.body.error.details).toMatchObject({ reason: 'version_mismatch', current: 2 });
    }
    const history = await ok('world_model_history', { id: model.id });
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.versions[0].model).toEqual(winner.model);
  });

  it('updates without a version racing: each gets its own version, all kept', async () => {
    const { model } = await world('free-for-all');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ok('update_world_model', { id: model.id, model: { n: i } }),
      ),
    );
    expect(results.map((r) => r.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
    const history = await ok('world_model_history', { id: model.id });
    expect(history.versions).toHaveLength(7);
    for (const r of results) {
      expect(
        history.versions.find((v: { version: number }) => v.version === r.version).model,
      ).toEqual(r.model);
    }
  });
  it("update_run moves a create_run run's status forward only; a final status never changes", async () => {
    const { run } = await world('statuses');
    expect(await ok('update_run', { id: run.id, status: 'pending' })).toMatchObject({
      status: 'pending',
      version: 2,
    });
    expect(await ok('update_run', { id: run.id, status: 'running' })).toMatchObject({ version: 3 });
    const done = await ok('update_run', { id: run.id, status: 'completed' });
    expect(done).toMatchObject({ status: 'completed', version: 4 });
    const before = await settledRowCounts(stack.infra.knex);
    for (const to of ['running', 'pending', 'cancelled']) {
      const refused = await call('update_run', { id: run.id, status: to });
      expect(refused).toMatchObject({
        status: 409,
        body: {
          error: {
            code: 'conflict',
            details: {
              reason: 'invalid_transition',
              path: '/status',
              id: run.id,
              from: 'completed',
              to,
            },
          },
        },
      });
    }
    const back = await call('update_run', { id: run.id, status: 'pending', expected_version: 4 });
    expect(back.body.error.details.reason).toBe('invalid_transition');
    // Nothing written: no version, no event.
    expect(await ok('get_run', { id: run.id })).toEqual(done);
    expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    const running = (await world('running')).run;
    await ok('update_run', { id: running.id, status: 'running' });
    expect(
      (await call('update_run', { id: running.id, status: 'pending' })).body.error.details,
    ).toMatchObject({ reason: 'invalid_transition', from: 'running', to: 'pending' });
    expect(await ok('update_run', { id: running.id, status: 'failed' })).toMatchObject({
      status: 'failed',
      version: 3,
    });
  });

  it('update_run refuses any status for a run start_run runs, writing nothing; the run goes on', async () => {
    const assembled = await ok('assemble_scenario', validRequest({ scenario_slug: 'managed_run' }));
    const project = await ok('create_project', { name: 'managed' });
    const suite = await ok('create_scenario_suite', {
      project_id: project.id,
      name: 'one',
      scenarios: [{ hash: assembled.scenario_hash }],
    });
    const experiment = await ok('create_experiment', {
      project_id: project.id,
      experiment: {
        id: 'managed',
        backend: { id: 'offline' },
        pipeline: [
          {
            name: 'evaluate',
            options: { suite_id: suite.id, candidates: [{ name: 'calm' }], turns: 1 },
          },
        ],
      },
    });
    const started = await ok('start_run', { experiment_id: experiment.id });
    expect(started.run.status).toBe('running');
    // Completing it by hand would leave its jobs running and a gate undecided.
    const early = await call('update_run', { id: started.run.id, status: 'completed' });
    expect(early).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          details: { reason: 'run_managed', path: '/status', id: started.run.id, to: 'completed' },
        },
      },
    });
    const progress = await ok('get_run_progress', { id: started.run.id, wait_ms: 30_000 });
    expect(progress).toMatchObject({ status: 'completed', worlds_done: 1, worlds_failed: 0 });
    const finished = await ok('get_run', { id: started.run.id });
    const before = await settledRowCounts(stack.infra.knex);
    for (const to of ['running', 'cancelled', 'completed']) {
      const refused = await call('update_run', { id: started.run.id, status: to });
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toMatchObject({ reason: 'run_managed', path: '/status' });
    }
    expect(await ok('get_run', { id: started.run.id })).toEqual(finished);
    expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
  }, 60_000);
});
