import { op, ok, type PlatformStack } from '../platform/stack';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  CHRONON_SECONDS,
  DESCRIPTION,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  LEAK_FIX_SENTENCE,
  PERCEIVE_SYSTEM,
  RETRY_BUDGET,
  SLUG,
} from './fixtures';

const TABLES: ReadonlyArray<[string, string]> = [
  ['components', 'perceive_systems'],
  ['components', 'intend_systems'],
  ['components', 'adjudicate_systems'],
  ['components', 'adjudication_schemas'],
  ['components', 'cognition_profiles'],
  ['components', 'environments'],
  ['components', 'entities'],
  ['scenarios', 'scenarios'],
  ['scenarios', 'scenario_cognition_profiles'],
  ['scenarios', 'scenario_environments'],
  ['scenarios', 'scenario_entities'],
  ['scenarios', 'scenario_derivations'],
  ['scenarios', 'scenario_derivation_parents'],
  ['names', 'scenario_names'],
  ['names', 'scenario_name_history'],
];

async function counts(stack: PlatformStack): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [schema, table] of TABLES) out[table] = await stack.count(schema, table);
  return out;
}

function delta(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}

/**
 * The authoring smoke, through the gateway, with our own fixture:
 * piece-by-piece authoring from an empty store, assembly from hashes only,
 * a fork that changes one component with exact row deltas, lineage,
 * has_parents, and the compare-and-swap suite.
 */
