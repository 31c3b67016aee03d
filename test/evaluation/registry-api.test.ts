import { streamTopic } from '@crucible/contracts';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import {
  countRows,
  http,
  openKafkaStreamReader,
  rowCountChanges,
  settledRowCounts,
  testInfra,
} from '../support';

/**
 * Experiments in the IR and the model registry through the gateway, on real
 * servers (docs/services/evaluation.md): IR validation, storing experiments,
 * versions and their rules, and alias and stage compare-and-swap races.
 */
describe('evaluation: experiments and model registry (real servers)', () => {
  let stack: PlatformStack;
  let projectId: number;
  beforeAll(async () => {
    stack = await startRealPlatform();
    projectId = (await ok('create_project', { name: 'registry' })).id;
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

  it('validate_experiment lists every problem with its path, or the defaulted experiment', async () => {
    const bad = await ok('validate_experiment', {
      experiment: {
        id: 'x y',
        backend: { id: 'b' },
        pipeline: [{}],
        training_config: {
          id: 't',
          model_ref: { id: 'm' },
          dataset_ref: { name: 'd' },
          epochs: 0,
          learning_rate: 0,
        },
        reliability: { feedback: { sampling_rate: 1.5 } },
        model_version: { id: 'v', model_id: 'm', version: '1.0' },
      },
    });
    expect(bad.valid).toBe(false);
    expect(bad.problems.map((p: { path: string; reason: string }) => [p.path, p.reason])).toEqual([
      ['/id', 'invalid_id'],
      ['/pipeline/0/name', 'missing_field'],
      ['/reliability/feedback/sampling_rate', 'out_of_range'],
      ['/model_version/version', 'invalid_semver'],
      ['/training_config/epochs', 'out_of_range'],
      ['/training_config/learning_rate', 'out_of_range'],
    ]);
    const good = await ok('validate_experiment', {
      experiment: { id: 'e', backend: { id: 'b' }, pipeline: [{ name: 's' }] },
    });
    expect(good).toEqual({
      valid: true,
      problems: [],
      experiment: {
        id: 'e',
        backend: { id: 'b', profile: 'default' },
        pipeline: [{ name: 's', enabled: true }],
      },
    });
    expect((await ok('validate_experiment', { experiment: 'text' })).problems).toEqual([
      expect.objectContaining({ path: '', reason: 'wrong_type' }),
    ]);
  });

  describe("the evaluate stage's run plan", () => {
    // An evaluate stage breaking five of start_run's plan rules; the first stage is another one.
    const badOptions = {
      suite_id: 0,
      candidates: [{ name: 'Calm' }, { name: 'warm', engine: 'fast' }],
      turns: 101,
      seeds: [1, 1],
      extra: true,
    };
    const planned = (options: unknown, stage: Record<string, unknown> = {}) => ({
      id: 'planned',
      backend: { id: 'offline' },
      pipeline: [{ name: 'simulate' }, { name: 'evaluate', options, ...stage }],
    });
    const expected = [
      ['/pipeline/1/options/extra', 'unknown field'],
      ['/pipeline/1/options/suite_id', 'a scenario suite id is required'],
      ['/pipeline/1/options/turns', 'an integer from 1 to 100 is required'],
      ['/pipeline/1/options/seeds', 'seeds repeat'],
      ['/pipeline/1/options/candidates/0/name', 'a label (a-z, 0-9, _ and -) is required'],
      ['/pipeline/1/options/candidates/1/engine', 'sequential or simultaneous'],
    ];

    it('validate_experiment lists its problems after the IR ones, as start_run would refuse them', async () => {
      const report = await ok('validate_experiment', { experiment: planned(badOptions) });
      expect(report).toEqual({
        valid: false,
        problems: expected.map(([path, message]) => ({
          path,
          reason: 'invalid_run_plan',
          message: `${path}: ${message}`,
        })),
      });
      // Both kinds at once: the IR's problems first, then the plan's.
      const both = await ok('validate_experiment', {
        experiment: { ...planned({ ...badOptions, extra: undefined }), backend: {} },
      });
      expect(
        both.problems.map((p: { path: string; reason: string }) => [p.path, p.reason]),
      ).toEqual([
        ['/backend/id', 'missing_field'],
        ...expected.slice(1).map(([path]) => [path, 'invalid_run_plan']),
      ]);
      // A disabled evaluate stage is no plan: nothing of it is checked.
      const disabled = await ok('validate_experiment', {
        experiment: planned(badOptions, { enabled: false }),
      });
      expect([disabled.valid, disabled.problems]).toEqual([true, []]);
    });

    it('create_experiment refuses a plan that breaks a rule with every problem, writing nothing', async () => {
      const before = await settledRowCounts(stack.infra.knex);
      const refused = await call('create_experiment', {
        project_id: projectId,
        experiment: planned(badOptions),
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_argument');
      expect(refused.body.error.details).toEqual({
        reason: 'invalid_run_plan',
        path: '/experiment/pipeline/1/options/extra',
        problems: expected.map(([path, message]) => ({ path: `/experiment${path}`, message })),
      });
      expect(refused.body.error.message).toMatch(
        /^the evaluate stage has no valid run plan: \/experiment\/pipeline\/1\/options\/extra: unknown field; .* \(and 1 more\)$/,
      );
      // A rule of the plan is checked before the project is looked up.
      const noProject = await call('create_experiment', {
        project_id: 9_000_000_000,
        experiment: planned({ ...badOptions, extra: undefined, seeds: [1] }),
      });
      expect([noProject.status, noProject.body.error.details.path]).toEqual([
        400,
        '/experiment/pipeline/1/options/suite_id',
      ]);
      expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
      // Once the plan keeps the rules it is stored; whether its suite exists is start_run's to say.
      const fixed = await ok('create_experiment', {
        project_id: projectId,
        experiment: planned({ suite_id: 999_999, candidates: [{ name: 'calm' }], turns: 2 }),
      });
      expect(fixed).toMatchObject({ project_id: projectId, experiment_id: 'planned' });
    });
  });

  it('stores an experiment once: the same again returns it, other content under its id is refused', async () => {
    const experiment = { id: 'exp_once', backend: { id: 'b' }, pipeline: [{ name: 's' }] };
    const stored = await ok('create_experiment', { project_id: projectId, experiment });
    expect(stored).toMatchObject({
      project_id: projectId,
      experiment_id: 'exp_once',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(stored.experiment.pipeline).toEqual([{ name: 's', enabled: true }]);
    // Defaults written out or not, it is the same experiment.
    const explicit = { ...experiment, backend: { id: 'b', profile: 'default' } };
    expect(await ok('create_experiment', { project_id: projectId, experiment: explicit })).toEqual(
      stored,
    );
    expect(await ok('get_experiment', { id: stored.id })).toEqual(stored);
    const other = await call('create_experiment', {
      project_id: projectId,
      experiment: { ...experiment, pipeline: [{ name: 't' }] },
    });
    expect([other.status, other.body.error.details.reason, other.body.error.details.path]).toEqual([
      409,
      'experiment_exists',
      '/experiment/id',
    ]);
  });

  it('refuses bad experiments and registry writes with code, reason and path, writing nothing', async () => {
    await ok('register_model', { model: { id: 'refusals' } });
    await ok('register_model_version', {
      model_version: { id: 'refusals_1', model_id: 'refusals', version: '1.0.0' },
    });
    await ok('register_model_version', {
      model_version: {
        id: 'refusals_old',
        model_id: 'refusals',
        version: '0.9.0',
        stage: 'archived',
      },
    });
    const cases: Array<[string, string, unknown, number, string, string]> = [
      [
        'an experiment breaking a rule',
        'create_experiment',
        { project_id: projectId, experiment: { id: 'e', backend: { id: 'b' }, pipeline: [] } },
        400,
        'too_few_items',
        '/experiment/pipeline',
      ],
      [
        'an experiment in no project',
        'create_experiment',
        {
          project_id: 9_000_000_000,
          experiment: { id: 'e', backend: { id: 'b' }, pipeline: [{ name: 's' }] },
        },
        404,
        'project_not_found',
        '/project_id',
      ],
      [
        'a model id with a space',
        'register_model',
        { model: { id: 'a b' } },
        400,
        'invalid_id',
        '/model/id',
      ],
      [
        'a model registered again differently',
        'register_model',
        { model: { id: 'refusals', provider: 'openai' } },
        409,
        'model_exists',
        '/model/id',
      ],
      [
        'a version that is not semver',
        'register_model_version',
        { model_version: { id: 'v', model_id: 'refusals', version: '1' } },
        400,
        'invalid_semver',
        '/model_version/version',
      ],
      [
        'an unknown stage',
        'register_model_version',
        { model_version: { id: 'v', model_id: 'refusals', version: '1.0.1', stage: 'live' } },
        400,
        'invalid_enum',
        '/model_version/stage',
      ],
      [
        'a version of no model',
        'register_model_version',
        { model_version: { id: 'v', model_id: 'ghost', version: '1.0.0' } },
        404,
        'model_not_found',
        '/model_version/model_id',
      ],
      [
        'a parent that is not registered',
        'register_model_version',
        {
          model_version: {
            id: 'v',
            model_id: 'refusals',
            version: '2.0.0',
            parent_version: '1.5.0',
          },
        },
        404,
        'model_version_not_found',
        '/model_version/parent_version',
      ],
      [
        'a version registered again differently',
        'register_model_version',
        {
          model_version: {
            id: 'refusals_1',
            model_id: 'refusals',
            version: '1.0.0',
            stage: 'staging',
          },
        },
        409,
        'model_version_exists',
        '/model_version/version',
      ],
      [
        'a version id taken',
        'register_model_version',
        { model_version: { id: 'refusals_1', model_id: 'refusals', version: '3.0.0' } },
        409,
        'model_version_exists',
        '/model_version/id',
      ],
      [
        'an alias to no version',
        'set_model_alias',
        { model_id: 'refusals', alias: 'champion', version: '9.9.9' },
        404,
        'model_version_not_found',
        '/version',
      ],
      [
        'an alias of no model',
        'set_model_alias',
        { model_id: 'ghost', alias: 'champion', version: '1.0.0' },
        404,
        'model_not_found',
        '/model_id',
      ],
      [
        'an alias that is not a label',
        'set_model_alias',
        { model_id: 'refusals', alias: 'Champion!', version: '1.0.0' },
        400,
        'invalid_label',
        '/alias',
      ],
      [
        'a lost compare-and-swap',
        'set_model_alias',
        {
          model_id: 'refusals',
          alias: 'champion',
          version: '1.0.0',
          expected_current_version: '1.0.0',
        },
        409,
        'cas_failed',
        '/expected_current_version',
      ],
      [
        'versions of no model',
        'list_model_versions',
        { model_id: 'ghost' },
        404,
        'model_not_found',
        '/model_id',
      ],
      ['no such model', 'get_model', { id: 'ghost' }, 404, 'model_not_found', '/id'],
      [
        'a stage move from a stage it is not at',
        'set_model_version_stage',
        { model_id: 'refusals', version: '1.0.0', stage: 'staging', expected_stage: 'production' },
        409,
        'cas_failed',
        '/expected_stage',
      ],
      [
        'a stage move out of archived',
        'set_model_version_stage',
        { model_id: 'refusals', version: '0.9.0', stage: 'production', expected_stage: 'archived' },
        409,
        'invalid_transition',
        '/stage',
      ],
      [
        'an unknown stage to move to',
        'set_model_version_stage',
        { model_id: 'refusals', version: '1.0.0', stage: 'live', expected_stage: 'development' },
        400,
        'invalid_enum',
        '/stage',
      ],
      [
        'a stage move without the expected stage',
        'set_model_version_stage',
        { model_id: 'refusals', version: '1.0.0', stage: 'staging' },
        400,
        'missing_field',
        '/expected_stage',
      ],
      [
        'a stage move of no version',
        'set_model_version_stage',
        { model_id: 'refusals', version: '9.9.9', stage: 'staging', expected_stage: 'development' },
        404,
        'model_version_not_found',
        '/version',
      ],
      [
        'a stage move of no model',
        'set_model_version_stage',
        { model_id: 'ghost', version: '1.0.0', stage: 'staging', expected_stage: 'development' },
        404,
        'model_not_found',
        '/model_id',
      ],
      [
        'stage history of no version',
        'model_version_stage_history',
        { model_id: 'refusals', version: '9.9.9' },
        404,
        'model_version_not_found',
        '/version',
      ],
    ];
    const before = await settledRowCounts(stack.infra.knex);
    const problems: string[] = [];
    for (const [name, operation, request, status, reason, path] of cases) {
      const response = await call(operation, request);
      const details = response.body?.error?.details;
      const got = [response.status, details?.reason, details?.path];
      if (JSON.stringify(got) !== JSON.stringify([status, reason, path])) {
        problems.push(
          `${name}: got ${JSON.stringify(got)} ${JSON.stringify(response.body?.error?.message)}`,
        );
      }
    }
    expect(problems).toEqual([]);
    expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    // A refused move changes no stage either (an update counts no new row).
    const listed = await ok('list_model_versions', { model_id: 'refusals' });
    expect(
      listed.items.map((v: { version: string; stage: string }) => [v.version, v.stage]),
    ).toEqual([
      ['1.0.0', 'development'],
      ['0.9.0', 'archived'],
    ]);
  });

  it('caps the lists a reply holds whole: 1000 problems, 100 aliases a model', async () => {
    // docs/services/evaluation.md, "Paging": bounded lists carry maxItems.
    const unknown: Record<string, unknown> = { id: 'e', backend: { id: 'b' } };
    for (let i = 0; i < 1100; i++) unknown[`x${i}`] = 1;
    const report = await ok('validate_experiment', { experiment: unknown });
    expect(report.valid).toBe(false);
    expect(report.problems).toHaveLength(1000);
    expect(report.problems_truncated).toBe(true);
    const few = await ok('validate_experiment', { experiment: { id: 'e' } });
    expect(few.problems_truncated).toBeUndefined();

    await ok('register_model', { model: { id: 'many_aliases' } });
    await ok('register_model_version', {
      model_version: { id: 'many_aliases_1', model_id: 'many_aliases', version: '1.0.0' },
    });
    await ok('register_model_version', {
      model_version: { id: 'many_aliases_2', model_id: 'many_aliases', version: '2.0.0' },
    });
    for (let i = 0; i < 100; i++)
      await ok('set_model_alias', { model_id: 'many_aliases', alias: `a${i}`, version: '1.0.0' });
    const refused = await call('set_model_alias', {
      model_id: 'many_aliases',
      alias: 'one-more',
      version: '1.0.0',
    });
    expect([
      refused.status,
      refused.body.error.details.reason,
      refused.body.error.details.path,
    ]).toEqual([409, 'too_many_aliases', '/alias']);
    // Moving an alias it has is no new alias.
    expect(
      (await ok('set_model_alias', { model_id: 'many_aliases', alias: 'a0', version: '2.0.0' }))
        .changed,
    ).toBe(true);
    expect((await ok('get_model', { id: 'many_aliases' })).aliases).toHaveLength(100);
  });

  it('lists versions by stage and in registration order, a page at a time', async () => {
    await ok('register_model', { model: { id: 'listing' } });
    const versions = ['1.0.0', '1.1.0', '2.0.0-rc.1', '2.0.0'];
    for (const [i, version] of versions.entries()) {
      await ok('register_model_version', {
        model_version: {
          id: `listing_${i}`,
          model_id: 'listing',
          version,
          stage: i % 2 === 0 ? 'staging' : 'production',
          parent_version: i === 0 ? undefined : versions[i - 1],
        },
      });
    }
    const first = await ok('list_model_versions', { model_id: 'listing', limit: 3 });
    expect(first.items.map((v: { version: string }) => v.version)).toEqual(versions.slice(0, 3));
    const rest = await ok('list_model_versions', {
      model_id: 'listing',
      cursor: first.next_cursor,
    });
    expect(rest).toEqual({ items: [expect.objectContaining({ version: '2.0.0' })] });
    const staging = await ok('list_model_versions', { model_id: 'listing', stage: 'staging' });
    expect(staging.items.map((v: { version: string }) => v.version)).toEqual([
      '1.0.0',
      '2.0.0-rc.1',
    ]);
  });

  it('alias compare-and-swap races: exactly one winner, history of every move', async () => {
    await ok('register_model', { model: { id: 'racing' } });
    for (const version of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0']) {
      await ok('register_model_version', {
        model_version: { id: `racing_${version.replace(/\./g, '_')}`, model_id: 'racing', version },
      });
    }
    // Create-only: eight callers, one alias.
    const creates = await Promise.all(
      ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.0.0', '1.1.0'].map((version) =>
        call('set_model_alias', {
          model_id: 'racing',
          alias: 'champion',
          version,
          expected_current_version: null,
        }),
      ),
    );
    expect(creates.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const first = creates.find((r) => r.status === 200)!.body;
    // Moves from the winner's version: again one winner.
    const targets = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'].filter(
      (v) => v !== first.version,
    );
    const moves = await Promise.all(
      targets.map((version) =>
        call('set_model_alias', {
          model_id: 'racing',
          alias: 'champion',
          version,
          expected_current_version: first.version,
        }),
      ),
    );
    expect(moves.filter((r) => r.status === 200)).toHaveLength(1);
    for (const lost of moves.filter((r) => r.status !== 200)) {
      expect(lost.body.error.details).toMatchObject({
        reason: 'cas_failed',
        expected: first.version,
      });
    }
    const second = moves.find((r) => r.status === 200)!.body;
    const history = await ok('model_alias_history', { model_id: 'racing', alias: 'champion' });
    expect(
      history.entries.map((e: { old_version: string | null; new_version: string }) => [
        e.old_version,
        e.new_version,
      ]),
    ).toEqual([
      [first.version, second.version],
      [null, first.version],
    ]);
    const model = await ok('get_model', { id: 'racing' });
    expect(model.aliases).toEqual([
      { alias: 'champion', version: second.version, updated_at: second.changed_at },
    ]);
  });

  it('stage compare-and-swap: moves, a race with one winner, history, events; archived is final', async () => {
    const modelId = 'staging_race';
    const reader = await openKafkaStreamReader(testInfra().kafkaBrokers, [
      streamTopic(stack.infra.prefix, 'evaluation'),
    ]);
    try {
      await ok('register_model', { model: { id: modelId } });
      const registered = { id: 'staging_race_1', model_id: modelId, version: '1.0.0' };
      await ok('register_model_version', { model_version: registered });
      const move = (stage: string, expected: string, note?: string) =>
        call('set_model_version_stage', {
          model_id: modelId,
          version: '1.0.0',
          stage,
          expected_stage: expected,
          ...(note === undefined ? {} : { note }),
        });

      const unmoved = await move('development', 'development');
      expect(unmoved.body).toMatchObject({
        stage: 'development',
        previous_stage: null,
        changed: false,
        history_id: null,
      });
      const staged = await move('staging', 'development', 'Ready for the night-shift trial.');
      expect(staged.body).toEqual({
        model_id: modelId,
        version: '1.0.0',
        stage: 'staging',
        previous_stage: 'development',
        changed: true,
        history_id: expect.any(Number),
        changed_at: expect.any(String),
      });
      // The same stage again writes nothing and names the move that put it there.
      const again = await move('staging', 'staging');
      expect(again.body).toEqual({ ...staged.body, changed: false });

      // Five callers expect staging: one moves it, the others see where it went.
      const targets = ['production', 'development', 'production', 'development', 'production'];
      const race = await Promise.all(targets.map((stage) => move(stage, 'staging')));
      const winners = race.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      const won = winners[0]!.body;
      for (const lost of race.filter((r) => r.status !== 200)) {
        expect([lost.status, lost.body.error.details]).toEqual([
          409,
          {
            reason: 'cas_failed',
            path: '/expected_stage',
            model_id: modelId,
            version: '1.0.0',
            expected: 'staging',
            current: won.stage,
          },
        ]);
      }
      const archived = await move('archived', won.stage);
      expect(archived.body).toMatchObject({ stage: 'archived', previous_stage: won.stage });
      const revived = await move('production', 'archived');
      expect([revived.status, revived.body.error.details]).toEqual([
        409,
        {
          reason: 'invalid_transition',
          path: '/stage',
          id: `${modelId} 1.0.0`,
          from: 'archived',
          to: 'production',
        },
      ]);

      const history = await ok('model_version_stage_history', {
        model_id: modelId,
        version: '1.0.0',
      });
      expect(history).toEqual({
        model_id: modelId,
        version: '1.0.0',
        entries: [
          {
            id: archived.body.history_id,
            old_stage: won.stage,
            new_stage: 'archived',
            note: null,
            changed_at: archived.body.changed_at,
            actor: 'admin',
          },
          {
            id: won.history_id,
            old_stage: 'staging',
            new_stage: won.stage,
            note: null,
            changed_at: won.changed_at,
            actor: 'admin',
          },
          {
            id: staged.body.history_id,
            old_stage: 'development',
            new_stage: 'staging',
            note: 'Ready for the night-shift trial.',
            changed_at: staged.body.changed_at,
            actor: 'admin',
          },
        ],
      });
      const older = await ok('model_version_stage_history', {
        model_id: modelId,
        version: '1.0.0',
        limit: 2,
      });
      expect(older.entries).toHaveLength(2);
      expect(
        (
          await ok('model_version_stage_history', {
            model_id: modelId,
            version: '1.0.0',
            cursor: older.next_cursor,
          })
        ).entries,
      ).toEqual([history.entries[2]]);

      // The version reads at its stage now; registering it again as first sent
      // (a retry after the move) returns it, another stage is other content.
      const now = { ...registered, stage: 'archived' };
      expect(await ok('list_model_versions', { model_id: modelId, stage: 'archived' })).toEqual({
        items: [now],
      });
      expect(await ok('register_model_version', { model_version: registered })).toEqual(now);
      expect(await ok('register_model_version', { model_version: now })).toEqual(now);
      const other = await call('register_model_version', {
        model_version: { ...registered, stage: 'production' },
      });
      expect([other.status, other.body.error.details.reason]).toEqual([
        409,
        'model_version_exists',
      ]);

      // One event a move, keyed by the model; none for a refusal or a no-op.
      await reader.waitFor('the archiving move', (r) => {
        const data = (r.json as { data?: { history_id?: number } } | undefined)?.data;
        return r.key === modelId && data?.history_id === archived.body.history_id;
      });
      const moves = reader
        .records()
        .filter((r) => r.key === modelId)
        .map((r) => r.json as { type: string; data: { change: string } })
        .filter((e) => e.data.change === 'stage_moved');
      expect(moves.map((e) => [e.type, e.data])).toEqual(
        [
          [staged.body, 'development'],
          [won, 'staging'],
          [archived.body, won.stage],
        ].map(([reply, from]) => [
          'evaluation.model_registry_changed',
          {
            model_id: modelId,
            change: 'stage_moved',
            version: '1.0.0',
            stage: (reply as { stage: string }).stage,
            previous_stage: from,
            history_id: (reply as { history_id: number }).history_id,
            actor: 'admin',
          },
        ]),
      );
    } finally {
      await reader.stop();
    }
  }, 60_000);
});
