import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AsyncLocalStorage } from 'node:async_hooks';
import { RpcServer } from '@crucible/messaging';
import pg from 'pg';
import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { testInfra } from '../support';

/**
 * A re-run whose every result is stored (docs/services/evaluation.md,
 * "Running an evaluation"), on real Postgres, NATS and Kafka: it is
 * completed in start_run's reply, makes no world and no LLM call, asks
 * only what it must (governance, and where the suite's names point now),
 * and still answers to every rule about directives.
 */
describe('evaluation: a cached re-run (real servers)', () => {
  let stack: PlatformStack;
  let projectId: number;
  let experimentId: number;
  let firstRunId: number;
  beforeAll(async () => {
    stack = await startRealPlatform();
    // One scenario by name (resolved at every run: names move), one by hash.
    await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'rerun_first' }),
      name: 'rerun-first',
    });
    const second = await ok(stack, 'assemble_scenario', {
      ...validRequest({ scenario_slug: 'rerun_second', description: 'Two other keepers.' }),
    });
    projectId = (await ok(stack, 'create_project', { name: 'cached re-runs' })).id;
    const suiteId = (
      await ok(stack, 'create_scenario_suite', {
        project_id: projectId,
        name: 'two',
        scenarios: [{ name: 'rerun-first' }, { hash: second.scenario_hash }],
      })
    ).id;
    experimentId = (
      await ok(stack, 'create_experiment', {
        project_id: projectId,
        experiment: {
          id: 'cached_rerun',
          backend: { id: 'offline' },
          pipeline: [
            {
              name: 'evaluate',
              options: {
                suite_id: suiteId,
                candidates: [
                  { name: 'calm' },
                  { name: 'warm', mind: { provider: 'offline', params: { temperature: 1 } } },
                ],
                turns: 2,
                seeds: [1],
                scorers: [{ name: 'intents', kind: 'count', event_kind: 'intent_formed' }],
              },
            },
          ],
        },
      })
    ).id;
    const first = await ok(stack, 'start_run', { experiment_id: experimentId });
    expect(first).toMatchObject({ jobs: 4, reused: 0, to_run: 4 });
    firstRunId = first.run.id;
    expect(await settled(firstRunId)).toMatchObject({ status: 'completed', worlds_done: 4 });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function settled(runId: number): Promise<any> {
    for (;;) {
      const progress = await ok(stack, 'get_run_progress', { id: runId, wait_ms: 30_000 });
      if (progress.status !== 'running') return progress;
    }
  }

  it('is completed in start_run reply: no world, no LLM call, three requests on the bus, at most 5 statements of its own', async () => {
    const worldsBefore = await stack.count('worlds', 'worlds');
    const callsBefore = await stack.count('worlds', 'llm_calls');
    const observed = await observe(stack, async () => {
      const again = await ok(stack, 'start_run', { experiment_id: experimentId });
      // No wait_ms: the first poll answers, with nothing left to wait for.
      const progress = await ok(stack, 'get_run_progress', { id: again.run.id });
      return { again, progress };
    });
    const { again, progress } = observed.result;
    expect(again).toMatchObject({ jobs: 4, reused: 4, to_run: 0, run: { status: 'completed' } });
    expect(progress).toMatchObject({
      run_id: again.run.id,
      status: 'completed',
      worlds_total: 0,
      worlds_reused: 4,
      turns_total: 0,
      spend: { llm_calls: 0, input_tokens: 0, output_tokens: 0 },
      estimate_remaining: { turns: 0 },
    });

    // What crossed the bus: the two calls to evaluation, governance's
    // authorize_work and where the suite's name points now; no scenario
    // fetched, no world made, no turn run.
    expect([...observed.requests].sort()).toEqual(
      [
        'evaluation.start_run',
        'evaluation.get_run_progress',
        'governance.authorize_work',
        'names.resolve_name',
      ].sort(),
    );
    // Evaluation's own statements while it handled them: the experiment, the
    // suite, the stored result keys with the run's id, the run with its jobs
    // and events (one statement, no transaction around it) and the progress read.
    const own = observed.statements.filter(
      (sql) => !/"(governance|names|scenarios|components|worlds)"\./.test(sql),
    );
    expect(own.length).toBeGreaterThan(0);
    if (own.length > 5) throw new Error(`${own.length} statements:\n${own.join('\n')}`);
    expect(own.filter((sql) => /^\s*(begin|commit)\b/i.test(sql))).toEqual([]);
    expect(await stack.count('worlds', 'worlds')).toBe(worldsBefore);
    expect(await stack.count('worlds', 'llm_calls')).toBe(callsBefore);

    // Every job reused, with the first run's results.
    const first = await ok(stack, 'list_run_results', { run_id: firstRunId });
    const reused = await ok(stack, 'list_run_results', { run_id: again.run.id });
    expect(reused.items.map((i: any) => [i.status, i.world_slug])).toEqual(
      Array.from({ length: 4 }, () => ['reused', null]),
    );
    expect(reused.items.map((i: any) => i.result)).toEqual(first.items.map((i: any) => i.result));
  }, 60_000);

  it('still asks governance: a directive named or required is checked, a refusal writes nothing', async () => {
    const runsBefore = await stack.count('evaluation', 'runs');
    // A directive named must be one that may be worked under, even for a run that costs nothing.
    const draft = await ok(stack, 'create_directive', {
      issued_by: 'planner',
      objective: 'Re-run the keepers.',
      scope: 'development',
      role: 'builder',
      type: 'test',
      status: 'draft',
    });
    const notApproved = await op(stack, 'start_run', {
      experiment_id: experimentId,
      directive_id: draft.directive.id,
    });
    expect(notApproved).toMatchObject({
      status: 409,
      body: { error: { details: { reason: 'directive_not_approved' } } },
    });
    // A policy that requires a directive for runs requires one for a cached re-run too.
    const { hash, policy } = await ok(stack, 'get_policy', {});
    await ok(stack, 'set_policy', {
      policy: { ...policy, version: 'v2-rerun', directive_required_work: ['start_run'] },
      expected_hash: hash,
      reason: 'runs under directives',
    });
    try {
      expect(await op(stack, 'start_run', { experiment_id: experimentId })).toMatchObject({
        status: 403,
        body: { error: { details: { reason: 'directive_required', path: '/directive_id' } } },
      });
      expect(await stack.count('evaluation', 'runs')).toBe(runsBefore);
      const approved = await ok(stack, 'create_directive', {
        issued_by: 'planner',
        objective: 'Re-run the keepers under a directive.',
        scope: 'development',
        role: 'builder',
        type: 'test',
        status: 'proposed',
      });
      expect(approved.directive.status).toBe('approved');
      const again = await ok(stack, 'start_run', {
        experiment_id: experimentId,
        directive_id: approved.directive.id,
      });
      expect(again).toMatchObject({ reused: 4, to_run: 0, run: { status: 'completed' } });
      expect(again.run.config.directive_id).toBe(approved.directive.id);
      const progress = await ok(stack, 'get_run_progress', { id: again.run.id });
      expect(progress).toMatchObject({ status: 'completed', worlds_reused: 4 });
      expect(progress.directive_spend).toBeDefined();
    } finally {
      const active = await ok(stack, 'get_policy', {});
      await ok(stack, 'set_policy', { policy, expected_hash: active.hash, reason: 'back' });
    }
  }, 60_000);
});

