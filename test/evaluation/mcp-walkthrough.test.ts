import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { ENTITIES } from '../scenarios/fixtures';
import { validRequest } from '../scenarios/validation.suite';
import { TEST_AUTH_HEADERS } from '../support';

/**
 * A new user's path through evaluation, over MCP only, on real Postgres,
 * NATS and Kafka with the offline mind (docs/services/evaluation.md,
 * "Walk-through over MCP", which shows the same calls): scenarios and a
 * suite, an experiment checked and stored, a run watched to its end, the
 * ranked comparison with intervals, a free re-run, and the winner promoted
 * through a name gate that refuses a variant that is no better.
 *
 * The offline mind forms one intent per agent and turn, so over 2 turns the
 * `intents` score counts agents twice: the named scenario has one keeper (2),
 * the other two (4). Candidate `slow` changes only the chronon (2 and 4);
 * candidate `pair` puts both keepers on duty everywhere (4 and 4).
 */
describe('evaluation: a walk-through over MCP (real servers)', () => {
  let stack: PlatformStack;
  let client: Client;
  beforeAll(async () => {
    stack = await startRealPlatform();
    client = new Client({ name: 'walkthrough', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
        requestInit: { headers: { ...TEST_AUTH_HEADERS } },
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  /** A tool's structured reply; fails the test with the wire error if the call was refused. */
  async function tool(name: string, args: Record<string, unknown>): Promise<any> {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name} refused: ${textOf(result)}`);
    return result.structuredContent;
  }

  /** A refused tool call's wire error (`{code, message, details}`). */
  async function refusal(name: string, args: Record<string, unknown>): Promise<any> {
    const result = await client.callTool({ name, arguments: args });
    if (!result.isError) throw new Error(`${name} was not refused: ${textOf(result)}`);
    return JSON.parse(textOf(result)).error;
  }

  function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
    const [first] = result.content as Array<{ type: string; text: string }>;
    return first!.text;
  }

  const oneKeeper = ENTITIES.filter((e) => e.id !== 'young_keeper').map((e) => ({ inline: e }));
  const bothKeepers = ENTITIES.map((e) => ({ inline: e }));
  const scorers = [{ name: 'intents', kind: 'count', event_kind: 'intent_formed' }];

  it('defines, runs, watches, ranks, re-runs for free and promotes the winner through the gate', async () => {
    // Every tool of the walk-through is listed, with its schemas (the client
    // then checks each structured reply against its output schema).
    const { tools } = await client.listTools();
    const names = new Set(tools.map((t) => t.name));
    for (const name of [
      'assemble_scenario',
      'create_project',
      'create_scenario_suite',
      'validate_experiment',
      'create_experiment',
      'start_run',
      'get_run_progress',
      'list_run_results',
      'compare_runs',
      'list_worlds',
      'bind_name_gate',
      'start_gate_run',
      'get_gate_run',
      'set_scenario_name',
      'name_history',
      'resolve_name',
    ]) {
      expect([name, names.has(name)]).toEqual([name, true]);
    }

    // 1. Two scenarios: the one in production, under the name `walk-prod`, and another.
    const prod = (
      await tool('assemble_scenario', {
        ...validRequest({ scenario_slug: 'walk_prod', description: 'One keeper on duty.' }),
        entities: oneKeeper,
        name: 'walk-prod',
      })
    ).scenario_hash as string;
    const busy = (await tool('assemble_scenario', validRequest({ scenario_slug: 'walk_busy' })))
      .scenario_hash as string;
    expect(prod).toMatch(/^[0-9a-f]{64}$/);
    expect(busy).not.toBe(prod);

    // 2. A project and a suite of the two (a name is resolved when a run starts).
    const project = await tool('create_project', { name: 'walk-through' });
    expect(project).toMatchObject({ name: 'walk-through', version: 1 });
    const suite = await tool('create_scenario_suite', {
      project_id: project.id,
      name: 'nights',
      scenarios: [{ name: 'walk-prod' }, { hash: busy }],
    });
    expect(suite).toMatchObject({ project_id: project.id, name: 'nights' });

    // 3. The experiment: two scenario variants on the offline mind, checked before storing.
    const evaluate = {
      suite_id: suite.id,
      candidates: [
        { name: 'slow', changes: { chronon_seconds: 1200 } },
        { name: 'pair', changes: { description: 'Both keepers on duty.', entities: bothKeepers } },
      ],
      turns: 2,
      seeds: [1, 2],
      scorers,
    };
    const experiment = {
      id: 'night_shift',
      backend: { id: 'offline' },
      pipeline: [{ name: 'evaluate', options: evaluate }],
    };
    const mistaken = await tool('validate_experiment', {
      experiment: {
        ...experiment,
        pipeline: [{ name: 'evaluate', options: { ...evaluate, turns: 0 } }],
      },
    });
    expect(mistaken).toEqual({
      valid: false,
      problems: [
        {
          path: '/pipeline/0/options/turns',
          reason: 'invalid_run_plan',
          message: '/pipeline/0/options/turns: an integer from 1 to 100 is required',
        },
      ],
    });
    const checked = await tool('validate_experiment', { experiment });
    expect(checked).toMatchObject({ valid: true, problems: [] });
    expect(checked.experiment.pipeline[0].enabled).toBe(true);
    const stored = await tool('create_experiment', { project_id: project.id, experiment });
    expect(stored).toMatchObject({
      project_id: project.id,
      experiment_id: 'night_shift',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      experiment: checked.experiment,
    });

    // 4. Run it: 2 candidates x 2 scenarios x 2 seeds, nothing stored yet.
    const started = await tool('start_run', { experiment_id: stored.id });
    expect(started).toMatchObject({ jobs: 8, reused: 0, to_run: 8, run: { status: 'running' } });
    const runId = started.run.id as number;
    // A fresh platform: the ids the docs' walk-through shows.
    expect([project.id, suite.id, stored.id, runId]).toEqual([1, 1, 1, 1]);

    // 5. Watch it: the turns done only grow, until it completes.
    const seen: any[] = [];
    for (const deadline = Date.now() + 90_000; ;) {
      const progress = await tool('get_run_progress', { id: runId });
      seen.push(progress);
      if (progress.status !== 'running') break;
      if (Date.now() > deadline) throw new Error(`run still running: ${JSON.stringify(progress)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(seen[0]).toMatchObject({ run_id: runId, status: 'running', worlds_total: 8 });
    const turnsSeen = seen.map((p) => p.turns_done as number);
    expect(turnsSeen).toEqual([...turnsSeen].sort((a, b) => a - b));
    expect(seen.every((p) => p.worlds_total === 8 && p.turns_total === 16)).toBe(true);
    expect(seen.at(-1)).toMatchObject({
      run_id: runId,
      status: 'completed',
      worlds_total: 8,
      worlds_done: 8,
      worlds_reused: 0,
      worlds_failed: 0,
      turns_total: 16,
      turns_done: 16,
      // The offline mind answers without a network, but its calls are counted like any mind's.
      spend: { llm_calls: 40 },
      estimate_remaining: { turns: 0 },
    });
    expect(seen.at(-1).spend.input_tokens).toBeGreaterThan(0);

    // 6. Every world's result, on each candidate's fork of each suite scenario.
    const results = (await tool('list_run_results', { run_id: runId })).items as any[];
    expect(
      results.map((r) => [r.candidate, r.candidate_kind, r.suite_scenario_hash, r.seed, r.status]),
    ).toEqual(
      ['slow', 'pair'].flatMap((candidate) =>
        [prod, busy].flatMap((hash) =>
          [1, 2].map((seed) => [candidate, 'fork', hash, seed, 'done']),
        ),
      ),
    );
    expect(results.map((r) => r.result.scores.intents)).toEqual([2, 2, 4, 4, 4, 4, 4, 4]);

    // 7. The ranked comparison: best first, each mean with its 95% t-interval.
    const compared = await tool('compare_runs', { run_id: runId });
    expect(compared).toMatchObject({
      run_id: runId,
      worlds: 8,
      stats: { interval: 'ttest', confidence_level: 0.95, alpha: 0.05, correction: 'none' },
    });
    const [intents] = compared.scores;
    expect(intents.score).toBe('intents');
    expect(intents.ranking.map((r: any) => [r.rank, r.candidate, r.mean, r.n])).toEqual([
      [1, 'pair', 4, 4],
      [2, 'slow', 3, 4],
    ]);
    // pair scores 4 everywhere (no spread); slow 2, 2, 4, 4: 3 +- t(0.975, 3) x 1.1547 / 2.
    expect([intents.ranking[0].low, intents.ranking[0].high]).toEqual([4, 4]);
    expect(intents.ranking[1].low).toBeCloseTo(1.1627, 3);
    expect(intents.ranking[1].high).toBeCloseTo(4.8373, 3);
    // Against the leader: a difference of -1 that 4 worlds a side do not make significant.
    expect(intents.comparisons).toHaveLength(1);
    expect(intents.comparisons[0]).toMatchObject({
      candidate: 'slow',
      against: 'pair',
      difference: -1,
      significant: false,
    });
    // Welch: t = -1 / (1.1547 / 2) with 3 degrees of freedom.
    expect(intents.comparisons[0].p_value).toBeCloseTo(0.182, 3);
    // The winner's scenarios: its forks of the suite's, by suite scenario.
    const forks = new Map<string, Map<string, string>>(
      compared.candidates.map((c: any) => [
        c.candidate,
        new Map(c.scenarios.map((s: any) => [s.suite_scenario_hash, s.scenario_hash])),
      ]),
    );
    const pairProd = forks.get('pair')!.get(prod)!;
    const slowProd = forks.get('slow')!.get(prod)!;
    expect(new Set([prod, busy, pairProd, slowProd]).size).toBe(4);

    // 8. Re-run it: every result reused, completed in start_run's reply, no world made.
    const worldsBefore = (await tool('list_worlds', { limit: 100 })).worlds as any[];
    expect(worldsBefore).toHaveLength(8);
    const again = await tool('start_run', { experiment_id: stored.id });
    expect(again).toMatchObject({
      jobs: 8,
      reused: 8,
      to_run: 0,
      run: { id: 2, status: 'completed' },
    });
    expect(await tool('get_run_progress', { id: again.run.id })).toMatchObject({
      status: 'completed',
      worlds_total: 0,
      worlds_reused: 8,
      turns_total: 0,
      spend: { llm_calls: 0, input_tokens: 0, output_tokens: 0 },
    });
    const reused = (await tool('list_run_results', { run_id: again.run.id })).items as any[];
    expect(reused.map((r) => [r.status, r.reused, r.key_hash, r.result])).toEqual(
      results.map((r) => ['reused', true, r.key_hash, r.result]),
    );
    const worldsAfter = (await tool('list_worlds', { limit: 100 })).worlds as any[];
    expect(worldsAfter.map((w) => w.slug)).toEqual(worldsBefore.map((w) => w.slug));
    const rerunCompared = await tool('compare_runs', {
      run_id: again.run.id,
      baseline_run_id: runId,
    });
    expect(
      rerunCompared.scores[0].comparisons.map((c: any) => [c.candidate, c.against, c.difference]),
    ).toEqual([
      ['pair', 'baseline:pair', 0],
      ['slow', 'baseline:slow', 0],
    ]);

    // 9. Guard the production name: a gate experiment (its candidates judge;
    // its suite is not used) and a threshold: significantly more intents.
    const gateExperiment = await tool('create_experiment', {
      project_id: project.id,
      experiment: {
        id: 'night_shift_gate',
        backend: { id: 'offline' },
        pipeline: [
          {
            name: 'evaluate',
            options: {
              suite_id: suite.id,
              candidates: [{ name: 'offline' }],
              turns: 2,
              seeds: [1, 2],
              scorers,
            },
          },
        ],
      },
    });
    const thresholds = [{ score: 'intents', kind: 'superior' }];
    const bound = await tool('bind_name_gate', {
      name: 'walk-prod',
      experiment_id: gateExperiment.id,
      thresholds,
      note: 'Only a better night shift goes to production.',
    });
    expect(bound).toMatchObject({
      changed: true,
      gate: { name: 'walk-prod', version: 1, bound: true, experiment_id: 2, thresholds },
    });

    // No gate run yet: the name does not move.
    expect(await refusal('set_scenario_name', { name: 'walk-prod', hash: pairProd })).toMatchObject(
      {
        code: 'conflict',
        details: {
          reason: 'gate_not_passed',
          path: '/hash',
          from_hash: prod,
          to_hash: pairProd,
          gate_run_id: null,
        },
      },
    );

    // 10. The slower variant forms no more intents: its gate run fails, the move is refused.
    const slowGate = await tool('start_gate_run', { name: 'walk-prod', candidate_hash: slowProd });
    // The candidate's worlds are the evaluation run's (same result keys); the current scenario's run.
    expect(slowGate).toMatchObject({ gate_run: { run_id: 3 }, jobs: 4, reused: 2, to_run: 2 });
    const failed = await tool('get_gate_run', {
      run_id: slowGate.gate_run.run_id,
      wait_ms: 30_000,
    });
    expect(failed).toMatchObject({
      name: 'walk-prod',
      from_hash: prod,
      to_hash: slowProd,
      decision: 'fail',
      run_status: 'completed',
    });
    expect(failed.scores[0]).toMatchObject({
      score: 'intents',
      current: { mean: 2, low: 2, high: 2, n: 2 },
      candidate: { mean: 2, low: 2, high: 2, n: 2 },
      difference: { difference: 0, significant: false },
    });
    expect(failed.reasons[0]).toMatch(/^intents superior: .*not significant/);
    expect(
      await refusal('set_scenario_name', {
        name: 'walk-prod',
        hash: slowProd,
        gate_run_id: failed.run_id,
      }),
    ).toMatchObject({
      code: 'conflict',
      details: { reason: 'gate_not_passed', decision: 'fail', reasons: failed.reasons },
    });

    // 11. The winner: both sides reused (its worlds from the evaluation, the
    // current scenario's from the failed gate run), so it passes at once.
    const pairGate = await tool('start_gate_run', { name: 'walk-prod', candidate_hash: pairProd });
    expect(pairGate).toMatchObject({ gate_run: { run_id: 4 }, jobs: 4, reused: 4, to_run: 0 });
    const passed = await tool('get_gate_run', {
      run_id: pairGate.gate_run.run_id,
      wait_ms: 30_000,
    });
    expect(passed).toMatchObject({ decision: 'pass', to_hash: pairProd, reasons: [] });
    expect(passed.scores[0]).toMatchObject({
      current: { mean: 2 },
      candidate: { mean: 4 },
      difference: { difference: 2, significant: true },
    });
    const moved = await tool('set_scenario_name', {
      name: 'walk-prod',
      hash: pairProd,
      note: 'Promoted through the gate.',
    });
    expect(moved).toMatchObject({ hash: pairProd, previous_hash: prod, changed: true });
    expect((await tool('resolve_name', { name: 'walk-prod' })).hash).toBe(pairProd);
    const history = await tool('name_history', { name: 'walk-prod', limit: 1 });
    expect(history.entries[0]).toMatchObject({
      old_hash: prod,
      new_hash: pairProd,
      note: 'Promoted through the gate.',
      gate: {
        run_id: passed.run_id,
        gate_version: 1,
        decision: 'pass',
        scores: [{ score: 'intents', current_mean: 2, candidate_mean: 4 }],
      },
    });
  }, 240_000);
});
