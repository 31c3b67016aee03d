// The worlds service's paged lists (docs/services/worlds.md), each driven past
// the bus limit: a world made and run one turn through the API (offline mind),
// then its rows copied in SQL into the worlds schema (thousands of turns
// through the API would take minutes), shaped as the service writes them.
import { randomBytes } from 'node:crypto';
import { validRequest } from '../scenarios/validation.suite';
import { copiesFor, copyRows, pageThrough } from './evaluation-paged-tests';
import type { PagedReplyContext, PagedReplyTest } from './paged-reply-test';
import { sha256 } from './seed';

const tag = () => randomBytes(4).toString('hex');

/** A world of a new scenario, run one turn; its id and slug. */
async function worldWithATurn(ctx: PagedReplyContext): Promise<{ id: number; slug: string }> {
  const scenario = await ctx.ok('assemble_scenario', validRequest({ scenario_slug: `w_${tag()}` }));
  const slug = `paged-${tag()}`;
  await ctx.ok('create_world', { slug, scenario_ref: { hash: scenario.scenario_hash } });
  const run = await ctx.ok('run_turn', { world_slug: slug });
  const status = await ctx.ok('get_turn_status', {
    world_slug: slug,
    attempt_id: run.attempts[0].attempt_id,
    wait_ms: 20_000,
  });
  expect(status.status).toBe('committed');
  const [row] = await ctx.stack.infra.knex
    .withSchema('worlds')
    .table('worlds')
    .where({ slug })
    .whereNull('deleted_at')
    .select('id');
  return { id: Number(row.id), slug };
}

export const WORLDS_PAGED_REPLY_TESTS: readonly PagedReplyTest[] = [
  {
    operation: 'list_worlds',
    title: 'a world copied past 1 MiB in all: every one once, newest first, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const world = await worldWithATurn(ctx);
      // The copies share a scenario of their own, so the list's filter selects them alone.
      const scenarioHash = sha256(`paged worlds ${tag()}`);
      const [summary] = (await ctx.ok('list_worlds', { limit: 1 })).worlds;
      await copyRows(
        knex,
        'worlds',
        { id: world.id },
        copiesFor(summary),
        {
          slug: `t.slug || '-' || i`,
          scenario_hash: `'${scenarioHash}'`,
          created_at: `t.created_at + i * interval '1 millisecond'`,
        },
        'worlds',
      );
      const expected = (
        await knex
          .withSchema('worlds')
          .table('worlds')
          .where({ scenario_hash: scenarioHash })
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .select('slug')
      ).map((row: { slug: string }) => row.slug);
      // A summary is small (labels and a hash): pages of 1000 are cut by count.
      const { listed, pages } = await pageThrough(
        ctx,
        'list_worlds',
        { scenario_hash: scenarioHash },
        'worlds',
        (w: { slug: string }) => w.slug,
        undefined,
        1000,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_turn_events',
    title: 'events of 30 KB copied past 1 MiB in all: every one once, in turn order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const world = await worldWithATurn(ctx);
      const [first] = await knex
        .withSchema('worlds')
        .table('turn_events')
        .where({ world_id: world.id, turn: 1 })
        .orderBy('seq')
        .select('seq');
      await copyRows(
        knex,
        'turn_events',
        { world_id: world.id, turn: 1, seq: first.seq },
        50,
        {
          turn: `1000 + i`,
          data: `json_build_object('copy', i, 'notes', repeat('d', 30000))`,
        },
        'worlds',
      );
      const expected = (
        await knex
          .withSchema('worlds')
          .table('turn_events')
          .where({ world_id: world.id })
          .orderBy(['turn', 'seq'])
          .select('turn', 'seq')
      ).map((row: { turn: number; seq: number }) => `${row.turn}/${row.seq}`);
      const { listed, pages, cutBySize } = await pageThrough(
        ctx,
        'list_turn_events',
        { world_slug: world.slug },
        'events',
        (e: { turn: number; seq: number }) => `${e.turn}/${e.seq}`,
        undefined,
        1000,
      );
      expect(pages).toBeGreaterThan(1);
      expect(cutBySize).toBe(true);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_llm_calls',
    title: '6,000 recorded calls: every one once, in turn order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const world = await worldWithATurn(ctx);
      // Written as the recording mind writes them (services/worlds/src/worker/recording-mind.ts).
      const t = tag();
      await knex.raw(
        `insert into worlds.llm_calls (hash, request, content, finish_reason, input_tokens,
           output_tokens, latency_ms, provider, model, params, world_id, turn, agent_id, phase,
           profile_label, recorded_at)
         select encode(sha256(convert_to(? || ':' || i, 'UTF8')), 'hex'), '{}'::json, 'reply',
                'stop', 10, 20, 5, 'offline', 'offline-model', '{}'::json, ?, 1000 + i / 10,
                'agent-' || (i % 10), 'intend', null,
                timestamptz '2026-01-01T00:00:00Z' + i * interval '1 millisecond'
           from generate_series(1, 6000) i`,
        [t, world.id],
      );
      const expected = (
        await knex
          .withSchema('worlds')
          .table('llm_calls')
          .where({ world_id: world.id })
          .orderBy(['turn', 'recorded_at', 'hash'])
          .select('hash')
      ).map((row: { hash: string }) => row.hash);
      // Each call is small (no request or content in the list): cut by count.
      const { listed, pages } = await pageThrough(
        ctx,
        'list_llm_calls',
        { world_slug: world.slug },
        'calls',
        (c: { hash: string }) => c.hash,
        undefined,
        1000,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
];
