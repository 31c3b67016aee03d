import { op, ok, type PlatformStack } from '../platform/stack';
import { LEAK_FIX_SENTENCE } from '../scenarios/fixtures';
import { validRequest } from '../scenarios/validation.suite';

/** What the world's agents must never be told (director-only facts of the fixture). */
const DIRECTOR_ONLY = [/DIRECTOR-ONLY/, /cracked/, /taped inside/];

/**
 * The seed's smoke, steps 10 to 12, for worlds: a world created from the
 * leak-fix fork by name carries the fork's manifest hash, snapshot, reference
 * and label; a turn runs to committed with perceptions free of director-only
 * facts; names move by compare-and-swap, and deleting the world leaves the
 * scenarios stored. With the default (offline) mind.
 */
export function describeWorldsSmoke(name: string, start: () => Promise<PlatformStack>): void {
  describe(`worlds smoke, steps 10-12 (${name})`, () => {
    let stack: PlatformStack;
    beforeAll(async () => {
      stack = await start();
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('creates a world from the fork by name, runs a turn, moves names, deletes the world', async () => {
      // Steps 1-9 in short: a parent named night_observatory, and its leak-fix fork.
      const parent = await ok(stack, 'assemble_scenario', {
        ...validRequest(),
        name: 'night_observatory',
      });
      const stored = await ok(stack, 'get_scenario', { hash: parent.scenario_hash });
      const keeper = stored.scenario.cognition_profiles.keeper;
      const child = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: parent.scenario_hash },
        changes: {
          cognition_profile_upserts: {
            keeper: {
              inline: {
                perceive_system: { inline: keeper.perceive_system },
                intend_system: { inline: keeper.intend_system },
                adjudicate_system: { inline: keeper.adjudicate_system + LEAK_FIX_SENTENCE },
                adjudication_schema: { inline: keeper.adjudication_schema },
                adjudication_retry_budget: keeper.adjudication_retry_budget,
              },
            },
          },
        },
        name: 'observatory-leak-fix',
      });
      expect(child.was_new_scenario).toBe(true);

      // Step 10: the world carries the fork's manifest hash, by name.
      const created = await ok(stack, 'create_world', {
        slug: 'leak-test',
        scenario_ref: { name: 'observatory-leak-fix' },
      });
      expect(created).toMatchObject({
        slug: 'leak-test',
        scenario_hash: child.scenario_hash,
        scenario_ref: { kind: 'name', value: 'observatory-leak-fix' },
        scenario_label: 'night_observatory',
        name: 'night_observatory #leak-test',
      });
      expect(created).not.toHaveProperty('scenario');
      const meta = (await ok(stack, 'get_world', { world_slug: 'leak-test' })).world;
      expect(meta).toEqual(created);
      // The join the seed's re-run checked: the hash is a stored scenario, and the snapshot is it.
      const joined = await ok(stack, 'get_scenario', { hash: meta.scenario_hash });
      expect(joined.scenario).toEqual(meta.scenario_snapshot);
      expect(meta.scenario_snapshot.cognition_profiles.keeper.adjudicate_system).toContain(
        LEAK_FIX_SENTENCE.trim(),
      );

      // Step 11: run a turn, poll until committed, read the audit events.
      const run = await ok(stack, 'run_turn', { world_slug: 'leak-test' });
      expect(run).toMatchObject({ status: 'queued' });
      const status = await ok(stack, 'get_turn_status', {
        world_slug: 'leak-test',
        attempt_id: run.attempt_id,
        wait_ms: 8000,
      });
      expect(status).toMatchObject({
        status: 'committed',
        produced_turn: 1,
        failure_reason: null,
        duration_ms: expect.any(Number),
      });
      const events = (await ok(stack, 'list_turn_events', { world_slug: 'leak-test', turn: 1 }))
        .events as Array<{ kind: string; agent_id: string; data: Record<string, any> }>;
      const kinds = (kind: string) => events.filter((e) => e.kind === kind);
      expect(kinds('perception_emitted').map((e) => e.agent_id)).toEqual([
        'elder_keeper',
        'young_keeper',
      ]);
      expect(kinds('intent_formed')).toHaveLength(2);
      expect(kinds('intent_adjudicated')).toHaveLength(2);
      for (const e of kinds('perception_emitted')) {
        for (const leak of DIRECTOR_ONLY) expect(e.data.perception).not.toMatch(leak);
      }
      for (const e of kinds('intent_adjudicated')) {
        for (const leak of DIRECTOR_ONLY) expect(e.data.adjudication.narration).not.toMatch(leak);
      }

      // Step 12: compare-and-swap on the name, then delete the world.
      await ok(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: parent.scenario_hash,
        expected_current_hash: child.scenario_hash,
      });
      await ok(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: child.scenario_hash,
        expected_current_hash: parent.scenario_hash,
      });
      const stale = await op(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: parent.scenario_hash,
        expected_current_hash: parent.scenario_hash,
      });
      expect(stale.status).toBe(409);
      const deleted = await ok(stack, 'delete_world', { world_slug: 'leak-test' });
      expect(deleted).toMatchObject({
        slug: 'leak-test',
        scenario_hash: child.scenario_hash,
        scenario_label: 'night_observatory',
      });
      expect((await op(stack, 'get_world', { world_slug: 'leak-test' })).status).toBe(404);
      // The scenarios stay.
      await ok(stack, 'get_scenario', { hash: child.scenario_hash });
      await ok(stack, 'get_scenario', { name: 'night_observatory' });
      expect(await stack.count('scenarios', 'scenarios')).toBe(2);
    }, 120_000);
  });
}
