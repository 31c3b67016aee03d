// The worlds service's paged lists (docs/services/worlds.md), each driven past
// the bus limit: a world made and run one turn through the API (offline mind),
// then its rows copied in SQL into the worlds schema (thousands of turns
// through the API would take minutes), shaped as the service writes them.
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '@crucible/hashing';
import { ENTITIES } from '../scenarios/fixtures';
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

/**
 * Replaces a world's seeded state (turn 0) by one whose pieces `change` gives
 * (the piece's ref and parsed JSON; undefined keeps it), stored as the service
 * stores states: each piece the canonical JSON of its value under its
 * sha256, the manifest the canonical JSON of the refs. Returns the new state hash.
 */
async function rewriteSeededState(
  ctx: PagedReplyContext,
  slug: string,
  change: (ref: { kind: string; key: string }, value: unknown) => unknown,
): Promise<string> {
  const db = () => ctx.stack.infra.knex.withSchema('worlds');
  const [world] = await db().table('worlds').where({ slug }).select('id');
  const [seeded] = await db()
    .table('world_turns')
    .where({ world_id: world.id, turn: 0 })
    .select('state_hash');
  const [{ manifest }] = await db()
    .table('world_states')
    .where({ state_hash: seeded.state_hash })
    .select('manifest');
  const refs: Array<{ kind: string; key: string; hash: string }> = JSON.parse(manifest);
  const pieces = new Map<string, string>(
    (
      await db()
        .table('state_pieces')
        .whereIn(
          'hash',
          refs.map((r) => r.hash),
        )
        .select('hash', 'json')
    ).map((p: { hash: string; json: string }) => [p.hash, p.json]),
  );
  const grown = [];
  for (const ref of refs) {
    const value = change(ref, JSON.parse(pieces.get(ref.hash)!));
    if (value === undefined) {
      grown.push(ref);
      continue;
    }
    const json = canonicalJson(value);
    const hash = sha256(json);
    await db().table('state_pieces').insert({ hash, json }).onConflict('hash').ignore();
    grown.push({ ...ref, hash });
  }
  const grownManifest = canonicalJson(grown);
  const stateHash = sha256(grownManifest);
  await db().table('world_states').insert({ state_hash: stateHash, manifest: grownManifest });
  await db()
    .table('world_turns')
    .where({ world_id: world.id, turn: 0 })
    .update({ state_hash: stateHash });
  return stateHash;
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
    operation: 'list_turn_events',
    title:
      'five events whose copies of a grown memory and environment pass 1 MiB each: their recent parts, the cuts listed, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const world = await worldWithATurn(ctx);
      const [first] = await knex
        .withSchema('worlds')
        .table('turn_events')
        .where({ world_id: world.id, turn: 1 })
        .orderBy('seq')
        .select('seq');
      // An agent remembering 400 KB before and after the turn, in an
      // environment of 300 KB: 1.4 MB of data in one event.
      const agent = (memory: string) =>
        `json_build_object('id', 'keeper', 'kind', json_build_object('agent', json_build_object('memory', ${memory})))`;
      await copyRows(
        knex,
        'turn_events',
        { world_id: world.id, turn: 1, seq: first.seq },
        5,
        {
          turn: '2000',
          seq: 'i',
          data: `json_build_object(
            'entity_transitions', json_build_array(json_build_object('entity_id', 'keeper',
              'before', ${agent(`repeat(E'old line\\n', 40000)`)},
              'after', ${agent(`repeat(E'old line\\n', 40000) || 'the newest line'`)})),
            'environment_transitions', json_build_array(json_build_object('environment_label', 'dome',
              'before', repeat('e', 300000), 'after', repeat('e', 300000) || 'f')))`,
        },
        'worlds',
      );
      const events = [];
      let cursor: string | undefined;
      do {
        const reply = await ctx.ok('list_turn_events', {
          world_slug: world.slug,
          turn: 2000,
          ...(cursor === undefined ? {} : { cursor }),
        });
        events.push(...reply.events);
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const [event] = events;
      expect(Buffer.byteLength(JSON.stringify(event.data))).toBeLessThan(300 * 1024);
      for (const other of events) expect(other.truncated).toEqual(event.truncated);
      expect(event.truncated).toEqual([
        {
          path: '/entity_transitions/0/before/kind/agent/memory',
          bytes: 360_000,
          kept_bytes: expect.any(Number),
        },
        {
          path: '/entity_transitions/0/after/kind/agent/memory',
          bytes: 360_015,
          kept_bytes: expect.any(Number),
        },
        {
          path: '/environment_transitions/0/before',
          bytes: 300_000,
          kept_bytes: expect.any(Number),
        },
        {
          path: '/environment_transitions/0/after',
          bytes: 300_001,
          kept_bytes: expect.any(Number),
        },
      ]);
      // The most recent part: the memory's end, from a line's start.
      const after = event.data.entity_transitions[0].after.kind.agent.memory as string;
      expect(after.endsWith('old line\nthe newest line')).toBe(true);
      expect(after.startsWith('old line')).toBe(true);
      expect(event.data.environment_transitions[0].after.endsWith('ef')).toBe(true);
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
  {
    operation: 'get_world',
    title:
      'a world grown to 1.8 MB, an agent remembering 600 KB: every environment and entity once, in order, over pages',
    async run(ctx) {
      const bulk = (i: number) => `${i} ${tag()} `.padEnd(60_000, 'w');
      // A scenario is at most 256 KB in full: the world grows past the bus
      // by its turns (states and environments rewritten, memories appended).
      const props = Array.from({ length: 20 }, (_, i) => ({
        id: `crate-${String(i).padStart(2, '0')}`,
        name: `Crate ${i}`,
        state: 'Closed.',
        environment: 'dome',
        kind: 'prop' as const,
      }));
      const halls = Object.fromEntries(
        Array.from({ length: 5 }, (_, i) => [`hall-${i}`, { inline: `Hall ${i}.` }]),
      );
      const base = validRequest();
      const scenario = await ctx.ok('assemble_scenario', {
        ...base,
        scenario_slug: `w_${tag()}`,
        environments: { ...(base.environments as object), ...halls },
        entities: [...ENTITIES, ...props].map((e) => ({ inline: e })),
      });
      const slug = `paged-${tag()}`;
      await ctx.ok('create_world', { slug, scenario_ref: { hash: scenario.scenario_hash } });

      // Its grown state written in SQL as the service stores states
      // (content-addressed pieces, a manifest of {kind, key, hash};
      // services/worlds/src/kernel/world-pieces.ts) in place of the seed: every
      // crate and hall rewritten to 60 KB, the elder keeper remembering 6,000
      // turns (600 KB, more than one entity may take in a reply).
      const memory = Array.from({ length: 6000 }, (_, i) =>
        `Turn ${i}: I wrote the comet's place in the logbook.`.padEnd(99, '.'),
      ).join('\n');
      const grownHash = await rewriteSeededState(ctx, slug, (ref, value: any) => {
        if (ref.kind === 'environment' && ref.key.startsWith('hall-')) return bulk(0);
        if (ref.kind === 'entity' && ref.key.startsWith('crate-'))
          return { ...value, state: bulk(1) };
        if (ref.kind === 'entity' && ref.key === 'elder_keeper')
          return { ...value, kind: { agent: { ...value.kind.agent, memory } } };
        return undefined;
      });

      const environments: string[] = [];
      const entities: string[] = [];
      const cuts: unknown[] = [];
      let header: unknown;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('get_world', {
          world_slug: slug,
          ...(cursor === undefined ? {} : { cursor }),
        });
        pages++;
        // The header is the same on every page: one state, read in pages.
        const {
          environments: envs,
          entities: ents,
          next_cursor,
          memory_truncated,
          ...rest
        } = reply;
        if (header === undefined) header = rest;
        expect(rest).toEqual(header);
        expect(rest.state_hash).toBe(grownHash);
        environments.push(...Object.keys(envs));
        for (const entity of ents) {
          entities.push(entity.id);
          if (entity.id === 'elder_keeper') {
            const kept: string = entity.kind.agent.memory;
            expect(kept.length).toBeGreaterThan(100_000);
            expect(memory.endsWith(kept)).toBe(true);
            expect(kept.startsWith('Turn ')).toBe(true);
          }
        }
        cuts.push(...(memory_truncated ?? []));
        cursor = next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(environments).toEqual([
        'dome',
        'hall-0',
        'hall-1',
        'hall-2',
        'hall-3',
        'hall-4',
        'stairwell',
      ]);
      expect(entities).toEqual([...ENTITIES, ...props].map((e) => e.id).sort());
      expect(cuts).toEqual([
        {
          entity_id: 'elder_keeper',
          memory_bytes: Buffer.byteLength(memory),
          kept_bytes: expect.any(Number),
        },
      ]);

      // A count cut: environments first, then entities.
      const three = await ctx.ok('get_world', { world_slug: slug, limit: 3, turn: 0 });
      expect([Object.keys(three.environments), three.entities]).toEqual([
        ['dome', 'hall-0', 'hall-1'],
        [],
      ]);
      const next = await ctx.ok('get_world', {
        world_slug: slug,
        limit: 5,
        cursor: three.next_cursor,
      });
      expect(Object.keys(next.environments)).toEqual(['hall-2', 'hall-3', 'hall-4', 'stairwell']);
      expect(next.entities.map((e: { id: string }) => e.id)).toEqual(['crate-00']);
      // A cursor of another turn, or none of ours, is refused at /cursor.
      for (const request of [
        { world_slug: slug, turn: 1, cursor: three.next_cursor },
        { world_slug: slug, cursor: 'WzEsMl0' },
      ]) {
        const refused = await ctx.call('get_world', request);
        expect([refused.status, refused.body.error.details]).toEqual([
          400,
          expect.objectContaining({ path: '/cursor', reason: 'invalid_cursor' }),
        ]);
      }
    },
  },
];
