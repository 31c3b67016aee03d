import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { ENTITIES } from '../scenarios/fixtures';
import { validRequest } from '../scenarios/validation.suite';

/**
 * Eval-gated promotion on real Postgres, NATS and Kafka with the offline
 * mind (docs/services/evaluation.md, "Eval-gated promotion"): a name bound
 * to a gate moves only to a candidate whose gate run against the current
 * scenario passed; the gate run's decision lands in the name's history.
 * The offline mind forms one intent per agent and turn, so the `intents`
 * score counts agents: the current scenario has one, a look-alike one, the
 * winner two.
 */
describe('evaluation: eval-gated promotion (real servers)', () => {
  let stack: PlatformStack;
  let projectId: number;
  let experimentId: number;
  let current: string;
  let lookalike: string;
  let winner: string;
  const oneAgent = ENTITIES.filter((e) => e.id !== 'young_keeper').map((e) => ({ inline: e }));
  const thresholds = [
    { score: 'intents', kind: 'superior' },
    { score: 'intents', kind: 'at_least', value: 1 },
  ];

  beforeAll(async () => {
    stack = await startRealPlatform();
    current = (
      await ok(stack, 'assemble_scenario', {
        ...validRequest({ scenario_slug: 'gate_current', description: 'One keeper.' }),
        entities: oneAgent,
        name: 'gated-prod',
      })
    ).scenario_hash;
    lookalike = (
      await ok(stack, 'assemble_scenario', {
        ...validRequest({ scenario_slug: 'gate_lookalike', description: 'One keeper, reworded.' }),
        entities: oneAgent,
      })
    ).scenario_hash;
    winner = (await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: 'gate_winner' })))
      .scenario_hash;
    projectId = (await ok(stack, 'create_project', { name: 'gates' })).id;
    const suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'gate',
        scenarios: [{ hash: current }],
      })
    ).id;
    experimentId = (
      await ok(stack, 'create_experiment', {
        project_id: projectId,
        experiment: {
          id: 'gate',
          backend: { id: 'offline' },
          pipeline: [
            {
              name: 'evaluate',
              options: {
                suite_id: suiteId,
                candidates: [{ name: 'calm' }],
                turns: 2,
                seeds: [1, 2],
                scorers: [
                  { name: 'intents', kind: 'count', event_kind: 'intent_formed' },
                  {
                    name: 'mood',
                    kind: 'llm_judge',
                    rubric: 'Which mood?',
                    type: 'categorical',
                    values: ['calm', 'tense'],
                    judges: [{ id: 'offline' }],
                  },
                ],
              },
            },
          ],
        },
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const move = (hash: string, extra: Record<string, unknown> = {}) =>
    op(stack, 'set_scenario_name', { name: 'gated-prod', hash, ...extra });

  async function gateRun(candidate: string) {
    const started = await ok(stack, 'start_gate_run', {
      name: 'gated-prod',
      candidate_hash: candidate,
    });
    return ok(stack, 'get_gate_run', { run_id: started.gate_run.run_id, wait_ms: 30_000 });
  }

  it('refuses bad gates and gate runs with codes and paths, and writes nothing', async () => {
    const cases: Array<[string, unknown, number, string, string]> = [
      [
        'bind_name_gate',
        { name: 'gated-prod', experiment_id: 999_999, thresholds },
        404,
        'experiment_not_found',
        '/experiment_id',
      ],
      [
        'bind_name_gate',
        {
          name: 'gated-prod',
          experiment_id: experimentId,
          thresholds: [{ score: 'nope', kind: 'superior' }],
        },
        400,
        'unknown_score',
        '/thresholds/0/score',
      ],
      [
        'bind_name_gate',
        {
          name: 'gated-prod',
          experiment_id: experimentId,
          thresholds: [{ score: 'mood', kind: 'superior' }],
        },
        400,
        'unordered_score',
        '/thresholds/0/score',
      ],
      [
        'bind_name_gate',
        {
          name: 'gated-prod',
          experiment_id: experimentId,
          thresholds: [...thresholds, { score: 'intents', kind: 'non_inferior' }],
        },
        400,
        'missing_field',
        '/thresholds/2/margin',
      ],
      [
        'bind_name_gate',
        {
          name: 'gated-prod',
          experiment_id: experimentId,
          thresholds: [{ score: 'intents', kind: 'at_least', value: 1, margin: 2 }],
        },
        400,
        'unexpected_field',
        '/thresholds/0/margin',
      ],
      ['get_name_gate', { name: 'gated-prod' }, 404, 'name_gate_not_found', '/name'],
      [
        'start_gate_run',
        { name: 'gated-prod', candidate_hash: winner },
        404,
        'name_not_gated',
        '/name',
      ],
      ['get_gate_run', { run_id: 999_999 }, 404, 'gate_run_not_found', '/run_id'],
    ];
    for (const [operation, request, status, reason, path] of cases) {
      const refused = await op(stack, operation, request);
      expect({
        operation,
        status: refused.status,
        details: refused.body.error?.details,
      }).toMatchObject({
        operation,
        status,
        details: { reason, path },
      });
    }
    // The schema refuses what no gate could mean (a negative margin, no threshold).
    const negative = await op(stack, 'bind_name_gate', {
      name: 'gated-prod',
      experiment_id: experimentId,
      thresholds: [{ score: 'intents', kind: 'non_inferior', margin: -1 }],
    });
    expect(negative).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_argument', details: { path: '/thresholds/0/margin' } } },
    });
    expect(
      await op(stack, 'bind_name_gate', {
        name: 'gated-prod',
        experiment_id: experimentId,
        thresholds: [],
      }),
    ).toMatchObject({ status: 400, body: { error: { details: { path: '/thresholds' } } } });
    expect(await stack.count('evaluation', 'name_gates')).toBe(0);
    expect(await stack.count('names', 'gated_names')).toBe(0);
  }, 60_000);

  it('refuses a move until a gate run of it passes, then records the run in the history', async () => {
    const bound = await ok(stack, 'bind_name_gate', {
      name: 'gated-prod',
      experiment_id: experimentId,
      thresholds,
      note: 'Promote only what forms more intents.',
    });
    expect(bound).toMatchObject({
      changed: true,
      gate: {
        name: 'gated-prod',
        version: 1,
        bound: true,
        experiment_id: experimentId,
        thresholds,
        actor: 'admin',
      },
    });
    // The same gate again is no new version.
    const again = await ok(stack, 'bind_name_gate', {
      name: 'gated-prod',
      experiment_id: experimentId,
      thresholds,
    });
    expect(again).toEqual({ changed: false, gate: bound.gate });
    expect(await ok(stack, 'get_name_gate', { name: 'gated-prod' })).toEqual(bound.gate);

    // No gate run yet: refused, nothing moved.
    const refused = await move(winner);
    expect(refused).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          details: {
            reason: 'gate_not_passed',
            path: '/hash',
            name: 'gated-prod',
            from_hash: current,
            to_hash: winner,
            gate_version: 1,
            gate_run_id: null,
          },
        },
      },
    });
    expect(
      await op(stack, 'start_gate_run', { name: 'gated-prod', candidate_hash: current }),
    ).toMatchObject({
      status: 400,
      body: { error: { details: { reason: 'same_scenario', path: '/candidate_hash' } } },
    });
    expect(
      await op(stack, 'start_gate_run', { name: 'gated-prod', candidate_hash: 'a'.repeat(64) }),
    ).toMatchObject({
      status: 404,
      body: { error: { details: { reason: 'scenario_not_found', path: '/candidate_hash' } } },
    });

    // A look-alike forms as many intents: not significantly better, so it fails.
    const failed = await gateRun(lookalike);
    expect(failed).toMatchObject({
      name: 'gated-prod',
      gate_version: 1,
      from_hash: current,
      to_hash: lookalike,
      decision: 'fail',
      run_status: 'completed',
      actor: 'admin',
    });
    expect(failed.scores).toEqual([
      {
        score: 'intents',
        current: { mean: 2, low: 2, high: 2, n: 2 },
        candidate: { mean: 2, low: 2, high: 2, n: 2 },
        difference: {
          difference: 0,
          low: 0,
          high: 0,
          p_value: 1,
          significant: false,
          effect_size: 0,
        },
      },
    ]);
    expect(failed.checks.map((c: { passed: boolean }) => c.passed)).toEqual([false, true]);
    expect(failed.reasons).toHaveLength(1);
    expect(failed.reasons[0]).toMatch(/^intents superior: .*not significant/);
    expect(await move(lookalike, { gate_run_id: failed.run_id })).toMatchObject({
      status: 409,
      body: {
        error: {
          details: {
            reason: 'gate_not_passed',
            gate_run_id: failed.run_id,
            decision: 'fail',
            reasons: failed.reasons,
          },
        },
      },
    });
    // A failed run of another move does not let this one through either.
    expect(await move(winner, { gate_run_id: failed.run_id })).toMatchObject({
      status: 409,
      body: { error: { details: { reason: 'gate_not_passed', gate_run_id: failed.run_id } } },
    });

    // The winner forms twice the intents in every world: significantly better.
    const passed = await gateRun(winner);
    expect(passed).toMatchObject({ decision: 'pass', to_hash: winner, reasons: [] });
    expect(passed.scores[0]).toMatchObject({
      current: { mean: 2 },
      candidate: { mean: 4 },
      difference: { difference: 2, significant: true },
    });
    // Its current side was reused from the failed run's results.
    const progress = await ok(stack, 'get_run_progress', { id: passed.run_id });
    expect(progress).toMatchObject({ status: 'completed', worlds_reused: 2, worlds_done: 2 });

    const moved = await move(winner, { note: 'Promoted through the gate.' });
    expect(moved).toMatchObject({
      status: 200,
      body: { hash: winner, previous_hash: current, changed: true },
    });
    const history = await ok(stack, 'name_history', { name: 'gated-prod', limit: 1 });
    expect(history.entries[0]).toMatchObject({
      old_hash: current,
      new_hash: winner,
      note: 'Promoted through the gate.',
      gate: {
        run_id: passed.run_id,
        gate_version: 1,
        decision: 'pass',
        scores: [{ score: 'intents', current_mean: 2, candidate_mean: 4 }],
      },
    });
    // A compare-and-swap that fails is reported as such, gated or not.
    expect(await move(current, { expected_current_hash: lookalike })).toMatchObject({
      status: 409,
      body: { error: { details: { reason: 'cas_failed', current: winner } } },
    });
    // Moving back is another move: its own gate run is needed.
    expect(await move(current)).toMatchObject({
      status: 409,
      body: {
        error: { details: { reason: 'gate_not_passed', from_hash: winner, to_hash: current } },
      },
    });
    // A batch names the update that was refused.
    expect(
      await op(stack, 'update_scenario_names', {
        updates: [
          { name: 'gate-free', hash: current },
          { name: 'gated-prod', hash: current },
        ],
      }),
    ).toMatchObject({
      status: 409,
      body: { error: { details: { reason: 'gate_not_passed', path: '/updates/1/hash' } } },
    });
    expect(await op(stack, 'resolve_name', { name: 'gate-free' })).toMatchObject({ status: 404 });
    // A new version of the gate: moving back may lose up to 5 intents.
    const rebound = await ok(stack, 'bind_name_gate', {
      name: 'gated-prod',
      experiment_id: experimentId,
      thresholds: [{ score: 'intents', kind: 'non_inferior', margin: 5 }],
    });
    expect(rebound.gate.version).toBe(2);
    expect(
      (await ok(stack, 'get_name_gate', { name: 'gated-prod', version: 1 })).thresholds,
    ).toEqual(thresholds);
    const back = await gateRun(current);
    expect(back).toMatchObject({ decision: 'pass', gate_version: 2, from_hash: winner });
    expect(back.scores[0].difference).toMatchObject({ difference: -2 });
    // A passing run of the move lets the batch through, named by its id.
    const batch = await ok(stack, 'update_scenario_names', {
      updates: [
        { name: 'gate-free', hash: current },
        { name: 'gated-prod', hash: current, gate_run_id: back.run_id },
      ],
    });
    expect(batch.changes.map((c: { changed: boolean }) => c.changed)).toEqual([true, true]);
    const [entry] = (await ok(stack, 'name_history', { name: 'gated-prod', limit: 1 })).entries;
    expect(entry).toMatchObject({
      new_hash: current,
      gate: { run_id: back.run_id, gate_version: 2 },
    });
    await ok(stack, 'unset_scenario_name', { name: 'gate-free' });
    // The pass of version 1 no longer counts under version 2.
    expect(await move(winner, { gate_run_id: passed.run_id })).toMatchObject({
      status: 409,
      body: {
        error: {
          details: { reason: 'gate_not_passed', gate_version: 2, gate_run_id: passed.run_id },
        },
      },
    });

    // Unbound, the name moves freely again.
    const unbound = await ok(stack, 'unbind_name_gate', { name: 'gated-prod' });
    expect(unbound).toMatchObject({
      changed: true,
      gate: { version: 3, bound: false, experiment_id: null },
    });
    expect(await ok(stack, 'unbind_name_gate', { name: 'gated-prod' })).toMatchObject({
      changed: false,
    });
    expect(await move(lookalike)).toMatchObject({ status: 200, body: { hash: lookalike } });
    expect(
      (await ok(stack, 'name_history', { name: 'gated-prod', limit: 1 })).entries[0].gate,
    ).toBeUndefined();
  }, 120_000);

  it('without the evaluation service ungated names move and a gated one fails closed; without names no gate is bound', async () => {
    await ok(stack, 'bind_name_gate', {
      name: 'gated-prod',
      experiment_id: experimentId,
      thresholds,
    });
    await stack.stopService('evaluation');
    try {
      expect(
        await op(stack, 'set_scenario_name', { name: 'gate-free', hash: winner }),
      ).toMatchObject({
        status: 200,
      });
      expect(await move(winner)).toMatchObject({
        status: 503,
        body: {
          error: {
            code: 'unavailable',
            retryable: true,
            details: { service: 'evaluation', name: 'gated-prod' },
          },
        },
      });
      // Removing a name is not gated.
      expect(await op(stack, 'unset_scenario_name', { name: 'gate-free' })).toMatchObject({
        status: 200,
      });
    } finally {
      await stack.startService('evaluation');
    }
    expect((await ok(stack, 'resolve_name', { name: 'gated-prod' })).hash).toBe(lookalike);

    // Without the names service, no gate is bound: the names service could not be told.
    const gatesBefore = await stack.count('evaluation', 'name_gates');
    await stack.stopService('names');
    try {
      expect(
        await op(stack, 'bind_name_gate', {
          name: 'gate-free',
          experiment_id: experimentId,
          thresholds,
        }),
      ).toMatchObject({
        status: 503,
        body: { error: { code: 'unavailable', details: { service: 'names' } } },
      });
    } finally {
      await stack.startService('names');
    }
    expect(await stack.count('evaluation', 'name_gates')).toBe(gatesBefore);
    expect(await op(stack, 'get_name_gate', { name: 'gate-free' })).toMatchObject({ status: 404 });
  }, 60_000);
});
