import type { EventTest } from './event-test';
import { scenarioRequest, tag } from './fixtures';

async function world(ctx: Parameters<EventTest['run']>[0]) {
  const hash = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
    .scenario_hash as string;
  const slug = `w-${tag()}`;
  const created = await ctx.ok('create_world', { slug, scenario_ref: { hash } });
  return { hash, slug, created };
}

export const WORLDS_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'worlds.world_created',
    title: 'one per world created, keyed by slug; none for a refused duplicate',
    async run(ctx) {
      const { hash, slug, created } = await world(ctx);
      const duplicate = await ctx.call('create_world', { slug, scenario_ref: { hash } });
      expect(duplicate.status).toBe(409);
      const ids = new Set<string | null>([created.requestId, duplicate.requestId]);
      const events = await ctx.events('worlds', (e) => ids.has(e.envelope.causation_id));
      expect(events.map((e) => [e.record.key, e.envelope.type, e.envelope.data])).toEqual([
        [
          slug,
          'worlds.world_created',
          {
            world_id: expect.any(Number),
            world_slug: slug,
            scenario_hash: hash,
            scenario_label: created.body.scenario_label,
            forked_from: null,
            // The principal of the tests' admin token.
            actor: 'admin',
          },
        ],
      ]);
    },
  },
  {
    type: 'worlds.world_deleted',
    title: 'one per world deleted, after its creation; none for a world already gone',
    async run(ctx) {
      const { hash, slug } = await world(ctx);
      const deleted = await ctx.ok('delete_world', { world_slug: slug });
      const again = await ctx.call('delete_world', { world_slug: slug });
      expect(again.status).toBe(404);
      const ids = new Set<string | null>([deleted.requestId, again.requestId]);
      const events = await ctx.events('worlds', (e) => ids.has(e.envelope.causation_id));
      expect(events.map((e) => [e.record.key, e.envelope.type, e.envelope.data])).toEqual([
        [
          slug,
          'worlds.world_deleted',
          {
            world_id: expect.any(Number),
            world_slug: slug,
            scenario_hash: hash,
            deleted_at: deleted.body.deleted_at,
            actor: 'admin',
          },
        ],
      ]);
    },
  },
  {
    type: 'worlds.turn_committed',
    title: 'one per committed turn, in turn order, with its state hash',
    async run(ctx) {
      const { slug } = await world(ctx);
      const run = await ctx.ok('run_turn', { world_slug: slug, turns: 2 });
      const last = run.body.attempts[1].attempt_id as number;
      const status = await ctx.ok('get_turn_status', {
        world_slug: slug,
        attempt_id: last,
        wait_ms: 20_000,
      });
      expect(status.body.status).toBe('committed');
      const states = await Promise.all(
        [1, 2].map(
          async (turn) =>
            (await ctx.ok('get_world', { world_slug: slug, turn })).body.state_hash as string,
        ),
      );
      const events = await ctx.events(
        'worlds',
        (e) => e.envelope.type === 'worlds.turn_committed' && e.record.key === slug,
      );
      // The actor is whoever queued the turns (run_turn's principal), not the worker.
      expect(
        events.map((e) => [
          e.envelope.data.turn,
          e.envelope.data.state_hash,
          e.envelope.data.actor,
        ]),
      ).toEqual([
        [1, states[0], 'admin'],
        [2, states[1], 'admin'],
      ]);
    },
  },
  {
    type: 'worlds.turn_failed',
    title: 'one per failed attempt, with the failure; the world stays at its turn',
    async run(ctx) {
      const hash = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
        .scenario_hash as string;
      const slug = `w-${tag()}`;
      // A mind at a loopback port nobody listens on: the first call fails, unreachable.
      await ctx.ok('create_world', {
        slug,
        scenario_ref: { hash },
        mind: {
          provider: 'openai-compatible',
          base_url: 'http://127.0.0.1:9/v1',
          model: 'nobody',
          max_retries: 0,
          timeout_ms: 1000,
        },
      });
      const run = await ctx.ok('run_turn', { world_slug: slug });
      const status = await ctx.ok('get_turn_status', {
        world_slug: slug,
        attempt_id: run.body.attempt_id,
        wait_ms: 20_000,
      });
      expect(status.body).toMatchObject({ status: 'failed', produced_turn: null });
      expect(status.body.failure.code).toBe('mind_failed');
      const now = await ctx.ok('get_world', { world_slug: slug });
      expect(now.body.turn).toBe(0);
      const events = await ctx.events(
        'worlds',
        (e) => e.envelope.type === 'worlds.turn_failed' && e.record.key === slug,
      );
      expect(events.map((e) => e.envelope.data)).toEqual([
        {
          world_id: expect.any(Number),
          world_slug: slug,
          turn: 1,
          attempt_id: run.body.attempt_id,
          failure: status.body.failure,
          actor: 'admin',
        },
      ]);
    },
  },
];