interface Observed<T> {
  readonly result: T;
  /** Requests on the bus while `fn` ran, as `<service>.<operation>` (readiness checks left out). */
  readonly requests: readonly string[];
  /** Statements sent to Postgres by request handlers (any service's) while `fn` ran. */
  readonly statements: readonly string[];
}

/**
 * Runs `fn` while watching the bus (a subscription of its own to every
 * subject of the stack's prefix sees a copy of each request) and the
 * statements sent while a request is being handled (RpcServer's answer to
 * a request, run here inside an AsyncLocalStorage of the test's own; the
 * background loops, relays and workers run outside it).
 */
async function observe<T>(stack: PlatformStack, fn: () => Promise<T>): Promise<Observed<T>> {
  const prefix = stack.infra.prefix;
  const watcher: NatsConnection = await connect({
    servers: testInfra().natsUrl,
    name: 'rerun-watcher',
  });
  const requests: string[] = [];
  const statements: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  // RpcServer's (private) answer to each request: the handler runs inside it.
  const server = RpcServer.prototype as unknown as { answer: (...args: unknown[]) => unknown };
  const answer = server.answer;
  const handling = new AsyncLocalStorage<true>();
  try {
    watcher.subscribe(`${prefix}.>`, {
      callback: (error, msg) => {
        if (error === null && !msg.subject.endsWith('._ready')) {
          requests.push(msg.subject.slice(prefix.length + 1));
        }
      },
    });
    await watcher.flush();
    server.answer = function handled(this: unknown, ...args: unknown[]): unknown {
      return handling.run(true, () => answer.apply(this, args));
    };
    proto.query = function counted(this: unknown, ...args: unknown[]): unknown {
      if (handling.getStore() === true) {
        const [query] = args as [string | { text?: string }];
        statements.push(typeof query === 'string' ? query : String(query.text));
      }
      return original.apply(this, args);
    };
    const result = await fn();
    await watcher.flush();
    return { result, requests, statements };
  } finally {
    proto.query = original;
    server.answer = answer;
    await watcher.close();
  }
}
