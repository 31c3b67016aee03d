import type { Call, EventTest, EventTestContext } from './event-test';
import { scenarioRequest, tag } from './fixtures';

async function world(ctx: EventTestContext) {
  const hash = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
    .scenario_hash as string;
  const slug = `w-${tag()}`;
  const created = await ctx.ok('create_world', { slug, scenario_ref: { hash } });
  return { hash, slug, created };
}

/**
 * run_turn under a draft directive: governance refuses it (409
 * directive_not_approved) before anything is queued. Had it queued an
 * attempt anyway, that attempt would run before any turn asked after it (a
 * world's attempts run in id order), so waiting for a later turn proves it
 * made no event.
 */
async function refusedRunTurn(ctx: EventTestContext, slug: string): Promise<Call> {
  const draft = await ctx.ok('create_directive', {
    issued_by: 'events',
    objective: 'Never approved.',
    scope: 'development',
    role: 'builder',
    type: 'test',
    status: 'draft',
  });
  const refused = await ctx.call('run_turn', {
    world_slug: slug,
    directive_id: draft.body.directive.id,
  });
  expect([refused.status, refused.body.error?.code, refused.body.error?.details?.reason]).toEqual([
    409,
    'conflict',
    'directive_not_approved',
  ]);
  return refused;
}

/** Waits until attempt `attemptId` of `slug` has finished; its status reply. */
async function finished(ctx: EventTestContext, slug: string, attemptId: number): Promise<Call> {
  return ctx.ok('get_turn_status', { world_slug: slug, attempt_id: attemptId, wait_ms: 20_000 });
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
    title:
      'one per committed turn, in turn order, with its state hash; none for a refused run_turn',
    async run(ctx) {
      const { slug } = await world(ctx);
      const run = await ctx.ok('run_turn', { world_slug: slug, turns: 2 });
      await refusedRunTurn(ctx, slug);
      const after = await ctx.ok('run_turn', { world_slug: slug });
      const status = await finished(ctx, slug, after.body.attempt_id as number);
      expect(status.body.status).toBe('committed');
      const states = await Promise.all(
        [1, 2, 3].map(
          async (turn) =>
            (await ctx.ok('get_world', { world_slug: slug, turn })).body.state_hash as string,
        ),
      );
      const events = await ctx.events(
        'worlds',
        (e) => e.envelope.type === 'worlds.turn_committed' && e.record.key === slug,
      );
      // The actor is whoever queued the turns (run_turn's principal), not the worker;
      // the attempts are exactly those the two accepted requests queued.
      expect(
        events.map((e) => [
          e.envelope.data.turn,
          e.envelope.data.attempt_id,
          e.envelope.data.state_hash,
          e.envelope.data.actor,
        ]),
      ).toEqual([
        [1, run.body.attempts[0].attempt_id, states[0], 'admin'],
        [2, run.body.attempts[1].attempt_id, states[1], 'admin'],
        [3, after.body.attempt_id, states[2], 'admin'],
      ]);
    },
  },
  {
    type: 'worlds.turn_failed',
    title:
      'one per failed attempt, with the failure; the world stays at its turn; none for a refused run_turn',
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
      await refusedRunTurn(ctx, slug);
      // Tried again: the same turn fails again, with an event of its own.
      const again = await ctx.ok('run_turn', { world_slug: slug });
      const statuses = [
        await finished(ctx, slug, run.body.attempt_id as number),
        await finished(ctx, slug, again.body.attempt_id as number),
      ];
      for (const status of statuses) {
        expect(status.body).toMatchObject({ status: 'failed', produced_turn: null });
        expect(status.body.failure.code).toBe('mind_failed');
      }
      const now = await ctx.ok('get_world', { world_slug: slug });
      expect(now.body.turn).toBe(0);
      const events = await ctx.events(
        'worlds',
        (e) => e.envelope.type === 'worlds.turn_failed' && e.record.key === slug,
      );
      // One per attempt the two accepted requests queued; none for the refused one.
      expect(events.map((e) => e.envelope.data)).toEqual(
        [run, again].map((call, i) => ({
          world_id: expect.any(Number),
          world_slug: slug,
          turn: 1,
          attempt_id: call.body.attempt_id,
          failure: statuses[i]!.body.failure,
          actor: 'admin',
        })),
      );
    },
  },
  {
    type: 'worlds_audit.turn_events',
    title:
      "a record per attempt: its audit events as list_turn_events reads them; a failed attempt's turn_failed numbered after the earlier one's",
    async run(ctx) {
      const { slug } = await world(ctx);
      const run = await ctx.ok('run_turn', { world_slug: slug, turns: 2 });
      for (const attempt of run.body.attempts as Array<{ attempt_id: number }>)
        expect((await finished(ctx, slug, attempt.attempt_id)).body.status).toBe('committed');
      const listed = (await ctx.ok('list_turn_events', { world_slug: slug, limit: 500 })).body
        .events as Array<Record<string, unknown>>;
      expect(listed.length).toBeGreaterThan(0);
      const records = await ctx.events('worlds_audit', (e) => e.record.key === slug);
      // One record per committed attempt, in turn order, each final.
      expect(
        records.map((e) => [
          e.envelope.type,
          e.envelope.data.turn,
          e.envelope.data.attempt_id,
          e.envelope.data.final,
        ]),
      ).toEqual(
        [1, 2].map((turn) => [
          'worlds_audit.turn_events',
          turn,
          run.body.attempts[turn - 1].attempt_id,
          true,
        ]),
      );
      expect(
        records.flatMap((e) =>
          (e.envelope.data.events as Array<Record<string, unknown>>).map((event) => [
            e.envelope.data.turn,
            event.seq,
            event.kind,
            event.agent_id,
            event.data,
          ]),
        ),
      ).toEqual(listed.map((l) => [l.turn, l.seq, l.kind, l.agent_id, l.data]));

      // Two failed attempts of one turn (a mind nobody answers): one turn_failed each, in order.
      const hash = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
        .scenario_hash as string;
      const failing = `w-${tag()}`;
      await ctx.ok('create_world', {
        slug: failing,
        scenario_ref: { hash },
        mind: {
          provider: 'openai-compatible',
          base_url: 'http://127.0.0.1:9/v1',
          model: 'nobody',
          max_retries: 0,
          timeout_ms: 1000,
        },
      });
      const attempts: number[] = [];
      for (let i = 0; i < 2; i++) {
        const queued = await ctx.ok('run_turn', { world_slug: failing });
        attempts.push(queued.body.attempt_id as number);
        expect((await finished(ctx, failing, queued.body.attempt_id as number)).body.status).toBe(
          'failed',
        );
      }
      const failed = await ctx.events('worlds_audit', (e) => e.record.key === failing);
      expect(
        failed.map((e) => [
          e.envelope.data.turn,
          e.envelope.data.attempt_id,
          e.envelope.data.final,
          (e.envelope.data.events as Array<Record<string, any>>).map((event) => [
            event.seq,
            event.kind,
            event.data.code,
          ]),
        ]),
      ).toEqual([
        [1, attempts[0], true, [[0, 'turn_failed', 'mind_failed']]],
        [1, attempts[1], true, [[1, 'turn_failed', 'mind_failed']]],
      ]);
    },
  },
];
