import { answer, createLlmServer, type LlmServer, type ReceivedChatRequest } from '../support';
import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { ENVIRONMENTS, INTEND_SYSTEM, PERCEIVE_SYSTEM } from '../scenarios/fixtures';
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
const agentOf = (r: ReceivedChatRequest) =>
  r.user.includes('id: elder_keeper') && !r.user.includes('World snapshot')
    ? 'elder_keeper'
    : r.user.includes('id: young_keeper') && !r.user.includes('World snapshot')
      ? 'young_keeper'
      : undefined;

// The turn kernel against a scripted OpenAI-compatible server, through the
// worlds service on real servers: what each agent is shown, corrective
// retries, refusals, atomic failure, and the server's failures.
describe('worlds against a scripted LLM (real servers)', () => {
  let stack: PlatformStack;
  let server: LlmServer;
  let scenarioHash: string;
  let seed = 0;

  beforeAll(async () => {
    server = await createLlmServer();
    stack = await startRealPlatform();
    scenarioHash = (await ok(stack, 'assemble_scenario', validRequest())).scenario_hash;
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  /** A world on the scripted server; its own seed makes its requests (and records) its own. */
  async function world(slug: string, extra: Record<string, unknown> = {}) {
    seed += 1;
    await ok(stack, 'create_world', {
      slug,
      scenario_ref: { hash: scenarioHash },
      mind: {
        provider: 'openai-compatible',
        base_url: server.baseUrl,
        model: 'scripted-model',
        max_retries: 2,
        timeout_ms: 5000,
        params: { seed },
        ...extra,
      },
    });
    return seed;
  }

  async function turn(slug: string) {
    const run = await ok(stack, 'run_turn', { world_slug: slug });
    return ok(stack, 'get_turn_status', {
      world_slug: slug,
      attempt_id: run.attempt_id,
      wait_ms: 30_000,
    });
  }

  const requestsOf = (s: number) => server.requests.filter((r) => r.body.seed === s);

  it('shows each agent only its own environment when it perceives and intends', async () => {
    server.handle((r) =>
      isAdjudication(r) ? answer.json(VALID) : answer.text('I look around me.'),
    );
    const s = await world('scoped');
    expect(await turn('scoped')).toMatchObject({ status: 'committed', produced_turn: 1 });
    const mine = requestsOf(s).filter((r) => !isAdjudication(r));
    const elder = mine.filter((r) => agentOf(r) === 'elder_keeper');
    const young = mine.filter((r) => agentOf(r) === 'young_keeper');
    expect(elder.length).toBe(2);
    expect(young.length).toBe(2);
    expect(elder.map((r) => r.system).sort()).toEqual([INTEND_SYSTEM, PERCEIVE_SYSTEM].sort());
    for (const r of elder) {
      expect(r.text).not.toContain(ENVIRONMENTS.stairwell);
      expect(r.text).not.toContain('Iron door');
      expect(r.text).not.toContain('young_keeper');
    }
    for (const r of young) {
      expect(r.text).not.toContain(ENVIRONMENTS.dome);
      expect(r.text).not.toContain('Great telescope');
      expect(r.text).not.toContain('DIRECTOR-ONLY');
    }
    // Every call is recorded, once.
    const calls = await ok(stack, 'list_llm_calls', { world_slug: 'scoped' });
    expect(calls.usage.calls).toBe(requestsOf(s).length);
  }, 60_000);

  it('sends a schema-invalid adjudication back with the complaint, and commits the corrected one', async () => {
    let adjudications = 0;
    server.handle((r) => {
      if (!isAdjudication(r)) return answer.text('I reach for the logbook.');
      adjudications += 1;
      return adjudications === 1 ? answer.json({ narration: 5 }) : answer.json(VALID);
    });
    await world('corrected');
    expect(await turn('corrected')).toMatchObject({ status: 'committed' });
    const events = await ok(stack, 'list_turn_events', {
      world_slug: 'corrected',
      kind: 'intent_adjudicated',
    });
    const first = events.events[0].data;
    expect(first.attempts).toBe(2);
    expect(first.complaints).toHaveLength(1);
  }, 60_000);

  it('refuses a mutation of an entity that does not exist, naming it', async () => {
    let adjudications = 0;
    server.handle((r) => {
      if (!isAdjudication(r)) return answer.text('I call for help.');
      adjudications += 1;
      return adjudications === 1
        ? answer.json({ ...VALID, entity_mutations: [{ entity_id: 'ghost', state: 'Here.' }] })
        : answer.json(VALID);
    });
    await world('refused');
    expect(await turn('refused')).toMatchObject({ status: 'committed' });
    const events = await ok(stack, 'list_turn_events', {
      world_slug: 'refused',
      kind: 'intent_adjudicated',
    });
    expect(events.events[0].data.complaints[0]).toContain('ghost');
  }, 60_000);

  it('fails the whole turn when one agent exhausts its retries: nothing of the others is applied', async () => {
    server.handle((r) => {
      if (!isAdjudication(r)) return answer.text('I try the door.');
      // The elder (first in id order) is answered well, the young keeper never.
      return r.user.includes('Acting agent:\nThe elder keeper')
        ? answer.json(VALID)
        : answer.json({ narration: 'missing fields' });
    });
    await world('exhausted');
    const before = await ok(stack, 'get_world', { world_slug: 'exhausted' });
    const status = await turn('exhausted');
    expect(status).toMatchObject({ status: 'failed', produced_turn: null });
    expect(status.failure.code).toBe('adjudication_invalid');
    expect(status.failure.agent_id).toBe('young_keeper');
    // 1 + the profile's retry budget (2): one complaint per rejected reply.
    expect(status.failure.complaints).toHaveLength(3);
    const after = await ok(stack, 'get_world', { world_slug: 'exhausted' });
    // Only the usage moved: the failed attempt's calls are recorded (a retry reuses them).
    expect(after.world.usage.calls).toBeGreaterThan(0);
    expect({ ...after, world: { ...after.world, usage: before.world.usage } }).toEqual(before);
    const failed = await ok(stack, 'list_turn_events', {
      world_slug: 'exhausted',
      kind: 'turn_failed',
    });
    expect(failed.events[0].data.complaints).toEqual(status.failure.complaints);
    expect(await stack.count('worlds', 'world_turns')).toBeGreaterThan(0);
  }, 60_000);

  it('waits out a 429 with Retry-After and a 500, and a slow answer, then commits', async () => {
    server.handle((r) =>
      isAdjudication(r) ? answer.json(VALID) : answer.text('I wait.', { delayMs: 200 }),
    );
    server.enqueue(answer.rateLimited({ retryAfterSeconds: 1 }), answer.error(500));
    const s = await world('weathered');
    const status = await turn('weathered');
    expect(status).toMatchObject({ status: 'committed', produced_turn: 1 });
    const mine = requestsOf(s);
    // The first request was refused twice (429, then 500) and answered the third time.
    expect(mine[0]!.body).toEqual(mine[1]!.body);
    expect(mine[1]!.body).toEqual(mine[2]!.body);
    expect(mine[2]!.receivedAt - mine[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
    // Recorded once, with the latency of the whole call.
    const calls = await ok(stack, 'list_llm_calls', { world_slug: 'weathered', phase: 'perceive' });
    expect(calls.calls[0].latency_ms).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('replays from records alone; a missing record is named by turn, agent and phase', async () => {
    server.handle((r) => (isAdjudication(r) ? answer.json(VALID) : answer.text('I keep watch.')));
    const s = await world('recorded');
    await turn('recorded');
    await turn('recorded');
    const sent = requestsOf(s).length;
    const same = await ok(stack, 'replay_world', {
      world_slug: 'recorded',
      slug: 'recorded-again',
    });
    expect(same).toEqual({ world_slug: 'recorded-again', identical: true, turns: 2 });
    // The replay asked the server nothing.
    expect(requestsOf(s).length).toBe(sent);
    const usage = await ok(stack, 'list_llm_calls', { world_slug: 'recorded', profile: 'keeper' });
    expect(usage.usage.calls).toBe(sent);
    expect(
      (await ok(stack, 'list_llm_calls', { world_slug: 'recorded', profile: 'nobody' })).usage
        .calls,
    ).toBe(0);

    const intend = await ok(stack, 'list_llm_calls', {
      world_slug: 'recorded',
      turn: 2,
      agent_id: 'young_keeper',
      phase: 'intend',
    });
    await stack.infra.knex('worlds.llm_calls').where({ hash: intend.calls[0].hash }).delete();
    const broken = await ok(stack, 'replay_world', {
      world_slug: 'recorded',
      slug: 'recorded-gap',
    });
    expect(broken).toMatchObject({
      world_slug: 'recorded-gap',
      identical: false,
      turns: 1,
      first_divergence: { turn: 2, actual_state_hash: null },
    });
    expect(broken.first_divergence.message).toMatch(/turn 2, agent young_keeper, phase intend/);
    expect(requestsOf(s).length).toBe(sent);
  }, 60_000);

  it('fails the turn with the mind failure when the server keeps failing', async () => {
    server.handle(() => answer.error(500));
    await world('broken', { max_retries: 0 });
    const status = await turn('broken');
    expect(status).toMatchObject({ status: 'failed' });
    expect(status.failure).toMatchObject({ code: 'mind_failed', phase: 'perceive' });
    expect((await ok(stack, 'get_world', { world_slug: 'broken' })).turn).toBe(0);
  }, 60_000);

  it("numbers a turn's audit events after a failed attempt's, and publishes them as numbered", async () => {
    // The first attempt's adjudications fail (500, no retries): its perceptions
    // and intents are recorded, then the turn fails; the next attempt commits.
    server.handle((r) =>
      isAdjudication(r) ? answer.error(500) : answer.text('I look for the key.'),
    );
    await world('retried', { max_retries: 0 });
    const failed = await turn('retried');
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'mind_failed' } });
    server.handle((r) => (isAdjudication(r) ? answer.json(VALID) : answer.text('I look.')));
    const committed = await turn('retried');
    expect(committed).toMatchObject({ status: 'committed', produced_turn: 1 });
    const listed = (await ok(stack, 'list_turn_events', { world_slug: 'retried', turn: 1 }))
      .events as Array<{ seq: number; kind: string; agent_id: string | null }>;
    const kinds = listed.map((e) => e.kind);
    expect(kinds.slice(0, kinds.indexOf('turn_failed') + 1)).toEqual([
      'perception_emitted',
      'intent_formed',
      'turn_failed',
    ]);
    expect(kinds.filter((k) => k === 'intent_adjudicated')).toHaveLength(2);
    // The worlds_audit records waiting in the outbox (the event tests read them from the stream).
    const published = await stack.infra
      .knex('worlds.outbox')
      .where({ key: 'retried' })
      .whereRaw("envelope ->> 'type' = 'worlds_audit.turn_events'")
      .orderBy('id')
      .select<
        Array<{
          envelope: {
            data: { attempt_id: number; events: Array<Record<string, unknown>> };
          };
        }>
      >('envelope');
    expect(
      published.flatMap(({ envelope: { data } }) =>
        data.events.map((e) => [e['seq'], e['kind'], e['agent_id'], data.attempt_id]),
      ),
    ).toEqual(
      listed.map((e, i) => [
        e.seq,
        e.kind,
        e.agent_id,
        i <= kinds.indexOf('turn_failed') ? failed.attempt_id : committed.attempt_id,
      ]),
    );
    expect(listed.map((e) => e.seq)).toEqual(listed.map((_, i) => i));
  }, 60_000);

  /**
   * Runs a turn of a new world whose first LLM call is held until `meanwhile`
   * has run (given the attempt's id): what the worker commits afterwards.
   */
  async function turnWhile(slug: string, meanwhile: (attemptId: number) => Promise<void>) {
    let arrived!: () => void;
    const held = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    server.handle(async (r) => {
      if (first) {
        first = false;
        arrived();
        await gate;
      }
      return isAdjudication(r) ? answer.json(VALID) : answer.text('I hold still.');
    });
    const s = await world(slug);
    const run = await ok(stack, 'run_turn', { world_slug: slug });
    await held;
    await meanwhile(run.attempt_id);
    release();
    return { seed: s, attemptId: run.attempt_id as number };
  }

  /** What a commit of `attemptId` would have written: its turn row and its events. */
  async function writtenBy(attemptId: number) {
    const knex = stack.infra.knex;
    const turns = await knex('worlds.world_turns')
      .where({ attempt_id: attemptId })
      .count({ n: '*' });
    const events = await knex('worlds.outbox')
      .whereRaw("(envelope -> 'data' ->> 'attempt_id')::bigint = ?", [attemptId])
      .select<Array<{ type: string }>>(knex.raw("envelope ->> 'type' as type"));
    return { turns: Number(turns[0]?.n), events: events.map((e) => e.type) };
  }

  it('commits nothing when the world moved while the turn ran: the attempt fails stale_state', async () => {
    const { attemptId } = await turnWhile('moved', async () => {
      // As if another writer had committed the world's turn 1 meanwhile.
      await stack.infra.knex('worlds.worlds').where({ slug: 'moved' }).update({ current_turn: 1 });
    });
    const status = await ok(stack, 'get_turn_status', {
      world_slug: 'moved',
      attempt_id: attemptId,
      wait_ms: 30_000,
    });
    expect(status).toMatchObject({ status: 'failed', failure: { code: 'stale_state' } });
    // A stale attempt is only marked failed: no audit row, no event (commitOutcome).
    expect(await writtenBy(attemptId)).toEqual({ turns: 0, events: [] });
  }, 60_000);

  it('commits nothing when its lease was taken over while the turn ran', async () => {
    const { seed: s, attemptId } = await turnWhile('taken', async (id) => {
      // Another replica's claim after this lease ran out (the heartbeat has not noticed yet).
      await stack.infra
        .knex('worlds.turn_attempts')
        .where({ id })
        .update({
          lease_owner: 'another-replica',
          lease_until: stack.infra.knex.raw("now() + interval '1 hour'"),
        });
    });
    // Every call of the turn (two agents, three phases each), then the commit's time.
    const deadline = Date.now() + 20_000;
    while (requestsOf(s).length < 6 && Date.now() < deadline) await sleep(20);
    await sleep(1_000);
    expect(await writtenBy(attemptId)).toEqual({ turns: 0, events: [] });
    const attempt = await stack.infra.knex('worlds.turn_attempts').where({ id: attemptId }).first();
    expect(attempt).toMatchObject({ status: 'running', lease_owner: 'another-replica' });
    expect((await ok(stack, 'get_world', { world_slug: 'taken' })).turn).toBe(0);
  }, 60_000);

  it("answers an offline world's requests from records another mind made first, so it replays identically", async () => {
    // An OpenAI-compatible world that asks for the offline mind's model with
    // the same parameters sends, at turn 1, the very requests an offline
    // world of the same scenario sends: those records are the answers.
    server.handle((r) =>
      isAdjudication(r)
        ? answer.json({ ...VALID, narration: 'Scripted, not offline.' })
        : answer.text('A scripted thought.'),
    );
    await ok(stack, 'create_world', {
      slug: 'first-mind',
      scenario_ref: { hash: scenarioHash },
      mind: {
        provider: 'openai-compatible',
        base_url: server.baseUrl,
        model: 'offline-v1',
        params: { seed: 4242 },
      },
    });
    expect(await turn('first-mind')).toMatchObject({ status: 'committed' });
    await ok(stack, 'create_world', {
      slug: 'second-mind',
      scenario_ref: { hash: scenarioHash },
      mind: { provider: 'offline', params: { seed: 4242 } },
    });
    expect(await turn('second-mind')).toMatchObject({ status: 'committed' });
    const adjudicated = await ok(stack, 'list_turn_events', {
      world_slug: 'second-mind',
      turn: 1,
      kind: 'intent_adjudicated',
    });
    expect(adjudicated.events.length).toBeGreaterThan(0);
    for (const event of adjudicated.events) {
      expect(JSON.stringify(event.data)).toContain('Scripted, not offline.');
    }
    const replay = await ok(stack, 'replay_world', { world_slug: 'second-mind' });
    expect(replay).toMatchObject({ identical: true, turns: 1 });
  }, 60_000);
});
