import { ok, op, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { answer, createLlmServer, type LlmServer } from '../support';

/**
 * Scoring a run on real servers (docs/services/evaluation.md, "Scorers"):
 * rule scorers and an LLM judge ensemble, the judges on a scripted
 * OpenAI-compatible server and the offline mind; a re-run pays for no LLM
 * call; a failing judge provider is stopped by its circuit breaker; the
 * experiment's reliability config (ensemble, hedging, circuit_breaker)
 * applies to judges that do not say otherwise.
 */
describe('evaluation: scoring runs (real servers, scripted LLM)', () => {
  let stack: PlatformStack;
  let llm: LlmServer;
  let failing: LlmServer;
  let projectId: number;
  let suiteId: number;
  beforeAll(async () => {
    llm = await createLlmServer({ handler: () => answer.json({ score: 4, reason: 'tidy' }) });
    failing = await createLlmServer({ handler: () => answer.error(500) });
    stack = await startRealPlatform();
    const first = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: 'score_a' }));
    const second = await ok(
      stack,
      'assemble_scenario',
      validRequest({ scenario_slug: 'score_b', description: 'Two keepers, scored.' }),
    );
    projectId = (await ok(stack, 'create_project', { name: 'scoring' })).id;
    suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'two',
        scenarios: [{ hash: first.scenario_hash }, { hash: second.scenario_hash }],
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await llm?.close();
    await failing?.close();
  }, 60_000);

  let n = 0;
  async function run(scorers: unknown[], reliability?: Record<string, unknown>) {
    n += 1;
    const experiment = await ok(stack, 'create_experiment', {
      project_id: projectId,
      experiment: {
        id: `scoring_${n}`,
        backend: { id: 'offline' },
        ...(reliability !== undefined && { reliability }),
        pipeline: [
          {
            name: 'evaluate',
            options: {
              suite_id: suiteId,
              candidates: [{ name: 'calm' }, { name: 'bold', engine: 'simultaneous' }],
              turns: 2,
              seeds: [1, 2],
              scorers,
            },
          },
        ],
      },
    });
    return experiment.id as number;
  }

  async function finish(experimentId: number) {
    const started = await ok(stack, 'start_run', { experiment_id: experimentId });
    const progress = await ok(stack, 'get_run_progress', { id: started.run.id, wait_ms: 30_000 });
    const page = await ok(stack, 'list_run_results', { run_id: started.run.id });
    return { started, progress, items: page.items as any[] };
  }

  const scripted = (model: string) => ({
    provider: 'openai-compatible',
    base_url: llm.baseUrl,
    model,
  });

  it('scores every world with rule scorers and a judge ensemble; a re-run reuses it all with no LLM call', async () => {
    const experimentId = await run([
      { name: 'intents', kind: 'count', event_kind: 'intent_formed' },
      {
        name: 'no_leak',
        kind: 'absent',
        event_kind: 'perception_emitted',
        contains: ['the vault code is 1234'],
      },
      {
        name: 'tidiness',
        kind: 'llm_judge',
        rubric: 'Rate from 1 to 5 how tidy the keepers left the observatory.',
        type: 'numeric',
        min: 1,
        max: 5,
        judges: [
          { id: 'a', mind: scripted('judge-a') },
          { id: 'b', mind: scripted('judge-b') },
          { id: 'offline' },
        ],
        strategy: 'majority',
      },
    ]);
    const { progress, items } = await finish(experimentId);
    expect(progress).toMatchObject({ status: 'completed', worlds_done: 8, worlds_failed: 0 });
    expect(items).toHaveLength(8);
    for (const item of items) {
      // Two agents, one intent each per turn, two turns.
      expect(item.result.scores).toEqual({ intents: 4, no_leak: true, tidiness: 4 });
      expect(item.result.judge_usage.llm_calls).toBe(2);
    }
    // Each scripted judge was asked once per world, with the rubric and the verdict schema.
    expect(llm.requests).toHaveLength(16);
    const request = llm.requests[0]!;
    expect(request.system).toContain('how tidy the keepers left');
    expect(request.responseFormat).toBe('json_schema');
    expect(request.schema).toMatchObject({
      properties: { score: { type: 'number', minimum: 1, maximum: 5 } },
    });
    expect(new Set(llm.requests.map((r) => r.model))).toEqual(new Set(['judge-a', 'judge-b']));
    // The spend counts the judges' calls.
    expect(progress.spend.llm_calls).toBeGreaterThanOrEqual(16);

    const again = await finish(experimentId);
    expect(again.started).toMatchObject({ jobs: 8, reused: 8, to_run: 0 });
    expect(again.items.map((i) => i.result)).toEqual(items.map((i) => i.result));
    expect(llm.requests).toHaveLength(16);

    // Ranked with intervals over 2 scenarios x 2 seeds; equal scores differ in nothing.
    const compared = await ok(stack, 'compare_runs', {
      run_id: again.started.run.id,
      baseline_run_id: progress.run_id,
    });
    expect(compared).toMatchObject({
      worlds: 8,
      baseline_worlds: 8,
      stats: { interval: 'ttest', confidence_level: 0.95, alpha: 0.05, correction: 'none' },
    });
    expect(compared.scores.map((s: { score: string }) => s.score)).toEqual([
      'intents',
      'no_leak',
      'tidiness',
    ]);
    const tidiness = compared.scores[2];
    expect(tidiness.ranking).toEqual([
      { rank: 1, candidate: 'bold', mean: 4, low: 4, high: 4, n: 4 },
      { rank: 2, candidate: 'calm', mean: 4, low: 4, high: 4, n: 4 },
    ]);
    expect(
      tidiness.comparisons.map((c: any) => [c.candidate, c.against, c.difference, c.significant]),
    ).toEqual([
      ['bold', 'baseline:bold', 0, false],
      ['calm', 'baseline:calm', 0, false],
    ]);
  }, 120_000);

  it('a leak of a forbidden fact scores false; a judge answering off its schema fails the world, nothing stored', async () => {
    const leaks = await finish(
      await run([
        // Every perception names the keepers' room: as a forbidden fact it leaks.
        { name: 'no_leak', kind: 'absent', event_kind: 'perception_emitted', contains: ['dome'] },
      ]),
    );
    expect(leaks.items.map((i) => i.result?.scores.no_leak)).toEqual(Array(8).fill(false));

    llm.handle(() => answer.json({ score: 'four', reason: 'words' }));
    const before = llm.requests.length;
    const off = await finish(
      await run([
        {
          name: 'judged',
          kind: 'llm_judge',
          rubric: 'Rate 1 to 5.',
          type: 'numeric',
          min: 1,
          max: 5,
          judges: [{ id: 'a', mind: scripted('judge-a') }],
        },
      ]),
    );
    expect(off.progress).toMatchObject({ status: 'failed', worlds_failed: 8 });
    for (const item of off.items) {
      expect(item).toMatchObject({ status: 'failed', result: null });
      expect(item.failure.code).toBe('scoring_failed');
      expect(item.failure.message).toMatch(/judged: no_verdicts .*a: score: /);
    }
    expect(llm.requests.length - before).toBe(8);
    llm.handle(() => answer.json({ score: 4, reason: 'tidy' }));
  }, 120_000);

  it('hedging: a judge slow to answer gets a duplicate request after the delay, and the first answer wins', async () => {
    const slow = await createLlmServer();
    try {
      // The first request of each question waits 20 s; its duplicate is answered at once.
      // (Worlds that end alike ask the same question: only the first of them is slow.)
      const seen = new Set<string>();
      slow.handle((request) => {
        const first = !seen.has(request.user);
        seen.add(request.user);
        return answer.json(
          { score: 3, reason: first ? 'slow' : 'fast' },
          { delayMs: first ? 20_000 : 0 },
        );
      });
      const began = Date.now();
      const { progress, items } = await finish(
        await run([
          {
            name: 'judged',
            kind: 'llm_judge',
            rubric: 'Rate 1 to 5.',
            type: 'numeric',
            min: 1,
            max: 5,
            judges: [
              {
                id: 'slow',
                mind: { provider: 'openai-compatible', base_url: slow.baseUrl, model: 'm' },
              },
            ],
            hedge_delay_ms: 100,
          },
        ]),
      );
      expect(progress).toMatchObject({ status: 'completed', worlds_done: 8 });
      // No world waited for a slow answer: each slow request was hedged, its duplicate won.
      expect(Date.now() - began).toBeLessThan(20_000);
      const calls = items.map((item) => item.result.judge_usage.llm_calls as number);
      for (const item of items) expect(item.result.scores.judged).toBe(3);
      expect(calls.filter((n) => n === 2).length).toBeGreaterThan(0);
      expect(calls.every((n) => n === 1 || n === 2)).toBe(true);
      expect(slow.requests).toHaveLength(calls.reduce((a, b) => a + b, 0));
    } finally {
      await slow.close();
    }
  }, 120_000);

  it('a failing judge provider: its circuit breaker opens and stops the requests; the other judges still score', async () => {
    const { progress, items } = await finish(
      await run([
        {
          name: 'judged',
          kind: 'llm_judge',
          rubric: 'Rate 1 to 5.',
          type: 'numeric',
          min: 1,
          max: 5,
          judges: [
            {
              id: 'down',
              mind: { provider: 'openai-compatible', base_url: failing.baseUrl, model: 'm' },
            },
            { id: 'offline' },
          ],
          strategy: 'best_confidence',
        },
      ]),
    );
    expect(progress).toMatchObject({ status: 'completed', worlds_done: 8 });
    for (const item of items) expect(item.result.scores.judged).toBeGreaterThanOrEqual(1);
    // The breaker opens after 5 failed calls in a row (two workers may have one more in
    // flight), each call 3 requests: the mind's first try and its 2 retries of a 500.
    expect(failing.requests.length).toBeGreaterThanOrEqual(15);
    expect(failing.requests.length).toBeLessThanOrEqual(18);
  }, 120_000);
  /** A judge scorer on 1 to 5 that names no judges, strategy or delay of its own. */
  const bare = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    kind: 'llm_judge',
    rubric: 'Rate 1 to 5.',
    type: 'numeric',
    min: 1,
    max: 5,
    ...extra,
  });

  it("the experiment's ensemble judges: its models ask, its strategy combines; a scorer's own strategy wins", async () => {
    const panel = await createLlmServer({
      // Each model its own verdict: the combining rule decides the score.
      handler: (request) =>
        answer.json({ score: request.model === 'judge-a' ? 2 : 5, reason: 'r' }),
    });
    try {
      const { started, progress, items } = await finish(
        await run([bare('weighted'), bare('median', { strategy: 'majority' })], {
          ensemble: {
            strategy: 'weighted',
            models: [
              { id: 'a', endpoint_url: panel.baseUrl, options: { model: 'judge-a', weight: 3 } },
              { id: 'b', endpoint_url: panel.baseUrl, options: { model: 'judge-b' } },
            ],
          },
        }),
      );
      expect(progress).toMatchObject({ status: 'completed', worlds_done: 8 });
      for (const item of items) {
        // (2 x 3 + 5 x 1) / 4 by the experiment's weighted rule; the median of 2 and 5 by the scorer's.
        expect(item.result.scores).toEqual({ weighted: 2.75, median: 3.5 });
        expect(item.result.judge_usage.llm_calls).toBe(4);
      }
      // Two models for each of the two scorers, in each of the 8 worlds.
      expect(panel.requests).toHaveLength(32);
      expect(new Set(panel.requests.map((r) => r.model))).toEqual(new Set(['judge-a', 'judge-b']));
      // The run keeps the scorers as they ran: the experiment's judges written into them.
      expect(started.run.config.scorers[0]).toMatchObject({
        strategy: 'weighted',
        judges: [
          { id: 'a', weight: 3, mind: { provider: 'openai-compatible', model: 'judge-a' } },
          { id: 'b', weight: 1, mind: { provider: 'openai-compatible', model: 'judge-b' } },
        ],
      });
    } finally {
      await panel.close();
    }
  }, 120_000);

  it("the experiment's fixed hedging: up to max_extra_requests duplicates of a judge request that names no delay", async () => {
    const slow = await createLlmServer();
    try {
      // The first two requests of each question wait 20 s; the third is answered at once.
      const seen = new Map<string, number>();
      slow.handle((request) => {
        const count = seen.get(request.user) ?? 0;
        seen.set(request.user, count + 1);
        return answer.json({ score: 2, reason: 'r' }, { delayMs: count < 2 ? 20_000 : 0 });
      });
      const began = Date.now();
      const { progress, items } = await finish(
        await run(
          [
            bare('judged', {
              judges: [
                {
                  id: 'slow',
                  mind: {
                    provider: 'openai-compatible',
                    base_url: slow.baseUrl,
                    model: 'm',
                    // Two workers' worlds each hold 2 slow requests: under the default cap
                    // of 4 calls in flight, their third requests would wait for a slot.
                    max_concurrency: 16,
                  },
                },
              ],
            }),
          ],
          { hedging: { strategy: 'fixed', delay_ms: 100, max_extra_requests: 2 } },
        ),
      );
      expect(progress).toMatchObject({ status: 'completed', worlds_done: 8 });
      // One duplicate (a scorer delay's default) would have waited for a slow answer.
      expect(Date.now() - began).toBeLessThan(20_000);
      const calls = items.map((item) => item.result.judge_usage.llm_calls as number);
      for (const item of items) expect(item.result.scores.judged).toBe(2);
      // Every question got its third, fast request: a second duplicate went out.
      expect(Math.min(...seen.values())).toBeGreaterThanOrEqual(3);
      expect(calls.every((c) => c >= 1 && c <= 3)).toBe(true);
      expect(slow.requests).toHaveLength(calls.reduce((a, b) => a + b, 0));
    } finally {
      await slow.close();
    }
  }, 120_000);

  it("the experiment's circuit_breaker: the run's judge provider opens after its threshold, not the service's", async () => {
    const down = await createLlmServer({ handler: () => answer.error(500) });
    try {
      const { progress, items } = await finish(
        await run(
          [
            bare('judged', {
              judges: [
                {
                  id: 'down',
                  mind: { provider: 'openai-compatible', base_url: down.baseUrl, model: 'm' },
                },
                { id: 'offline' },
              ],
              strategy: 'best_confidence',
            }),
          ],
          { circuit_breaker: { failure_threshold: 2, reset_timeout_ms: 600_000 } },
        ),
      );
      expect(progress).toMatchObject({ status: 'completed', worlds_done: 8 });
      for (const item of items) expect(item.result.scores.judged).toBeGreaterThanOrEqual(1);
      // 2 failed calls in a row open it (two workers may have one more in flight), each
      // call 3 requests; the service's breaker (5 in a row) would have let 15 through.
      expect(down.requests.length).toBeGreaterThanOrEqual(6);
      expect(down.requests.length).toBeLessThanOrEqual(9);
    } finally {
      await down.close();
    }
  }, 120_000);

  it('refuses a reliability config judge calls cannot honour, at its path, writing nothing', async () => {
    const reliability = {
      ensemble: { execution_mode: 'cascade' },
      hedging: { strategy: 'adaptive' },
      circuit_breaker: { failure_threshold: 0 },
    };
    const experiment = {
      id: 'scoring_unhonoured',
      backend: { id: 'offline' },
      reliability,
      pipeline: [
        {
          name: 'evaluate',
          options: {
            suite_id: suiteId,
            candidates: [{ name: 'calm' }],
            turns: 2,
            seeds: [1],
            scorers: [bare('judged')],
          },
        },
      ],
    };
    const paths = [
      '/pipeline/0/options/scorers/0/judges',
      '/reliability/ensemble/execution_mode',
      '/reliability/hedging/strategy',
      '/reliability/circuit_breaker/failure_threshold',
    ];
    // validate_experiment lists them as start_run would find them ...
    const validated = await ok(stack, 'validate_experiment', { experiment });
    expect(validated.valid).toBe(false);
    expect(validated.problems.map((p: { path: string }) => p.path)).toEqual(paths);
    // ... and create_experiment refuses the experiment, storing nothing.
    const [runsBefore, experimentsBefore] = await Promise.all([
      stack.count('evaluation', 'runs'),
      stack.count('evaluation', 'experiments'),
    ]);
    const refused = await op(stack, 'create_experiment', { project_id: projectId, experiment });
    expect(refused).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_argument', details: { reason: 'invalid_run_plan' } } },
    });
    expect(refused.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(
      paths.map((path) => `/experiment${path}`),
    );
    expect(await stack.count('evaluation', 'runs')).toBe(runsBefore);
    expect(await stack.count('evaluation', 'experiments')).toBe(experimentsBefore);
  }, 60_000);
});