export function describeSmoke(name: string, start: () => Promise<PlatformStack>): void {
  describe(`scenario store smoke (${name})`, () => {
    let stack: PlatformStack;
    beforeAll(async () => {
      stack = await start();
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('steps 1-9 and 12', async () => {
      // Step 1: an empty store.
      expect((await ok(stack, 'list_scenarios', {})).scenarios).toEqual([]);
      expect(Object.values(await counts(stack)).every((n) => n === 0)).toBe(true);

      // Step 2: piece by piece.
      const perceive = await ok(stack, 'put_perceive_system', { content: PERCEIVE_SYSTEM });
      const intend = await ok(stack, 'put_intend_system', { content: INTEND_SYSTEM });
      const adjudicate = await ok(stack, 'put_adjudicate_system', { content: ADJUDICATE_SYSTEM });
      const schema = await ok(stack, 'put_adjudication_schema', { content: ADJUDICATION_SCHEMA });
      const profile = await ok(stack, 'put_cognition_profile', {
        perceive_system: { hash: perceive.hash },
        intend_system: { hash: intend.hash },
        adjudicate_system: { hash: adjudicate.hash },
        adjudication_schema: { hash: schema.hash },
        adjudication_retry_budget: RETRY_BUDGET,
      });
      const dome = await ok(stack, 'put_environment', { content: ENVIRONMENTS.dome });
      const stairwell = await ok(stack, 'put_environment', { content: ENVIRONMENTS.stairwell });
      const entities: string[] = [];
      for (const entity of ENTITIES)
        entities.push((await ok(stack, 'put_entity', { content: entity })).hash);
      expect(profile.was_new).toBe(true);

      // Step 3: components stand on their own; no scenario yet.
      const afterPieces = await counts(stack);
      expect(afterPieces).toMatchObject({
        perceive_systems: 1,
        intend_systems: 1,
        adjudicate_systems: 1,
        adjudication_schemas: 1,
        cognition_profiles: 1,
        environments: 2,
        entities: 6,
        scenarios: 0,
      });

      // Step 4: assemble from hashes only, and name it.
      const parent = await ok(stack, 'assemble_scenario', {
        scenario_slug: SLUG,
        description: DESCRIPTION,
        chronon_seconds: CHRONON_SECONDS,
        cognition_profiles: { keeper: { hash: profile.hash } },
        environments: { dome: { hash: dome.hash }, stairwell: { hash: stairwell.hash } },
        entities: entities.map((hash) => ({ hash })),
        operator: 'smoke',
        note: 'assembled from already-stored components',
        metadata: {},
        name: 'night_observatory',
      });
      expect(parent).toMatchObject({
        was_new_scenario: true,
        cognition_profile_hashes: { keeper: profile.hash },
        environment_hashes: { dome: dome.hash, stairwell: stairwell.hash },
        entity_hashes: entities,
        name: { name: 'night_observatory', hash: parent.scenario_hash },
        name_error: null,
      });
      expect(
        Object.values(parent.new_components as Record<string, number>).every((n) => n === 0),
      ).toBe(true);
      const afterAssemble = await counts(stack);
      expect(delta(afterAssemble, afterPieces)).toMatchObject({
        perceive_systems: 0,
        cognition_profiles: 0,
        environments: 0,
        entities: 0,
        scenarios: 1,
        scenario_cognition_profiles: 1,
        scenario_environments: 2,
        scenario_entities: 6,
        scenario_derivations: 1,
        scenario_derivation_parents: 0,
        scenario_names: 1,
      });

      // Step 5: read it back by name.
      const parentRead = await ok(stack, 'get_scenario', { name: 'night_observatory' });
      expect(parentRead).toMatchObject({
        hash: parent.scenario_hash,
        has_parents: false,
        cognition_profile_hashes: { keeper: profile.hash },
        environment_hashes: { dome: dome.hash, stairwell: stairwell.hash },
        entity_hashes: entities,
        names: ['night_observatory'],
        child_count: 0,
        world_count: 0,
      });
      expect(parentRead.scenario).toEqual({
        scenario_slug: SLUG,
        description: DESCRIPTION,
        chronon_seconds: CHRONON_SECONDS,
        cognition_profiles: {
          keeper: {
            perceive_system: PERCEIVE_SYSTEM,
            intend_system: INTEND_SYSTEM,
            adjudicate_system: ADJUDICATE_SYSTEM,
            adjudication_schema: ADJUDICATION_SCHEMA,
            adjudication_retry_budget: RETRY_BUDGET,
          },
        },
        environments: ENVIRONMENTS,
        entities: ENTITIES,
      });

      // Steps 6-7: read the adjudicate system and append the leak fix.
      const text = (await ok(stack, 'get_adjudicate_system', { hash: adjudicate.hash }))
        .content as string;
      expect(text).toBe(ADJUDICATE_SYSTEM);

      // Step 8: fork with the fixed profile inline, parent by hash.
      const child = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: parent.scenario_hash },
        changes: {
          cognition_profile_upserts: {
            keeper: {
              inline: {
                perceive_system: { hash: perceive.hash },
                intend_system: { hash: intend.hash },
                adjudicate_system: { inline: text + LEAK_FIX_SENTENCE },
                adjudication_schema: { hash: schema.hash },
                adjudication_retry_budget: RETRY_BUDGET,
              },
            },
          },
        },
        additional_parents: [],
        operator: 'smoke',
        note: 'leak fix: tell the adjudicator the narration is read by the agent',
        metadata_extra: {},
        name: 'observatory-leak-fix',
      });
      expect(child.was_new_scenario).toBe(true);
      expect(child.scenario_hash).not.toBe(parent.scenario_hash);
      expect(child.cognition_profile_hashes.keeper).not.toBe(profile.hash);
      expect(child.environment_hashes).toEqual(parent.environment_hashes);
      expect(child.entity_hashes).toEqual(parent.entity_hashes);
      expect(child.new_components).toEqual({
        perceive_systems: 0,
        intend_systems: 0,
        adjudicate_systems: 1,
        adjudication_schemas: 0,
        cognition_profiles: 1,
        environments: 0,
        entities: 0,
      });
      expect(child.parent_hashes).toEqual([parent.scenario_hash]);
      expect(child.touched_components).toEqual([
        {
          kind: 'cognition_profile',
          label: 'keeper',
          from: profile.hash,
          to: child.cognition_profile_hashes.keeper,
        },
        {
          kind: 'adjudicate_system',
          label: 'keeper',
          from: adjudicate.hash,
          to: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]);

      // The headline: one new component, one new profile, one new manifest; everything else reused.
      const afterFork = await counts(stack);
      expect(delta(afterFork, afterAssemble)).toEqual({
        perceive_systems: 0,
        intend_systems: 0,
        adjudicate_systems: 1,
        adjudication_schemas: 0,
        cognition_profiles: 1,
        environments: 0,
        entities: 0,
        scenarios: 1,
        scenario_cognition_profiles: 1,
        scenario_environments: 2,
        scenario_entities: 6,
        scenario_derivations: 1,
        scenario_derivation_parents: 1,
        scenario_names: 1,
        scenario_name_history: 1,
      });
      const derivation = await ok(stack, 'get_derivation', { id: child.derivation_id });
      expect(derivation).toMatchObject({
        child_hash: child.scenario_hash,
        operator: 'smoke',
        parents: [{ parent_hash: parent.scenario_hash, parent_index: 0, role: 'primary' }],
        metadata: { touched_components: child.touched_components },
      });
      expect((await ok(stack, 'resolve_name', { name: 'night_observatory' })).hash).toBe(
        parent.scenario_hash,
      );
      expect((await ok(stack, 'resolve_name', { name: 'observatory-leak-fix' })).hash).toBe(
        child.scenario_hash,
      );

      // Step 9: lineage and provenance.
      const lineage = await ok(stack, 'lineage_of', { hash: child.scenario_hash });
      expect(lineage.lineage.map((n: { hash: string }) => n.hash)).toEqual([
        parent.scenario_hash,
        child.scenario_hash,
      ]);
      expect(
        (await ok(stack, 'lineage_of', { name: 'night_observatory' })).descendants.map(
          (n: { hash: string }) => n.hash,
        ),
      ).toEqual([child.scenario_hash]);
      expect((await ok(stack, 'get_scenario', { hash: child.scenario_hash })).has_parents).toBe(
        true,
      );
      const parentAgain = await ok(stack, 'get_scenario', { hash: parent.scenario_hash });
      expect(parentAgain).toMatchObject({ has_parents: false, child_count: 1 });

      // Step 12: compare-and-swap on names.
      const rollback = await ok(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: parent.scenario_hash,
        expected_current_hash: child.scenario_hash,
      });
      expect(rollback).toMatchObject({
        changed: true,
        previous_hash: child.scenario_hash,
        hash: parent.scenario_hash,
      });
      const rollforward = await ok(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: child.scenario_hash,
        expected_current_hash: parent.scenario_hash,
      });
      expect(rollforward).toMatchObject({ changed: true, hash: child.scenario_hash });
      const stale = await op(stack, 'set_scenario_name', {
        name: 'observatory-leak-fix',
        hash: parent.scenario_hash,
        expected_current_hash: parent.scenario_hash,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({
        code: 'conflict',
        details: {
          reason: 'cas_failed',
          expected: parent.scenario_hash,
          current: child.scenario_hash,
        },
      });
      const history = await ok(stack, 'name_history', { name: 'observatory-leak-fix' });
      expect(history.entries.map((e: { new_hash: string }) => e.new_hash)).toEqual([
        child.scenario_hash,
        parent.scenario_hash,
        child.scenario_hash,
      ]);
    }, 120_000);
  });
}
