import { answer, createLlmServer, type LlmServer, type ReceivedChatRequest } from '../support';
import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

const VALID = {
  narration: 'The keeper acts; nothing else moves.',
  agent_state_after: 'Still at work.',
  agent_memory_append: 'Tried something.',
  entity_mutations: [],
  environment_mutations: [],
};

const isAdjudication = (r: ReceivedChatRequest) =>
  r.responseFormat !== undefined && r.responseFormat !== 'text';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * delete_world and a turn's commit lock the same two rows, the world's and
 * the attempt's, and must take them in one order (docs/services/worlds.md,
 * "Locks"). Here the commit is caught between its two locks: the test
 * holds the attempt's row while the turn's last LLM answer is released, so
 * the commit statement takes what it takes first and waits; delete_world
 * then arrives and waits too. When the test lets go, the commit goes first
 * and the delete after it. With the attempt locked before the world by one
 * of them, the two would wait for each other and Postgres would abort one
 * (a delete answered 503 `database_conflict`, or a turn failed).
 */
describe('worlds: delete_world during a turn commit (real servers)', () => {
  let stack: PlatformStack;
  let server: LlmServer;

  beforeAll(async () => {
    server = await createLlmServer();
    stack = await startRealPlatform();
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  /**
   * Backends of the test's database waiting for a lock, by what they run:
   * the turn's commit (the statement that writes a held turn), the worker's
   * lease heartbeat, or anything else (here, delete_world).
   */
  async function lockWaiters(): Promise<{ commit: number; other: number }> {
    const result = await stack.infra.knex.raw<{ rows: Array<{ query: string }> }>(
      `select query from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
    );
    const queries = result.rows.map((row) => row.query);
    // pg_stat_activity keeps a statement's first kilobyte: the commit's opening CTE names it.
    const commit = queries.filter((q) =>
      /^with recorded as \(\s*insert into "worlds"\."llm_calls"/.test(q),
    ).length;
    const heartbeat = queries.filter((q) => /^update .*"lease_until" = now\(\)/i.test(q)).length;
    return { commit, other: queries.length - commit - heartbeat };
  }

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) {
        const seen = await stack.infra.knex.raw<{ rows: unknown[] }>(
          `select state, wait_event_type, wait_event, left(query, 120) as query from pg_stat_activity
            where datname = current_database() and state <> 'idle'`,
        );
        throw new Error(`gave up waiting: ${what}; sessions: ${JSON.stringify(seen.rows)}`);
      }
      await sleep(25);
    }
  }

  it('waits for the commit, then deletes: no deadlock, the turn committed, the world deleted', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.handle(async (r) => {
      await released;
      return isAdjudication(r) ? answer.json(VALID) : answer.text('I keep watch.');
    });
    const scenarioHash = (await ok(stack, 'assemble_scenario', validRequest())).scenario_hash;
    await ok(stack, 'create_world', {
      slug: 'contested',
      scenario_ref: { hash: scenarioHash },
      mind: {
        provider: 'openai-compatible',
        base_url: server.baseUrl,
        model: 'scripted-model',
        timeout_ms: 30_000,
      },
    });
    const run = await ok(stack, 'run_turn', { world_slug: 'contested' });
    // The attempt is claimed and its first call is waiting at the server.
    await until('the first LLM call', () => Promise.resolve(server.requests.length > 0));

    const holder = await stack.infra.knex.transaction();
    let deleting: Promise<any> = Promise.reject(new Error('delete_world was not called'));
    deleting.catch(() => undefined);
    try {
      const held = await holder.raw<{ rows: unknown[] }>(
        `select id from worlds.turn_attempts where id = ? and status = 'running' for update`,
        [run.attempt_id],
      );
      expect(held.rows).toHaveLength(1);
      release();
      // The turn's calls are answered; its commit statement now waits for the attempt's row.
      await until('the commit to wait', async () => (await lockWaiters()).commit === 1);
      deleting = ok(stack, 'delete_world', { world_slug: 'contested' });
      deleting.catch(() => undefined);
      await until('the delete to wait', async () => (await lockWaiters()).other === 1);
    } finally {
      await holder.rollback();
    }

    const deleted = await deleting;
    expect(deleted).toMatchObject({ slug: 'contested' });
    const status = await stack.infra.knex.raw<{ rows: Array<Record<string, unknown>> }>(
      'select status, produced_turn from worlds.turn_attempts where id = ?',
      [run.attempt_id],
    );
    expect(status.rows[0]).toEqual({ status: 'committed', produced_turn: 1 });
    const world = await stack.infra.knex.raw<{ rows: Array<Record<string, unknown>> }>(
      `select current_turn, deleted_at is not null as deleted from worlds.worlds where slug = 'contested'`,
    );
    expect(world.rows).toEqual([{ current_turn: 1, deleted: true }]);
  }, 60_000);
});
