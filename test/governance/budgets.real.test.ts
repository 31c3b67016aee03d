import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { op, ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

// Budgets and protected names across services, on real Postgres, NATS and
// Kafka (docs/services/governance.md, "Budgets" and "Protected names"): the
// worlds service prices the LLM calls of turns run under a directive and
// reports them to governance, which keeps the total in the directive's
// execution run and refuses the next turn once the budget is spent; the
// names service moves a protected name only under a directive naming it.

/** The offline mind priced like a paid model: 1000 USD per million input tokens, 2000 per million output. */
const PRICES = {
  currency: 'USD',
  providers: { offline: { input_per_million: '1000', output_per_million: '2000' } },
};

let stack: PlatformStack;
let folder: string;
let scenarioHash: string;
let seed = 0;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crucible-prices-'));
  const table = join(folder, 'prices.json');
  writeFileSync(table, JSON.stringify(PRICES));
  stack = await startRealPlatform({ env: { WORLDS_PRICE_TABLE: table } });
  scenarioHash = (await ok(stack, 'assemble_scenario', validRequest())).scenario_hash;
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** An approved directive (the default policy approves type test in scope development). */
async function approvedDirective(over: Record<string, unknown> = {}): Promise<string> {
  const created = await ok(stack, 'create_directive', {
    issued_by: 'planner',
    objective: 'Run the observatory world against the paid model.',
    scope: 'development',
    role: 'builder',
    type: 'test',
    status: 'proposed',
    ...over,
  });
  const id: string = created.directive.id;
  expect((await ok(stack, 'get_directive', { id })).directive.status).toBe('approved');
  return id;
}

/** A world of its own (its own seed: its LLM calls are its own records). */
async function world(slug: string, directiveId?: string): Promise<void> {
  seed += 1;
  await ok(stack, 'create_world', {
    slug,
    scenario_ref: { hash: scenarioHash },
    mind: { provider: 'offline', params: { seed } },
    ...(directiveId === undefined ? {} : { directive_id: directiveId }),
  });
}

async function waitFor(slug: string, attemptId: number): Promise<any> {
  for (;;) {
    const status = await ok(stack, 'get_turn_status', {
      world_slug: slug,
      attempt_id: attemptId,
      wait_ms: 5000,
    });
    if (status.status === 'committed' || status.status === 'failed') return status;
  }
}

/** The calls of a world's turn, and what the price table makes of them. */
async function turnCost(
  slug: string,
  turn: number,
): Promise<{ hashes: string[]; amount: number; tokens: number }> {
  const { calls } = await ok(stack, 'list_llm_calls', { world_slug: slug, turn, limit: 500 });
  let micros = 0;
  let tokens = 0;
  for (const call of calls as Array<{ input_tokens: number; output_tokens: number }>) {
    micros += call.input_tokens * 1000 + call.output_tokens * 2000;
    tokens += call.input_tokens + call.output_tokens;
  }
  return { hashes: calls.map((c: { hash: string }) => c.hash), amount: micros / 1e6, tokens };
}

describe('budgets', () => {
  it('stops a world mid-run once the budget is spent: the next turns fail, nothing half-applied', async () => {
    const directive = await approvedDirective({ budget: { amount: '0.5', currency: 'USD' } });
    await world('budget-a', directive);
    // Three turns queued at once; the first spends more than 0.5 USD.
    const queued = await ok(stack, 'run_turn', {
      world_slug: 'budget-a',
      turns: 3,
      directive_id: directive,
    });
    const [first, second, third] = queued.attempts as Array<{ attempt_id: number }>;
    expect(await waitFor('budget-a', first!.attempt_id)).toMatchObject({
      status: 'committed',
      produced_turn: 1,
    });
    for (const attempt of [second!, third!]) {
      const status = await waitFor('budget-a', attempt.attempt_id);
      expect(status.status).toBe('failed');
      expect(status.failure_reason).toMatch(/budget of directive .* is spent/);
    }
    // Nothing of turns 2 and 3 was applied: the world stays at turn 1, no call was made for them.
    const after = (await ok(stack, 'get_world', { world_slug: 'budget-a' })).world;
    expect(after.turn).toBe(1);
    expect((await turnCost('budget-a', 2)).hashes).toEqual([]);
    const events = await ok(stack, 'list_turn_events', { world_slug: 'budget-a', turn: 2 });
    expect(
      (events.events as Array<{ kind: string; data: { code?: string } }>).map((e) => [
        e.kind,
        e.data.code,
      ]),
    ).toEqual([
      ['turn_failed', 'budget_exhausted'],
      ['turn_failed', 'budget_exhausted'],
    ]);

    // The next run_turn is refused at once with the structured budget error, nothing queued.
    const attemptsBefore = await stack.count('worlds', 'turn_attempts');
    const refused = await op(stack, 'run_turn', {
      world_slug: 'budget-a',
      directive_id: directive,
    });
    expect(refused.status).toBe(429);
    const cost = await turnCost('budget-a', 1);
    expect(cost.amount).toBeGreaterThan(0.5);
    expect(refused.body.error).toMatchObject({
      code: 'resource_exhausted',
      retryable: false,
      details: {
        reason: 'budget_exhausted',
        path: '/directive_id',
        id: directive,
        budget: { amount: '0.5', currency: 'USD' },
        // Exactly the priced calls of turn 1, each once.
        spent: { amount: String(cost.amount), currency: 'USD', tokens: cost.tokens },
      },
    });
    expect(await stack.count('worlds', 'turn_attempts')).toBe(attemptsBefore);
    // The budget is the directive's: completing its run does not give a new one.
    await ok(stack, 'transition_execution_run', {
      id: refused.body.error.details.run_id,
      expected_status: 'running',
      status: 'completed',
    });
    const still = await op(stack, 'run_turn', { world_slug: 'budget-a', directive_id: directive });
    expect([still.status, still.body.error.details.reason]).toEqual([429, 'budget_exhausted']);
    expect(still.body.error.details.spent).toEqual(refused.body.error.details.spent);
    // The spend is the directive's execution run's, started by the first report.
    expect(await stack.count('governance', 'execution_runs')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('counts a token budget too, and never counts a call twice when a turn is reported again', async () => {
    const directive = await approvedDirective({ budget: { tokens: 1_000_000 } });
    await world('budget-b', directive);
    const run = await ok(stack, 'run_turn', { world_slug: 'budget-b', directive_id: directive });
    expect((await waitFor('budget-b', run.attempt_id)).status).toBe('committed');
    const cost = await turnCost('budget-b', 1);
    expect(cost.hashes.length).toBeGreaterThan(0);
    const authorized = await ok(stack, 'authorize_work', {
      work: 'run_turn',
      directive_id: directive,
      subject: 'budget-b',
    });
    expect(authorized.spent).toEqual({
      amount: String(cost.amount),
      currency: 'USD',
      tokens: cost.tokens,
    });

    // A retried attempt of turn 1 reports the same calls again (the worker
    // does, before and after every attempt): nothing is added.
    const charges = cost.hashes.map((hash) => ({
      key: `worlds:llm_call:${hash}`,
      model: 'offline',
      tokens: 1,
      amount: '1',
      currency: 'USD',
    }));
    const again = await ok(stack, 'record_spend', {
      directive_id: directive,
      work: 'run_turn',
      subject: 'budget-b',
      charges,
    });
    expect(again).toMatchObject({ recorded: 0, exhausted: false, run_id: authorized.run_id });
    expect(again.spent).toEqual(authorized.spent);

    // A second turn adds its own calls, once.
    const next = await ok(stack, 'run_turn', { world_slug: 'budget-b', directive_id: directive });
    expect((await waitFor('budget-b', next.attempt_id)).status).toBe('committed');
    const second = await turnCost('budget-b', 2);
    const total = await ok(stack, 'authorize_work', { work: 'run_turn', directive_id: directive });
    expect(total.spent.tokens).toBe(cost.tokens + second.tokens);
  }, 60_000);

  it('refuses work under a directive that is not approved, or unknown', async () => {
    const draft = await ok(stack, 'create_directive', {
      issued_by: 'planner',
      objective: 'Not yet.',
      scope: 'development',
      role: 'builder',
      type: 'test',
      status: 'draft',
    });
    const refused = await op(stack, 'create_world', {
      slug: 'never-made',
      scenario_ref: { hash: scenarioHash },
      directive_id: draft.directive.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({
      reason: 'directive_not_approved',
      path: '/directive_id',
      status: 'draft',
    });
    expect((await op(stack, 'get_world', { world_slug: 'never-made' })).status).toBe(404);
    const unknown = await op(stack, 'create_world', {
      slug: 'never-made',
      scenario_ref: { hash: scenarioHash },
      directive_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(404);
  }, 30_000);

  it('requires a directive for the work the active policy lists', async () => {
    await world('budget-c');
    const { hash, policy } = await ok(stack, 'get_policy', {});
    await ok(stack, 'set_policy', {
      policy: { ...policy, version: 'v2-directives', directive_required_work: ['run_turn'] },
      expected_hash: hash,
      reason: 'worlds run under directives',
    });
    try {
      const refused = await op(stack, 'run_turn', { world_slug: 'budget-c' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.details).toMatchObject({
        reason: 'directive_required',
        path: '/directive_id',
        work: 'run_turn',
        policy_version: 'v2-directives',
      });
      const directive = await approvedDirective();
      const run = await ok(stack, 'run_turn', { world_slug: 'budget-c', directive_id: directive });
      expect((await waitFor('budget-c', run.attempt_id)).status).toBe('committed');
      // create_world is not listed: still free.
      await world('budget-d');
    } finally {
      const active = await ok(stack, 'get_policy', {});
      await ok(stack, 'set_policy', { policy, expected_hash: active.hash, reason: 'back' });
    }
  }, 60_000);
});

describe('forks and replays', () => {
  it('asks governance before fork_world and replay_world; a replay records no spend', async () => {
    // One turn spends more than the budget.
    const spent = await approvedDirective({ budget: { amount: '0.5', currency: 'USD' } });
    await world('budget-f', spent);
    const run = await ok(stack, 'run_turn', { world_slug: 'budget-f', directive_id: spent });
    expect((await waitFor('budget-f', run.attempt_id)).status).toBe('committed');
    const worldsBefore = await stack.count('worlds', 'worlds');
    const fork = await op(stack, 'fork_world', {
      world_slug: 'budget-f',
      turn: 1,
      slug: 'budget-f-fork',
      directive_id: spent,
    });
    expect([fork.status, fork.body.error.details.reason]).toEqual([429, 'budget_exhausted']);
    const replay = await op(stack, 'replay_world', { world_slug: 'budget-f', directive_id: spent });
    expect([replay.status, replay.body.error.details.reason]).toEqual([429, 'budget_exhausted']);
    expect(await stack.count('worlds', 'worlds')).toBe(worldsBefore);

    // Under a directive with budget left both are made; the replay costs nothing.
    const fresh = await approvedDirective({ budget: { amount: '0.5', currency: 'USD' } });
    const replayed = await ok(stack, 'replay_world', {
      world_slug: 'budget-f',
      directive_id: fresh,
    });
    expect(replayed).toMatchObject({ identical: true, turns: 1 });
    await ok(stack, 'fork_world', {
      world_slug: 'budget-f',
      turn: 1,
      slug: 'budget-f-fork',
      directive_id: fresh,
    });
    const authorized = await ok(stack, 'authorize_work', {
      work: 'replay_world',
      directive_id: fresh,
    });
    expect(authorized.spent).toEqual({ amount: '0', currency: null, tokens: 0 });

    // The policy may require a directive for them.
    const { hash, policy } = await ok(stack, 'get_policy', {});
    await ok(stack, 'set_policy', {
      policy: {
        ...policy,
        version: 'v2-forks',
        directive_required_work: ['fork_world', 'replay_world'],
      },
      expected_hash: hash,
      reason: 'forks and replays under directives',
    });
    try {
      const bareFork = await op(stack, 'fork_world', {
        world_slug: 'budget-f',
        turn: 1,
        slug: 'budget-f-bare',
      });
      expect([bareFork.status, bareFork.body.error.details.work]).toEqual([403, 'fork_world']);
      const bareReplay = await op(stack, 'replay_world', { world_slug: 'budget-f' });
      expect([bareReplay.status, bareReplay.body.error.details.work]).toEqual([
        403,
        'replay_world',
      ]);
    } finally {
      const active = await ok(stack, 'get_policy', {});
      await ok(stack, 'set_policy', { policy, expected_hash: active.hash, reason: 'back' });
    }
  }, 60_000);
});

describe('protected names', () => {
  it('refuses to move a protected name without a directive naming it, and moves it under one', async () => {
    const other = (
      await ok(stack, 'assemble_scenario', validRequest({ description: 'Two other keepers.' }))
    ).scenario_hash;
    await ok(stack, 'set_scenario_name', { name: 'release', hash: scenarioHash });
    expect(await ok(stack, 'protect_name', { name: 'release', note: 'production' })).toEqual({
      name: 'release',
      protected: true,
      changed: true,
    });
    const historyBefore = (await ok(stack, 'name_history', { name: 'release' })).entries.length;
    // Its protection can be read: resolve_name and list_names show it (over HTTP the actor is admin).
    const resolved = await ok(stack, 'resolve_name', { name: 'release' });
    expect(resolved).toMatchObject({
      protected: true,
      protection: { actor: 'admin', note: 'production' },
    });
    expect(Date.parse(resolved.protection.protected_at)).not.toBeNaN();
    const listed = (await ok(stack, 'list_names', { prefix: 'release' })).names;
    expect(listed.find((n: { name: string }) => n.name === 'release')).toMatchObject({
      protected: true,
      protection: resolved.protection,
    });

    const bare = await op(stack, 'set_scenario_name', { name: 'release', hash: other });
    expect(bare.status).toBe(403);
    expect(bare.body.error.details).toMatchObject({
      reason: 'name_protected',
      path: '/directive_id',
      name: 'release',
    });
    // A directive that does not name it is refused too; so is one not approved.
    const unrelated = await approvedDirective({ payload: { names: ['staging'] } });
    const wrong = await op(stack, 'set_scenario_name', {
      name: 'release',
      hash: other,
      directive_id: unrelated,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.details).toMatchObject({ reason: 'directive_does_not_name' });
    const draft = await ok(stack, 'create_directive', {
      issued_by: 'planner',
      objective: 'Move release.',
      scope: 'development',
      role: 'builder',
      type: 'test',
      status: 'draft',
      payload: { names: ['release'] },
    });
    const unapproved = await op(stack, 'update_scenario_names', {
      updates: [{ name: 'release', hash: other }],
      directive_id: draft.directive.id,
    });
    expect(unapproved.status).toBe(409);
    expect((await ok(stack, 'resolve_name', { name: 'release' })).hash).toBe(scenarioHash);
    expect((await ok(stack, 'name_history', { name: 'release' })).entries).toHaveLength(
      historyBefore,
    );

    const directive = await approvedDirective({ payload: { names: ['release'] } });
    const moved = await ok(stack, 'set_scenario_name', {
      name: 'release',
      hash: other,
      directive_id: directive,
      note: 'ship it',
    });
    expect(moved).toMatchObject({ changed: true, hash: other, previous_hash: scenarioHash });
    const [latest] = (await ok(stack, 'name_history', { name: 'release' })).entries;
    expect(latest).toMatchObject({
      id: moved.history_id,
      new_hash: other,
      note: 'ship it',
      directive_id: directive,
    });

    // Unprotected, it moves freely again (and its history says under no directive).
    expect((await ok(stack, 'unprotect_name', { name: 'release' })).changed).toBe(true);
    expect((await ok(stack, 'unprotect_name', { name: 'release' })).changed).toBe(false);
    const unprotected = await ok(stack, 'resolve_name', { name: 'release' });
    expect(unprotected.protected).toBe(false);
    expect(unprotected).not.toHaveProperty('protection');
    const free = await ok(stack, 'set_scenario_name', { name: 'release', hash: scenarioHash });
    const [last] = (await ok(stack, 'name_history', { name: 'release' })).entries;
    expect(last).toMatchObject({ id: free.history_id });
    expect(last).not.toHaveProperty('directive_id');
  }, 60_000);
});
