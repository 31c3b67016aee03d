import { randomBytes } from 'node:crypto';
import { ok, type PlatformStack } from '../platform/stack';
import { validRequest } from './validation.suite';

/** A slug new for each call (so each assembly is a new scenario). */
function slug(what: string): string {
  return `${what}_${randomBytes(4).toString('hex')}`;
}

/**
 * Forks whose result equals a parent (docs/services/scenarios.md#forks-that-change-nothing):
 * no edge from a scenario to itself, and lineage, has_parents and
 * child_count right when forks revert to an ancestor.
 */
export function describeForkCycles(name: string, start: () => Promise<PlatformStack>): void {
  describe(`forks that change nothing or revert (${name})`, () => {
    let stack: PlatformStack;
    beforeAll(async () => {
      stack = await start();
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    }, 60_000);

    it('records no edge from a scenario to itself, and says so', async () => {
      const root = await ok(
        stack,
        'assemble_scenario',
        validRequest({ scenario_slug: slug('root') }),
      );
      const same = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: root.scenario_hash },
        changes: {},
        note: 'no change',
      });
      expect(same).toMatchObject({
        scenario_hash: root.scenario_hash,
        was_new_scenario: false,
        unchanged: true,
        skipped_parent_hashes: [root.scenario_hash],
        parent_hashes: [],
        touched_components: [],
      });
      // The derivation is kept (a record of the call), with no edge; a retry finds it.
      const derivation = await ok(stack, 'get_derivation', { id: same.derivation_id });
      expect(derivation).toMatchObject({
        child_hash: root.scenario_hash,
        parents: [],
        note: 'no change',
      });
      const again = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: root.scenario_hash },
        changes: {},
        note: 'no change',
      });
      expect(again).toMatchObject({ derivation_id: same.derivation_id, was_new_derivation: false });

      const got = await ok(stack, 'get_scenario', { hash: root.scenario_hash });
      expect(got).toMatchObject({ has_parents: false, child_count: 0 });
      const roots = await ok(stack, 'list_scenarios', {
        filter: { has_parents: false, scenario_slug: got.scenario_slug },
      });
      expect(roots.scenarios.map((s: { hash: string }) => s.hash)).toEqual([root.scenario_hash]);

      // A child of the root: its lineage ends at the root.
      const child = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: root.scenario_hash },
        changes: { chronon_seconds: 30 },
      });
      const lineage = await ok(stack, 'lineage_of', { hash: child.scenario_hash });
      expect(
        lineage.lineage.map((n: { hash: string; distance: number }) => [n.hash, n.distance]),
      ).toEqual([
        [root.scenario_hash, 1],
        [child.scenario_hash, 0],
      ]);
      expect(lineage.truncated).toBe(false);
    });

    it('skips the result listed among additional_parents, and keeps the other edges', async () => {
      const a = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: slug('a') }));
      const b = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: slug('b') }));
      const bSlug = (await ok(stack, 'get_scenario', { hash: b.scenario_hash })).scenario_slug;
      // a with b's slug is b: b is both the result and an additional parent.
      const fork = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: { scenario_slug: bSlug },
        additional_parents: [{ parent_hash: b.scenario_hash, role: 'donor' }],
      });
      expect(fork).toMatchObject({
        scenario_hash: b.scenario_hash,
        unchanged: false,
        skipped_parent_hashes: [b.scenario_hash],
        parent_hashes: [a.scenario_hash],
      });
      const derivation = await ok(stack, 'get_derivation', { id: fork.derivation_id });
      expect(derivation.parents).toEqual([
        { parent_hash: a.scenario_hash, parent_index: 0, role: 'primary' },
      ]);
      expect(await ok(stack, 'get_scenario', { hash: b.scenario_hash })).toMatchObject({
        has_parents: true,
        child_count: 0,
      });
    });

    it('walks a fork that reverts to its ancestor once each way, and ends', async () => {
      const a = await ok(stack, 'assemble_scenario', validRequest({ scenario_slug: slug('a') }));
      const aSlug = (await ok(stack, 'get_scenario', { hash: a.scenario_hash })).scenario_slug;
      const b = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: { scenario_slug: slug('b') },
      });
      // b forked back to a: a now has b as parent, b has a.
      const back = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: b.scenario_hash },
        changes: { scenario_slug: aSlug },
      });
      expect(back).toMatchObject({ scenario_hash: a.scenario_hash, unchanged: false });
      const c = await ok(stack, 'fork_scenario', {
        primary_parent: { hash: a.scenario_hash },
        changes: { chronon_seconds: 45 },
      });
      const pairs = (nodes: Array<{ hash: string; distance: number }>) =>
        nodes.map((n) => [n.hash, n.distance]);

      const fromC = await ok(stack, 'lineage_of', { hash: c.scenario_hash });
      expect(pairs(fromC.lineage)).toEqual([
        [b.scenario_hash, 2],
        [a.scenario_hash, 1],
        [c.scenario_hash, 0],
      ]);
      expect(fromC.descendants).toEqual([]);
      expect(fromC.truncated).toBe(false);

      const fromA = await ok(stack, 'lineage_of', { hash: a.scenario_hash });
      expect(pairs(fromA.lineage)).toEqual([
        [b.scenario_hash, 1],
        [a.scenario_hash, 0],
      ]);
      expect(new Set(pairs(fromA.descendants).map(String))).toEqual(
        new Set(
          [
            [b.scenario_hash, 1],
            [c.scenario_hash, 1],
          ].map(String),
        ),
      );
      expect(fromA.truncated).toBe(false);

      expect(await ok(stack, 'get_scenario', { hash: a.scenario_hash })).toMatchObject({
        has_parents: true,
        child_count: 2,
      });
      expect(await ok(stack, 'get_scenario', { hash: b.scenario_hash })).toMatchObject({
        has_parents: true,
        child_count: 1,
      });
    });
  });
}
