import { jsonComponentHash, textComponentHash } from '@crucible/hashing';
import { op, ok, type PlatformStack } from '../platform/stack';
import { ENTITIES } from './fixtures';
import { validRequest } from './validation.suite';

type Hashes = { scenario_hash: string; derivation_id: number };

/** Reads, lists, lineage, idempotency and concurrency of the scenarios service. */
export function describeScenariosApi(name: string, start: () => Promise<PlatformStack>): void {
  describe(`scenarios API (${name})`, () => {
    let stack: PlatformStack;
    beforeAll(async () => {
      stack = await start();
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('is idempotent: the same assembly again reuses the manifest and its derivation', async () => {
      const request = validRequest({ scenario_slug: 'idempotent_room', operator: 'first' });
      const first = await ok(stack, 'assemble_scenario', request);
      const again = await ok(stack, 'assemble_scenario', { ...request, operator: 'second' });
      expect(first).toMatchObject({ was_new_scenario: true, was_new_derivation: true });
      expect(again).toMatchObject({
        scenario_hash: first.scenario_hash,
        was_new_scenario: false,
        was_new_derivation: false,
        derivation_id: first.derivation_id,
      });
      expect(
        Object.values(again.new_components as Record<string, number>).every((n) => n === 0),
      ).toBe(true);
    });

    it('gives 50 concurrent identical assemblies one manifest, one derivation and one winner', async () => {
      const request = validRequest({
        scenario_slug: 'crowded_room',
        description: `Crowded ${stack.kind}`,
      });
      const before = await Promise.all([
        stack.count('scenarios', 'scenarios'),
        stack.count('scenarios', 'scenario_derivations'),
      ]);
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => op(stack, 'assemble_scenario', request)),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(replies.filter((r) => r.body.was_new_scenario === true)).toHaveLength(1);
      expect(new Set(replies.map((r) => r.body.scenario_hash)).size).toBe(1);
      expect(new Set(replies.map((r) => r.body.derivation_id)).size).toBe(1);
      const after = await Promise.all([
        stack.count('scenarios', 'scenarios'),
        stack.count('scenarios', 'scenario_derivations'),
      ]);
      expect([after[0] - before[0], after[1] - before[1]]).toEqual([1, 1]);
    }, 60_000);

    it('mixes hash and inline references at every level', async () => {
      const environment = await ok(stack, 'put_environment', { content: 'A mixed room.' });
      const intend = await ok(stack, 'put_intend_system', { content: 'Intend, mixed.' });
      const entity = await ok(stack, 'put_entity', { content: ENTITIES[2] });
      const reply = await ok(stack, 'assemble_scenario', {
        ...validRequest({ scenario_slug: 'mixed' }),
        cognition_profiles: {
          keeper: {
            inline: {
              perceive_system: { inline: 'Perceive, mixed.' },
              intend_system: { hash: intend.hash },
              adjudicate_system: { inline: 'Adjudicate, mixed.' },
              adjudication_schema: { inline: { type: 'object', title: 'mixed' } },
              adjudication_retry_budget: 0,
            },
          },
        },
        environments: { dome: { hash: environment.hash }, stairwell: { inline: 'A mixed stair.' } },
        entities: [{ inline: ENTITIES[0] }, { inline: ENTITIES[1] }, { hash: entity.hash }],
      });
      expect(reply.environment_hashes).toEqual({
        dome: environment.hash,
        stairwell: textComponentHash('A mixed stair.'),
      });
      expect(reply.entity_hashes[2]).toBe(entity.hash);
      expect(reply.new_components).toMatchObject({
        perceive_systems: 1,
        intend_systems: 0,
        adjudication_schemas: 1,
      });
      expect(reply.entity_hashes[0]).toBe(jsonComponentHash(ENTITIES[0]));
    });

    it("records a new scenario's component uses in its write, as record_component_uses defines them", async () => {
      // Two labels for one profile and one environment, parts shared by two
      // profiles: each (kind, component) once.
      const perceive = { inline: 'Perceive, shared by both profiles.' };
      const profile = (adjudicate: string) => ({
        inline: {
          perceive_system: perceive,
          intend_system: { inline: 'Intend, uses.' },
          adjudicate_system: { inline: adjudicate },
          adjudication_schema: { inline: { type: 'object', title: 'uses' } },
          adjudication_retry_budget: 1,
        },
      });
      const written = await ok(stack, 'assemble_scenario', {
        ...validRequest({ scenario_slug: `uses_${stack.kind}` }),
        cognition_profiles: {
          keeper: profile('Adjudicate, keeper.'),
          spare: profile('Adjudicate, keeper.'),
          guest: profile('Adjudicate, guest.'),
        },
        environments: {
          dome: { inline: 'A dome of uses.' },
          attic: { inline: 'A dome of uses.' },
          stairwell: { inline: 'A stairwell of uses.' },
        },
        entities: [{ inline: ENTITIES[0] }, { inline: ENTITIES[1] }],
      });
      const knex = stack.infra.knex;
      const uses = async () =>
        (
          await knex.raw<{ rows: Array<{ kind: string; component_hash: string; at: string }> }>(
            `select kind, component_hash, created_at::text as at from scenarios.scenario_component_uses
              where scenario_hash = ? order by kind, component_hash`,
            [written.scenario_hash],
          )
        ).rows;
      const byWrite = await uses();
      // 2 profiles, 1 + 1 + 2 + 1 parts, 2 environments, 2 entities.
      expect(byWrite).toHaveLength(11);
      expect(new Set(byWrite.map((u) => u.at)).size).toBe(1);
      await knex.raw(`delete from scenarios.scenario_component_uses where scenario_hash = ?`, [
        written.scenario_hash,
      ]);
      await knex.raw(`select scenarios.record_component_uses(?::text[])`, [
        [written.scenario_hash],
      ]);
      expect(await uses()).toEqual(byWrite);
    });

    it('records every parent of a fork with its role, and walks lineage both ways', async () => {
      const a: Hashes = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: 'lineage_a' }),
      );
      const b: Hashes = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: 'lineage_b' }),
      );
      const c = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: {
          scenario_slug: 'lineage_c',
          environment_upserts: { attic: { inline: 'An empty attic.' } },
        },
        additional_parents: [{ parent_hash: b.scenario_hash, role: 'donor' }],
        metadata_extra: { experiment: 42 },
      });
      const d = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: c.scenario_hash },
        changes: { chronon_seconds: 60 },
      });
      expect(c.parent_hashes).toEqual([a.scenario_hash, b.scenario_hash]);
      expect(c.touched_components).toEqual([
        { kind: 'scenario_slug', from: 'lineage_a', to: 'lineage_c' },
        {
          kind: 'environment',
          label: 'attic',
          from: null,
          to: textComponentHash('An empty attic.'),
        },
      ]);
      const derivation = await ok(stack, 'get_derivation', { id: c.derivation_id });
      // Who asked, as the gateway authenticated them (the tests' admin token).
      expect(derivation.actor).toBe('admin');
      expect(derivation.parents).toEqual([
        { parent_hash: a.scenario_hash, parent_index: 0, role: 'primary' },
        { parent_hash: b.scenario_hash, parent_index: 1, role: 'donor' },
      ]);
      expect(derivation.metadata).toMatchObject({
        experiment: 42,
        touched_components: c.touched_components,
      });

      const fromD = await ok(stack, 'lineage_of', { hash: d.scenario_hash });
      const hashes = fromD.lineage.map((n: { hash: string }) => n.hash);
      expect(hashes.slice(-2)).toEqual([c.scenario_hash, d.scenario_hash]);
      expect(new Set(hashes.slice(0, 2))).toEqual(new Set([a.scenario_hash, b.scenario_hash]));
      expect(fromD.lineage.at(-1)).toMatchObject({ distance: 0, parent_hashes: [c.scenario_hash] });
      expect(fromD.truncated).toBe(false);
      // Postgres writes lineage's created_at; get_scenario's comes from a
      // Date: the same text, microseconds cut (not rounded) on both sides.
      await stack.infra.knex.raw(
        `update scenarios.scenarios set created_at = timestamptz '2026-03-04T05:06:07.899999Z' where hash = ?`,
        [b.scenario_hash],
      );
      const dated = await ok(stack, 'lineage_of', { hash: d.scenario_hash });
      for (const node of dated.lineage as Array<{ hash: string; created_at: string }>) {
        const scenario = await ok(stack, 'get_scenario', { hash: node.hash });
        expect(node.created_at).toBe(scenario.created_at);
      }
      expect(dated.lineage.find((n: { hash: string }) => n.hash === b.scenario_hash)).toMatchObject(
        { created_at: '2026-03-04T05:06:07.899Z' },
      );
      const fromA = await ok(stack, 'lineage_of', { hash: a.scenario_hash });
      expect(
        fromA.descendants.map((n: { hash: string; distance: number }) => [n.hash, n.distance]),
      ).toEqual([
        [c.scenario_hash, 1],
        [d.scenario_hash, 2],
      ]);
      const shallow = await ok(stack, 'lineage_of', { hash: d.scenario_hash, max_depth: 1 });
      expect(shallow.lineage.map((n: { hash: string }) => n.hash)).toEqual([
        c.scenario_hash,
        d.scenario_hash,
      ]);
      expect(shallow.truncated).toBe(true);
      expect((await ok(stack, 'get_scenario', { hash: a.scenario_hash })).child_count).toBe(1);

      // c derived again, from its parents the other way round and a third:
      // its node lists each parent once, in the order first seen.
      const e: Hashes = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: 'lineage_e' }),
      );
      const again = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: b.scenario_hash },
        changes: {
          scenario_slug: 'lineage_c',
          environment_upserts: { attic: { inline: 'An empty attic.' } },
        },
        additional_parents: [
          { parent_hash: a.scenario_hash, role: 'donor' },
          { parent_hash: e.scenario_hash, role: 'donor' },
        ],
      });
      expect(again.scenario_hash).toBe(c.scenario_hash);
      expect(again.derivation_id).not.toBe(c.derivation_id);
      const fromC = await ok(stack, 'lineage_of', { hash: c.scenario_hash });
      expect(fromC.lineage.at(-1)).toMatchObject({
        hash: c.scenario_hash,
        parent_hashes: [a.scenario_hash, b.scenario_hash, e.scenario_hash],
      });
    });

    it('answers and records the first 1000 touched components of a fork that changes more, flagged', async () => {
      const a: Hashes = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: `touched_${stack.kind}` }),
      );
      // 998 new environments (inline, stored by the fork; a scenario binds at
      // most 1000) and the three scalars: 1001 differences.
      const upserts = Object.fromEntries(
        Array.from({ length: 998 }, (_, i) => [
          `room-${String(i).padStart(4, '0')}`,
          { inline: `Room ${i} of ${stack.kind}.` },
        ]),
      );
      const fork = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: {
          scenario_slug: `touched_many_${stack.kind}`,
          description: 'Many rooms.',
          chronon_seconds: 7,
          environment_upserts: upserts,
        },
      });
      expect(fork.touched_components).toHaveLength(1000);
      expect(fork.touched_components.slice(0, 4)).toMatchObject([
        { kind: 'scenario_slug' },
        { kind: 'description' },
        { kind: 'chronon_seconds' },
        { kind: 'environment', label: 'room-0000' },
      ]);
      expect(fork.touched_components[999]).toMatchObject({
        kind: 'environment',
        label: 'room-0996',
      });
      expect([fork.touched_components_truncated, fork.touched_components_count]).toEqual([
        true,
        1001,
      ]);
      const derivation = await ok(stack, 'get_derivation', { id: fork.derivation_id });
      expect(derivation.metadata).toEqual({
        touched_components: fork.touched_components,
        touched_components_truncated: true,
        touched_components_count: 1001,
      });
      // Under the limit, neither flag nor count.
      const small = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: { chronon_seconds: 61 },
      });
      expect(small).not.toHaveProperty('touched_components_truncated');
      expect(small).not.toHaveProperty('touched_components_count');
    });

    it('refuses metadata over 64 KiB (assemble and fork), writing nothing', async () => {
      const big = { text: 'm'.repeat(70_000) };
      const before = await Promise.all([
        stack.count('scenarios', 'scenarios'),
        stack.count('scenarios', 'scenario_derivations'),
      ]);
      const assembled = await op(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: `big_metadata_${stack.kind}`, metadata: big }),
      );
      const parent: Hashes = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: `metadata_parent_${stack.kind}` }),
      );
      const middle = await Promise.all([
        stack.count('scenarios', 'scenarios'),
        stack.count('scenarios', 'scenario_derivations'),
      ]);
      const forked = await op(stack, 'fork_scenario', {
        primary_parent: { hash: parent.scenario_hash },
        changes: { chronon_seconds: 17 },
        metadata_extra: big,
      });
      const after = await Promise.all([
        stack.count('scenarios', 'scenarios'),
        stack.count('scenarios', 'scenario_derivations'),
      ]);
      for (const [reply, path] of [
        [assembled, '/metadata'],
        [forked, '/metadata_extra'],
      ] as const)
        expect([reply.status, reply.body.error?.details]).toEqual([
          400,
          expect.objectContaining({ path, reason: 'metadata_too_large' }),
        ]);
      // Only the parent in between was written.
      expect([middle[0] - before[0], middle[1] - before[1]]).toEqual([1, 1]);
      expect(after).toEqual(middle);
    });

    it('lists with every filter, and pages by cursor and offset without gaps or repeats', async () => {
      const perceive = await ok(stack, 'put_perceive_system', {
        content: `Perceive for listing ${stack.kind}`,
      });
      const base = validRequest({ scenario_slug: 'listing' });
      const profileWithPart = {
        keeper: {
          inline: {
            perceive_system: { hash: perceive.hash },
            intend_system: { inline: 'Intend for listing.' },
            adjudicate_system: { inline: 'Adjudicate for listing.' },
            adjudication_schema: { inline: { type: 'object' } },
            adjudication_retry_budget: 1,
          },
        },
      };
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        const reply = await ok(stack, 'assemble_scenario', {
          ...base,
          description: `Listing ${i}`,
          ...(i % 2 === 0 ? { cognition_profiles: profileWithPart } : {}),
          ...(i === 3 ? { name: 'listing-three' } : {}),
        });
        made.push(reply.scenario_hash);
      }
      const forked = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: made[0] },
        changes: { description: 'Listing fork' },
      });

      const list = async (filter: Record<string, unknown>, page?: Record<string, unknown>) =>
        ok(stack, 'list_scenarios', { filter, ...(page ? { page } : {}) });
      const slugged = (await list({ scenario_slug: 'listing' })).scenarios.map(
        (s: { hash: string }) => s.hash,
      );
      // Newest first: the fork, then the assemblies in reverse order.
      expect(slugged).toEqual([forked.scenario_hash, ...[...made].reverse()]);
      expect(
        (await list({ scenario_slug: 'listing', uses_perceive_system_hash: perceive.hash }))
          .scenarios,
      ).toHaveLength(5);
      expect(
        (await list({ scenario_slug: 'listing', has_name: true })).scenarios.map(
          (s: { hash: string }) => s.hash,
        ),
      ).toEqual([made[3]]);
      expect(
        (await list({ scenario_slug: 'listing', has_parents: true })).scenarios.map(
          (s: { hash: string }) => s.hash,
        ),
      ).toEqual([forked.scenario_hash]);
      const named = (await list({ scenario_slug: 'listing', has_name: true })).scenarios[0];
      expect(named).toMatchObject({
        names: ['listing-three'],
        child_count: 0,
        world_count: 0,
        has_parents: false,
      });
      const parentSummary = (
        await list({ uses_entity_hash: jsonComponentHash(ENTITIES[0]), scenario_slug: 'listing' })
      ).scenarios;
      expect(parentSummary).toHaveLength(8);
      const root = await ok(stack, 'get_scenario', { hash: made[0] });
      expect(
        (
          await list({
            uses_cognition_profile_hash: root.cognition_profile_hashes.keeper,
            scenario_slug: 'listing',
          })
        ).scenarios,
      ).toHaveLength(5);
      expect(
        (await list({ uses_environment_hash: textComponentHash('nowhere at all') })).scenarios,
      ).toEqual([]);
      const all = (await list({ scenario_slug: 'listing' })).scenarios as Array<{
        hash: string;
        created_at: string;
      }>;
      const middle = all[3]!.created_at;
      const newer = (await list({ scenario_slug: 'listing', created_after: middle })).scenarios;
      expect(newer.every((s: { created_at: string }) => s.created_at > middle)).toBe(true);

      // Cursor paging: pages of 3 cover the list exactly once, in order.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { scenarios: Array<{ hash: string }>; next_cursor: string | null } = await list(
          { scenario_slug: 'listing' },
          { limit: 3, ...(cursor ? { cursor } : {}) },
        );
        seen.push(...page.scenarios.map((s) => s.hash));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all.map((s) => s.hash));
      const offsetPage = await list({ scenario_slug: 'listing' }, { limit: 3, offset: 3 });
      expect(offsetPage.scenarios.map((s: { hash: string }) => s.hash)).toEqual(seen.slice(3, 6));
    });

    it('filters by every component kind, each scenario once however many labels bind the component', async () => {
      const tag = `uses ${stack.kind} ${Date.now()}`;
      const room = `A room seen twice (${tag}).`;
      const profile = {
        inline: {
          perceive_system: { inline: `Perceive (${tag}).` },
          intend_system: { inline: `Intend (${tag}).` },
          adjudicate_system: { inline: `Adjudicate (${tag}).` },
          adjudication_schema: { inline: { type: 'object', title: tag } },
          adjudication_retry_budget: 2,
        },
      };
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        // The same environment under both labels, the same profile under two labels.
        const reply = await ok(
          stack,
          'assemble_scenario',
          validRequest({
            scenario_slug: 'uses_once',
            description: `Uses ${i} (${tag})`,
            environments: { dome: { inline: room }, stairwell: { inline: room } },
            cognition_profiles: { keeper: profile, spare: profile },
          }),
        );
        made.push(reply.scenario_hash);
      }
      const newestFirst = [...made].reverse();
      const scenario = await ok(stack, 'get_scenario', { hash: made[0] });
      const profileHash = scenario.cognition_profile_hashes.keeper as string;
      const parts = await ok(stack, 'get_cognition_profile', { hash: profileHash });
      const list = async (filter: Record<string, unknown>, page?: Record<string, unknown>) =>
        ok(stack, 'list_scenarios', { filter, ...(page ? { page } : {}) });
      const hashesOf = (reply: { scenarios: Array<{ hash: string }> }) =>
        reply.scenarios.map((s) => s.hash);

      const byKind: Record<string, string> = {
        uses_environment_hash: textComponentHash(room),
        uses_cognition_profile_hash: profileHash,
        uses_perceive_system_hash: parts.perceive_system_hash,
        uses_intend_system_hash: parts.intend_system_hash,
        uses_adjudicate_system_hash: parts.adjudicate_system_hash,
        uses_adjudication_schema_hash: parts.adjudication_schema_hash,
      };
      for (const [key, hash] of Object.entries(byKind)) {
        expect([key, hashesOf(await list({ [key]: hash }))]).toEqual([key, newestFirst]);
      }
      // Two component filters together, and one that matches nothing.
      expect(
        hashesOf(await list({ ...byKind, uses_entity_hash: jsonComponentHash(ENTITIES[0]) })),
      ).toEqual(newestFirst);
      expect(
        hashesOf(await list({ ...byKind, uses_entity_hash: textComponentHash(`none ${tag}`) })),
      ).toEqual([]);
      // A component's text as another kind is another component.
      expect(hashesOf(await list({ uses_perceive_system_hash: textComponentHash(room) }))).toEqual(
        [],
      );

      // Cursor pages of a component-driven list cover it exactly once, in order.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { scenarios: Array<{ hash: string }>; next_cursor: string | null } = await list(
          { uses_environment_hash: byKind.uses_environment_hash },
          { limit: 2, ...(cursor ? { cursor } : {}) },
        );
        seen.push(...hashesOf(page));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(newestFirst);
      const all = (await list({ uses_environment_hash: byKind.uses_environment_hash }))
        .scenarios as Array<{ hash: string; created_at: string }>;
      const middle = all[2]!.created_at;
      expect(
        hashesOf(
          await list({
            uses_environment_hash: byKind.uses_environment_hash,
            created_before: middle,
          }),
        ),
      ).toEqual(all.filter((s) => s.created_at < middle).map((s) => s.hash));
      expect(
        hashesOf(
          await list(
            { uses_environment_hash: byKind.uses_environment_hash },
            { limit: 2, offset: 2 },
          ),
        ),
      ).toEqual(newestFirst.slice(2, 4));
    });

    it('reports a stored scenario and the name error when the names service cannot be reached', async () => {
      await stack.stopService('names');
      try {
        const request = validRequest({ scenario_slug: 'unnamed_yet', name: 'named-later' });
        const first = await op(stack, 'assemble_scenario', request);
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
          was_new_scenario: true,
          name: null,
          name_error: { code: 'unavailable', retryable: true, details: { path: '/name' } },
        });
        await stack.startService('names');
        const retry = await ok(stack, 'assemble_scenario', request);
        expect(retry).toMatchObject({
          scenario_hash: first.body.scenario_hash,
          was_new_scenario: false,
          name: { name: 'named-later', hash: first.body.scenario_hash },
          name_error: null,
        });
      } finally {
        await stack.startService('names');
      }
    }, 60_000);
  });
}
