import { op, ok, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';

/** The scenario of validRequest() in full, as scenario_ref.data takes it. */
function scenarioData(slug: string): Record<string, unknown> {
  const request = validRequest({ scenario_slug: slug }) as any;
  return {
    scenario_slug: slug,
    description: request.description,
    chronon_seconds: request.chronon_seconds,
    cognition_profiles: Object.fromEntries(
      Object.entries(request.cognition_profiles).map(([label, ref]: [string, any]) => [
        label,
        Object.fromEntries(
          Object.entries(ref.inline).map(([k, v]: [string, any]) => [
            k,
            typeof v === 'object' && v !== null && 'inline' in v ? v.inline : v,
          ]),
        ),
      ]),
    ),
    environments: Object.fromEntries(
      Object.entries(request.environments).map(([label, ref]: [string, any]) => [
        label,
        ref.inline,
      ]),
    ),
    entities: request.entities.map((ref: any) => ref.inline),
  };
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every operation of the worlds service through the gateway, offline mind. */
export function describeWorldsApi(name: string, start: () => Promise<PlatformStack>): void {
  describe(`worlds API (${name})`, () => {
    let stack: PlatformStack;
    let scenarioHash: string;
    beforeAll(async () => {
      stack = await start();
      const assembled = await ok(stack, 'assemble_scenario', {
        ...validRequest(),
        name: 'observatory',
      });
      scenarioHash = assembled.scenario_hash;
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('creates worlds by name, hash and data, each carrying the manifest hash', async () => {
      const byName = await ok(stack, 'create_world', {
        slug: 'by-name',
        scenario_ref: { name: 'observatory' },
      });
      expect(byName).toMatchObject({
        slug: 'by-name',
        name: 'night_observatory #by-name',
        scenario_hash: scenarioHash,
        scenario_label: 'night_observatory',
        scenario_ref: { kind: 'name', value: 'observatory' },
        engine: 'sequential',
        turn: 0,
        forked_from: null,
        mind: null,
      });
      const stored = await ok(stack, 'get_scenario', { hash: scenarioHash });
      expect(byName.scenario_snapshot).toEqual(stored.scenario);

      const byHash = await ok(stack, 'create_world', {
        slug: 'by-hash',
        name: 'Hash world',
        scenario_ref: { hash: scenarioHash },
        engine: 'simultaneous',
      });
      expect(byHash).toMatchObject({
        name: 'Hash world',
        scenario_hash: scenarioHash,
        scenario_ref: { kind: 'hash', value: scenarioHash },
        engine: 'simultaneous',
      });

      const byData = await ok(stack, 'create_world', {
        slug: 'by-data',
        scenario_ref: { data: scenarioData('night_observatory') },
      });
      // The same content is the same manifest: the invariant the seed's smoke pinned.
      expect(byData.scenario_hash).toBe(scenarioHash);
      expect(byData.scenario_ref).toEqual({ kind: 'data', value: scenarioHash });
    });

    it('refuses a taken slug, a bad reference and an unknown scenario with codes and paths', async () => {
      await ok(stack, 'create_world', { slug: 'taken', scenario_ref: { hash: scenarioHash } });
      const again = await op(stack, 'create_world', {
        slug: 'taken',
        scenario_ref: { hash: scenarioHash },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.details).toMatchObject({ path: '/slug', reason: 'world_exists' });

      const badSlug = await op(stack, 'create_world', {
        slug: 'Bad Slug',
        scenario_ref: { hash: scenarioHash },
      });
      expect(badSlug.status).toBe(400);
      expect(badSlug.body.error.details).toMatchObject({ path: '/slug', reason: 'invalid_label' });

      const unknown = await op(stack, 'create_world', {
        slug: 'nowhere',
        scenario_ref: { name: 'no-such-name' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.details.path).toBe('/scenario_ref/name');

      const badData = await op(stack, 'create_world', {
        slug: 'bad-data',
        scenario_ref: { data: { ...scenarioData('x'), environments: {} } },
      });
      expect(badData.status).toBe(400);
      expect(badData.body.error.details.path).toMatch(/^\/scenario_ref\/data/);

      const badMind = await op(stack, 'create_world', {
        slug: 'bad-mind',
        scenario_ref: { hash: scenarioHash },
        mind: { provider: 'openai-compatible', base_url: 'https://example.invalid/v1' },
      });
      expect(badMind.status).toBe(400);
      expect(badMind.body.error.details.path).toMatch(/^\/mind/);
    });

    it('lists worlds newest first, paged with next_cursor only when more follow, by hash and label', async () => {
      for (const slug of ['list-a', 'list-b', 'list-c']) {
        await ok(stack, 'create_world', { slug, scenario_ref: { hash: scenarioHash } });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(stack, 'list_worlds', {
          scenario_label: 'night_observatory',
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.worlds.length).toBeLessThanOrEqual(2);
        seen.push(...page.worlds.map((w: any) => w.slug));
        cursor = page.next_cursor;
        if (page.worlds.length < 2) expect(cursor).toBeUndefined();
      } while (cursor);
      expect(seen.slice(0, 3)).toEqual(['list-c', 'list-b', 'list-a']);
      expect(new Set(seen).size).toBe(seen.length);
      const none = await ok(stack, 'list_worlds', { scenario_hash: '0'.repeat(64) });
      expect(none).toEqual({ worlds: [] });
      const bad = await op(stack, 'list_worlds', { cursor: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toMatchObject({ path: '/cursor', reason: 'invalid_cursor' });
    });

    it('runs queued turns in order, reads every past turn exactly, records every call', async () => {
      await ok(stack, 'create_world', { slug: 'runner', scenario_ref: { hash: scenarioHash } });
      const turn0 = await ok(stack, 'get_world', { world_slug: 'runner' });
      // A read in pages started now stays on turn 0 however the world moves on.
      const firstPage = await ok(stack, 'get_world', { world_slug: 'runner', limit: 1 });
      expect(firstPage.next_cursor).toEqual(expect.any(String));
      const queued = await Promise.all([
        ok(stack, 'run_turn', { world_slug: 'runner' }),
        ok(stack, 'run_turn', { world_slug: 'runner', turns: 2 }),
      ]);
      const ids = queued
        .flatMap((q) => q.attempts.map((a: any) => a.attempt_id))
        .sort((a, b) => a - b);
      expect(ids).toHaveLength(3);
      const statuses = [];
      for (const id of ids) {
        statuses.push(
          await ok(stack, 'get_turn_status', {
            world_slug: 'runner',
            attempt_id: id,
            wait_ms: 20_000,
          }),
        );
      }
      expect(statuses.map((s) => [s.status, s.produced_turn])).toEqual([
        ['committed', 1],
        ['committed', 2],
        ['committed', 3],
      ]);
      expect(statuses[0].usage.calls).toBeGreaterThan(0);
      const now = await ok(stack, 'get_world', { world_slug: 'runner' });
      expect(now.turn).toBe(3);
      expect(now.world.usage.calls).toBeGreaterThan(0);
      const past = await ok(stack, 'get_world', { world_slug: 'runner', turn: 0 });
      expect(past).toEqual({ ...turn0, world: past.world });
      const paged = { environments: { ...firstPage.environments }, entities: firstPage.entities };
      for (let cursor = firstPage.next_cursor; cursor !== undefined;) {
        const page = await ok(stack, 'get_world', { world_slug: 'runner', limit: 1, cursor });
        expect([page.turn, page.state_hash]).toEqual([0, turn0.state_hash]);
        Object.assign(paged.environments, page.environments);
        paged.entities.push(...page.entities);
        cursor = page.next_cursor;
      }
      expect(paged).toEqual({ environments: turn0.environments, entities: turn0.entities });
      // An agent's memory is its scenario memory and, line by line, the
      // memory appends of its adjudications (what get_world says to read when
      // it cuts a memory; docs/services/worlds.md#reading-a-world).
      const adjudications = await ok(stack, 'list_turn_events', {
        world_slug: 'runner',
        kind: 'intent_adjudicated',
        limit: 1000,
      });
      for (const entity of now.entities.filter((e: any) => e.kind !== 'prop')) {
        const seeded = turn0.entities.find((e: any) => e.id === entity.id).kind.agent.memory;
        const appends = adjudications.events
          .filter((e: any) => e.agent_id === entity.id)
          .map((e: any) => e.data.adjudication.agent_memory_append);
        expect(entity.kind.agent.memory).toBe(
          [seeded, ...appends].filter((line: string) => line !== '').join('\n'),
        );
      }
      const ahead = await op(stack, 'get_world', { world_slug: 'runner', turn: 9 });
      expect(ahead.status).toBe(404);
      expect(ahead.body.error.details.path).toBe('/turn');

      const events = await ok(stack, 'list_turn_events', { world_slug: 'runner', turn: 1 });
      expect(events.events.map((e: any) => e.kind)).toEqual(
        expect.arrayContaining(['perception_emitted', 'intent_formed', 'intent_adjudicated']),
      );
      const adjudicated = await ok(stack, 'list_turn_events', {
        world_slug: 'runner',
        kind: 'intent_adjudicated',
        limit: 1,
      });
      expect(adjudicated.events).toHaveLength(1);
      expect(adjudicated.next_cursor).toEqual(expect.any(String));

      const calls = await ok(stack, 'list_llm_calls', { world_slug: 'runner', turn: 1 });
      expect(calls.calls.length).toBe(calls.usage.calls);
      expect(calls.calls.every((c: any) => c.turn === 1 && c.provider === 'offline')).toBe(true);
      const call = await ok(stack, 'get_llm_call', { hash: calls.calls[0].hash });
      expect(call).toMatchObject({ hash: calls.calls[0].hash, world_slug: 'runner', turn: 1 });
      expect(call.request.messages.length).toBeGreaterThan(0);
      const missing = await op(stack, 'get_llm_call', { hash: 'f'.repeat(64) });
      expect(missing.status).toBe(404);
    }, 60_000);

    it('queues a request_key once: repeats (concurrent or later) answer the same attempts, another ask is 409', async () => {
      await ok(stack, 'create_world', { slug: 'keyed', scenario_ref: { hash: scenarioHash } });
      const attemptsBefore = await stack.count('worlds', 'turn_attempts');
      const ask = { world_slug: 'keyed', turns: 2, request_key: 'job-7/start' };
      // Two at once: one claims the key, the other answers its attempts.
      const [first, second] = await Promise.all([
        ok(stack, 'run_turn', ask),
        ok(stack, 'run_turn', ask),
      ]);
      expect(first.attempts).toHaveLength(2);
      expect(second).toEqual(first);
      for (const attempt of first.attempts) {
        expect(
          await ok(stack, 'get_turn_status', {
            world_slug: 'keyed',
            attempt_id: attempt.attempt_id,
            wait_ms: 20_000,
          }),
        ).toMatchObject({ status: 'committed' });
      }
      // Later, after the turns ran: still the same attempts, nothing queued.
      expect(await ok(stack, 'run_turn', ask)).toEqual(first);
      expect(await stack.count('worlds', 'turn_attempts')).toBe(attemptsBefore + 2);
      expect((await ok(stack, 'get_world', { world_slug: 'keyed' })).turn).toBe(2);

      // The key names that request: asking other turns with it is refused, nothing queued.
      const other = await op(stack, 'run_turn', { ...ask, turns: 3 });
      expect(other.status).toBe(409);
      expect(other.body.error).toMatchObject({
        code: 'conflict',
        details: { reason: 'request_key_reused', path: '/request_key', turns: 2 },
      });
      // Another key, or none, queues as usual; a key is per world.
      const next = await ok(stack, 'run_turn', { world_slug: 'keyed', request_key: 'job-8/start' });
      expect(next.attempts).toHaveLength(1);
      expect(next.attempt_id).toBeGreaterThan(first.attempt_id);
      await ok(stack, 'create_world', { slug: 'keyed-too', scenario_ref: { hash: scenarioHash } });
      const elsewhere = await ok(stack, 'run_turn', { ...ask, world_slug: 'keyed-too' });
      expect(elsewhere.attempt_id).not.toBe(first.attempt_id);
      expect(await stack.count('worlds', 'turn_attempts')).toBe(attemptsBefore + 5);

      for (const bad of ['', 'has space', 'x'.repeat(129), 'caf\u00e9']) {
        const refused = await op(stack, 'run_turn', { world_slug: 'keyed', request_key: bad });
        expect(refused.status).toBe(400);
        expect(refused.body.error.details.path).toBe('/request_key');
      }
      expect(await stack.count('worlds', 'turn_attempts')).toBe(attemptsBefore + 5);
    }, 60_000);

    it('forks at a turn without touching the source, and replays a world identically', async () => {
      await ok(stack, 'create_world', { slug: 'origin', scenario_ref: { hash: scenarioHash } });
      const run = await ok(stack, 'run_turn', { world_slug: 'origin', turns: 2 });
      await ok(stack, 'get_turn_status', {
        world_slug: 'origin',
        attempt_id: run.attempts[1].attempt_id,
        wait_ms: 20_000,
      });
      const origin1 = await ok(stack, 'get_world', { world_slug: 'origin', turn: 1 });
      const fork = await ok(stack, 'fork_world', { world_slug: 'origin', turn: 1, slug: 'branch' });
      expect(fork).toMatchObject({ turn: 1, forked_from: { world_slug: 'origin', turn: 1 } });
      const branch1 = await ok(stack, 'get_world', { world_slug: 'branch', turn: 1 });
      expect(branch1.state_hash).toBe(origin1.state_hash);
      const step = await ok(stack, 'run_turn', { world_slug: 'branch' });
      const done = await ok(stack, 'get_turn_status', {
        world_slug: 'branch',
        attempt_id: step.attempt_id,
        wait_ms: 20_000,
      });
      expect(done).toMatchObject({ status: 'committed', produced_turn: 2 });
      const origin = await ok(stack, 'get_world', { world_slug: 'origin' });
      expect(origin.turn).toBe(2);
      expect((await ok(stack, 'get_world', { world_slug: 'origin', turn: 1 })).state_hash).toBe(
        origin1.state_hash,
      );

      const replay = await ok(stack, 'replay_world', {
        world_slug: 'origin',
        slug: 'origin-again',
      });
      expect(replay).toEqual({ world_slug: 'origin-again', identical: true, turns: 2 });
      const again = await ok(stack, 'get_world', { world_slug: 'origin-again' });
      expect(again.state_hash).toBe(origin.state_hash);
    }, 60_000);

    it('forks at the same cost at any turn: one world row, no turn, state or piece copied', async () => {
      await ok(stack, 'create_world', { slug: 'long', scenario_ref: { hash: scenarioHash } });
      const run = await ok(stack, 'run_turn', { world_slug: 'long', turns: 6 });
      await ok(stack, 'get_turn_status', {
        world_slug: 'long',
        attempt_id: run.attempts[5].attempt_id,
        wait_ms: 30_000,
      });
      const tables = ['worlds', 'world_turns', 'world_states', 'state_pieces', 'turn_events'];
      const rows = async () =>
        Object.fromEntries(
          await Promise.all(tables.map(async (t) => [t, await stack.count('worlds', t)] as const)),
        );
      for (const turn of [0, 6]) {
        const before = await rows();
        await ok(stack, 'fork_world', { world_slug: 'long', turn, slug: `long-at-${turn}` });
        const after = await rows();
        expect(Object.fromEntries(tables.map((t) => [t, after[t]! - before[t]!]))).toEqual({
          worlds: 1,
          world_turns: 0,
          world_states: 0,
          state_pieces: 0,
          turn_events: 0,
        });
      }
      // The fork reads the source's history as its own, and its events too.
      const source = await ok(stack, 'list_turn_events', { world_slug: 'long', limit: 1000 });
      const fork = await ok(stack, 'list_turn_events', { world_slug: 'long-at-6', limit: 1000 });
      expect(fork.events).toEqual(source.events);
      for (const turn of [0, 3, 6]) {
        expect((await ok(stack, 'get_world', { world_slug: 'long-at-6', turn })).state_hash).toBe(
          (await ok(stack, 'get_world', { world_slug: 'long', turn })).state_hash,
        );
      }
      // Deleting the source leaves the fork whole.
      await ok(stack, 'delete_world', { world_slug: 'long' });
      expect((await ok(stack, 'get_world', { world_slug: 'long-at-6', turn: 2 })).turn).toBe(2);
    }, 60_000);

    it("forks counterfactually: another scenario's profiles from the fork on", async () => {
      const other = await ok(
        stack,
        'assemble_scenario',
        validRequest({
          scenario_slug: 'night_observatory',
          cognition_profiles: {
            keeper: {
              inline: {
                perceive_system: { inline: 'Perceive, differently.' },
                intend_system: { inline: 'Intend, differently.' },
                adjudicate_system: { inline: 'Adjudicate, differently.' },
                adjudication_schema: {
                  inline: (validRequest() as any).cognition_profiles.keeper.inline
                    .adjudication_schema.inline,
                },
                adjudication_retry_budget: 1,
              },
            },
          },
        }),
      );
      await ok(stack, 'create_world', { slug: 'factual', scenario_ref: { hash: scenarioHash } });
      const fork = await ok(stack, 'fork_world', {
        world_slug: 'factual',
        turn: 0,
        slug: 'counterfactual',
        scenario_ref: { hash: other.scenario_hash },
      });
      expect(fork).toMatchObject({ scenario_hash: other.scenario_hash, turn: 0 });
      const a = await ok(stack, 'get_world', { world_slug: 'factual' });
      const b = await ok(stack, 'get_world', { world_slug: 'counterfactual' });
      expect(b.state_hash).not.toBe(a.state_hash);
      expect(b.environments).toEqual(a.environments);
      const step = await ok(stack, 'run_turn', { world_slug: 'counterfactual' });
      const done = await ok(stack, 'get_turn_status', {
        world_slug: 'counterfactual',
        attempt_id: step.attempt_id,
        wait_ms: 20_000,
      });
      expect(done.status).toBe('committed');
      const call = (
        await ok(stack, 'list_llm_calls', { world_slug: 'counterfactual', phase: 'perceive' })
      ).calls[0];
      const full = await ok(stack, 'get_llm_call', { hash: call.hash });
      expect(full.request.messages[0].content).toBe('Perceive, differently.');
    }, 60_000);

    it("cancels a world's unfinished turns: none commits after, the world stays readable", async () => {
      await ok(stack, 'create_world', { slug: 'stopped', scenario_ref: { hash: scenarioHash } });
      const queued = await ok(stack, 'run_turn', { world_slug: 'stopped', turns: 100 });
      const ids: number[] = queued.attempts.map((a: any) => a.attempt_id);
      const cancelled = await ok(stack, 'cancel_turns', { world_slug: 'stopped' });
      expect(cancelled.world_slug).toBe('stopped');
      // Cancelled at once, 100 offline turns are not all made on real servers.
      // Embedded, run_turn's reply only comes once the in-process worker ran
      // them (about 1.2 s for 100): nothing is left there, and 0 is cancelled.
      if (stack.kind === 'real') expect(cancelled.cancelled).toBeGreaterThan(0);
      // Every attempt is finished now: committed up to the world's turn, the rest cancelled.
      const statuses = [];
      for (const id of ids) {
        statuses.push(
          await ok(stack, 'get_turn_status', { world_slug: 'stopped', attempt_id: id }),
        );
      }
      const committed = statuses.filter((s) => s.status === 'committed');
      const failed = statuses.filter((s) => s.status === 'failed');
      expect(committed.length + failed.length).toBe(100);
      expect(committed.length).toBe(cancelled.current_turn);
      expect(failed.length).toBe(cancelled.cancelled);
      expect(failed.map((s) => s.failure.code)).toEqual(
        Array(failed.length).fill('turns_cancelled'),
      );
      // Nothing more is committed, and the world and its audit are still read.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const world = await ok(stack, 'get_world', { world_slug: 'stopped' });
      expect(world.turn).toBe(cancelled.current_turn);
      const events = await ok(stack, 'list_turn_events', { world_slug: 'stopped', limit: 1000 });
      expect(events.events.filter((e: any) => e.turn > cancelled.current_turn)).toEqual([]);
      // Again: nothing left to cancel.
      expect(await ok(stack, 'cancel_turns', { world_slug: 'stopped' })).toEqual({
        ...cancelled,
        cancelled: 0,
      });
      expect(await op(stack, 'cancel_turns', { world_slug: 'no-such-world' })).toMatchObject({
        status: 404,
        body: { error: { details: { reason: 'world_not_found', path: '/world_slug' } } },
      });
    }, 60_000);

    it('deletes a world keeping its record; the scenario stays and counts its live worlds', async () => {
      const other = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: 'counted' }),
      );
      await ok(stack, 'create_world', {
        slug: 'doomed',
        scenario_ref: { hash: other.scenario_hash },
      });
      await ok(stack, 'create_world', {
        slug: 'kept',
        scenario_ref: { hash: other.scenario_hash },
      });
      const counted = await until(
        () => ok(stack, 'get_scenario', { hash: other.scenario_hash }),
        (s) => s.world_count === 2,
      );
      expect(counted.world_count).toBe(2);
      const record = await ok(stack, 'delete_world', { world_slug: 'doomed' });
      expect(record).toEqual({
        slug: 'doomed',
        name: 'counted #doomed',
        scenario_label: 'counted',
        scenario_hash: other.scenario_hash,
        deleted_at: expect.any(String),
      });
      const gone = await op(stack, 'get_world', { world_slug: 'doomed' });
      expect(gone.status).toBe(404);
      expect(gone.body.error.details).toMatchObject({
        reason: 'world_deleted',
        path: '/world_slug',
      });
      const after = await until(
        () => ok(stack, 'get_scenario', { hash: other.scenario_hash }),
        (s) => s.world_count === 1,
      );
      expect(after.world_count).toBe(1);
      // The slug is free again.
      await ok(stack, 'create_world', {
        slug: 'doomed',
        scenario_ref: { hash: other.scenario_hash },
      });
    }, 60_000);

    it('compresses large values with lz4 on a server that has it, and keeps pglz on one that has not', async () => {
      // migrations/worlds/0006_lz4_compression.sql and the messaging lib's
      // 0003_outbox_lz4.sql: 'l' is lz4, '' the server's default (pglz).
      const columns = [
        ['llm_calls', 'request'],
        ['llm_calls', 'content'],
        ['turn_events', 'data'],
        ['state_pieces', 'json'],
        ['world_states', 'manifest'],
        ['worlds', 'scenario_snapshot'],
        ['outbox', 'envelope'],
      ];
      const { rows } = await stack.infra.knex.raw<{ rows: Array<{ col: string; method: string }> }>(
        `select c.relname || '.' || a.attname as col, a.attcompression::text as method
           from pg_attribute a
           join pg_class c on c.oid = a.attrelid
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'worlds' and a.attnum > 0 and not a.attisdropped
            and c.relname || '.' || a.attname = any(?)`,
        [columns.map(([table, column]) => `${table}.${column}`)],
      );
      // This machine's Postgres is built with lz4; PGlite is not.
      const expected = stack.kind === 'real' ? 'l' : '';
      expect(Object.fromEntries(rows.map((r) => [r.col, r.method]))).toEqual(
        Object.fromEntries(columns.map(([table, column]) => [`${table}.${column}`, expected])),
      );
    });
  });
}
