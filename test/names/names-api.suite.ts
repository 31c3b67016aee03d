import { CrucibleError } from '@crucible/contracts';
import { rejectedWith } from '@crucible/contracts/testing';
import { http } from '../support';
import { label, nonEmpty, type NamesStack } from './stack';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Every operation's happy path and the compare-and-swap rules, over the bus. */
export function describeNamesApi(stack: () => NamesStack): void {
  describe('names API', () => {
    let s: NamesStack;
    beforeAll(() => {
      s = stack();
    });

    it('sets, resolves, moves, lists, unsets a name and keeps its history', async () => {
      const name = label('life');
      const [a, b] = [s.scenario(), s.scenario()];

      const set = await s.rpc.call('set_scenario_name', { name, hash: a, note: 'first' });
      expect(set).toEqual({
        name,
        hash: a,
        previous_hash: null,
        changed: true,
        history_id: expect.any(Number),
        changed_at: expect.stringMatching(TIMESTAMP),
      });
      expect(await s.rpc.call('resolve_name', { name })).toEqual({
        name,
        hash: a,
        history_id: set.history_id,
        since: set.changed_at,
        protected: false,
      });

      const moved = await s.rpc.call('set_scenario_name', { name, hash: b });
      expect(moved).toMatchObject({ hash: b, previous_hash: a, changed: true });
      expect(moved.history_id).toBeGreaterThan(set.history_id!);
      expect(await s.rpc.call('list_names', { prefix: name })).toEqual({
        names: [{ name, hash: b, updated_at: moved.changed_at, protected: false }],
        next_after: null,
      });

      const unset = await s.rpc.call('unset_scenario_name', { name, note: 'gone' });
      expect(unset).toMatchObject({ name, hash: null, previous_hash: b, changed: true });
      const gone = await rejectedWith(s.rpc.call('resolve_name', { name }), CrucibleError);
      expect(gone.code).toBe('not_found');
      expect(gone.details).toMatchObject({ reason: 'name_not_found', path: '/name', name });
      expect((await s.rpc.call('list_names', { prefix: name })).names).toEqual([]);

      expect(await s.rpc.call('name_history', { name })).toEqual({
        name,
        entries: [
          {
            id: unset.history_id,
            name,
            old_hash: b,
            new_hash: null,
            note: 'gone',
            actor: null,
            changed_at: unset.changed_at,
          },
          {
            id: moved.history_id,
            name,
            old_hash: a,
            new_hash: b,
            note: null,
            actor: null,
            changed_at: moved.changed_at,
          },
          {
            id: set.history_id,
            name,
            old_hash: null,
            new_hash: a,
            note: 'first',
            actor: null,
            changed_at: set.changed_at,
          },
        ],
        next_before_id: null,
      });
    });

    it('records who moved a name: the principal of the request, passed on by the gateway', async () => {
      const name = label('actor');
      const a = s.scenario();
      // Through the gateway, with the tests' admin token: the principal `admin`.
      const set = await http(`${s.url}/v1/names/${name}`, 'PUT', { hash: a, note: 'by hand' });
      expect(set.status).toBe(200);
      // Straight over the bus with a principal, as another service passes one on.
      await s.rpc.call('unset_scenario_name', { name }, { principal: 'ci-bot' });
      const { entries } = await s.rpc.call('name_history', { name });
      expect(entries.map((e) => [e.actor, e.note])).toEqual([
        ['ci-bot', null],
        ['admin', 'by hand'],
      ]);
      expect((await s.historyRows(name)).map((r) => r.actor)).toEqual(['admin', 'ci-bot']);
    });

    it('runs the seed smoke CAS suite: rollback, rollforward, stale expectation', async () => {
      const name = label('vending-leak-fix');
      const parent = s.scenario();
      const child = s.scenario();
      await s.rpc.call('set_scenario_name', { name, hash: child });

      const rollback = await s.rpc.call('set_scenario_name', {
        name,
        hash: parent,
        expected_current_hash: child,
      });
      expect(rollback).toMatchObject({ hash: parent, previous_hash: child, changed: true });
      const rollforward = await s.rpc.call('set_scenario_name', {
        name,
        hash: child,
        expected_current_hash: parent,
      });
      expect(rollforward).toMatchObject({ hash: child, previous_hash: parent, changed: true });

      const before = await s.counts();
      const stale = await rejectedWith(
        s.rpc.call('set_scenario_name', { name, hash: parent, expected_current_hash: parent }),
        CrucibleError,
      );
      expect(stale.code).toBe('conflict');
      expect(stale.retryable).toBe(false);
      expect(stale.details).toMatchObject({
        reason: 'cas_failed',
        path: '/expected_current_hash',
        expected: parent,
        current: child,
      });
      expect(await s.counts()).toEqual(before);
      expect((await s.rpc.call('resolve_name', { name })).hash).toBe(child);
      expect((await s.historyRows(name)).map((r) => r.new_hash)).toEqual([child, parent, child]);
    });

    it('creates only when asked to expect an unset name', async () => {
      const name = label('create');
      const [a, b] = [s.scenario(), s.scenario()];
      const created = await s.rpc.call('set_scenario_name', {
        name,
        hash: a,
        expected_current_hash: null,
      });
      expect(created).toMatchObject({ hash: a, previous_hash: null, changed: true });
      const again = await rejectedWith(
        s.rpc.call('set_scenario_name', { name, hash: b, expected_current_hash: null }),
        CrucibleError,
      );
      expect(again.code).toBe('conflict');
      expect(again.details).toMatchObject({ reason: 'cas_failed', expected: null, current: a });
    });

    it('answers a move to where the name already points as a no-op (no history, no event)', async () => {
      const name = label('same');
      const a = s.scenario();
      const first = await s.rpc.call('set_scenario_name', { name, hash: a });
      const before = await s.counts();
      const noop = {
        name,
        hash: a,
        previous_hash: a,
        changed: false,
        history_id: null,
        changed_at: null,
      };
      expect(await s.rpc.call('set_scenario_name', { name, hash: a })).toEqual(noop);
      expect(
        await s.rpc.call('set_scenario_name', { name, hash: a, expected_current_hash: a }),
      ).toEqual(noop);
      expect(await s.counts()).toEqual(before);
      expect(await s.rpc.call('resolve_name', { name })).toMatchObject({
        history_id: first.history_id,
        since: first.changed_at,
      });
    });

    it('unsets with compare-and-swap and refuses names that are not set', async () => {
      const name = label('unset');
      const [a, b] = [s.scenario(), s.scenario()];
      await s.rpc.call('set_scenario_name', { name, hash: a });
      const stale = await rejectedWith(
        s.rpc.call('unset_scenario_name', { name, expected_current_hash: b }),
        CrucibleError,
      );
      expect(stale.details).toMatchObject({ reason: 'cas_failed', expected: b, current: a });
      await s.rpc.call('unset_scenario_name', { name, expected_current_hash: a });

      const before = await s.counts();
      const missing = await rejectedWith(
        s.rpc.call('unset_scenario_name', { name }),
        CrucibleError,
      );
      expect(missing.code).toBe('not_found');
      expect(missing.details).toMatchObject({ reason: 'name_not_found', path: '/name', name });
      const expectedSomething = await rejectedWith(
        s.rpc.call('unset_scenario_name', { name, expected_current_hash: a }),
        CrucibleError,
      );
      expect(expectedSomething.details).toMatchObject({
        reason: 'cas_failed',
        expected: a,
        current: null,
      });
      expect(await s.counts()).toEqual(before);
    });

    it('moves several names atomically in one batch', async () => {
      const [x, y, z, never] = [label('bx'), label('by'), label('bz'), label('never')];
      const [a, b] = [s.scenario(), s.scenario()];
      await s.rpc.call('update_scenario_names', {
        updates: [
          { name: x, hash: a },
          { name: y, hash: a },
        ],
      });
      const { changes } = await s.rpc.call('update_scenario_names', {
        updates: [
          { name: z, hash: b, expected_current_hash: null },
          { name: x, hash: b, expected_current_hash: a },
          { name: y, hash: null, expected_current_hash: a },
          { name: never, hash: null, expected_current_hash: null },
        ],
        note: 'release',
      });
      expect(changes.map((c) => [c.name, c.previous_hash, c.hash, c.changed])).toEqual([
        [z, null, b, true],
        [x, a, b, true],
        [y, a, null, true],
        [never, null, null, false],
      ]);
      // One transaction: one time, distinct history rows.
      expect(new Set(changes.slice(0, 3).map((c) => c.changed_at)).size).toBe(1);
      expect(new Set(changes.slice(0, 3).map((c) => c.history_id)).size).toBe(3);
      expect((await s.rpc.call('resolve_name', { name: x })).hash).toBe(b);
      expect((await s.rpc.call('resolve_name', { name: z })).hash).toBe(b);
      expect(
        (await rejectedWith(s.rpc.call('resolve_name', { name: y }), CrucibleError)).code,
      ).toBe('not_found');
      expect((await s.historyRows(y)).at(-1)).toMatchObject({ new_hash: null, note: 'release' });
    });

    it('changes nothing in a batch when one compare-and-swap fails', async () => {
      const [x, y, z] = [label('fx'), label('fy'), label('fz')];
      const [a, b, c] = [s.scenario(), s.scenario(), s.scenario()];
      await s.rpc.call('update_scenario_names', {
        updates: [
          { name: x, hash: a },
          { name: y, hash: b },
        ],
      });
      const before = await s.counts();
      const error = await rejectedWith(
        s.rpc.call('update_scenario_names', {
          updates: [
            { name: x, hash: c, expected_current_hash: a },
            { name: z, hash: c, expected_current_hash: null },
            { name: y, hash: c, expected_current_hash: a },
          ],
        }),
        CrucibleError,
      );
      expect(error.code).toBe('conflict');
      expect(error.details).toMatchObject({
        reason: 'cas_failed',
        path: '/updates/2/expected_current_hash',
        failures: [{ name: y, path: '/updates/2/expected_current_hash', expected: a, current: b }],
      });
      expect(await s.counts()).toEqual(before);
      expect((await s.rpc.call('resolve_name', { name: x })).hash).toBe(a);
      expect((await s.rpc.call('resolve_name', { name: y })).hash).toBe(b);
      expect(
        (await rejectedWith(s.rpc.call('resolve_name', { name: z }), CrucibleError)).code,
      ).toBe('not_found');
    });

    it('travels in time: where a name pointed at each moment of its history', async () => {
      const name = label('tt');
      const [a, b] = [s.scenario(), s.scenario()];
      await s.rpc.call('set_scenario_name', { name, hash: a });
      await s.rpc.call('set_scenario_name', { name, hash: b });
      await s.rpc.call('unset_scenario_name', { name });
      await s.rpc.call('set_scenario_name', { name, hash: a });
      const rows = await s.historyRows(name);
      expect(rows.map((r) => r.new_hash)).toEqual([a, b, null, a]);

      // The model: the newest move (by id) at or before t, whatever ties in time.
      const expectAt = async (t: Date): Promise<void> => {
        const last = rows.filter((r) => r.changed_at <= t).at(-1);
        const at = t.toISOString();
        if (last === undefined || last.new_hash === null) {
          const error = await rejectedWith(s.rpc.call('resolve_name', { name, at }), CrucibleError);
          expect(error.code).toBe('not_found');
          expect(error.details).toMatchObject({ reason: 'name_not_set_at', path: '/at' });
        } else {
          expect(await s.rpc.call('resolve_name', { name, at })).toEqual({
            name,
            hash: last.new_hash,
            history_id: last.id,
            since: last.changed_at.toISOString(),
            protected: false,
          });
        }
      };
      await expectAt(new Date(rows[0]!.changed_at.getTime() - 1));
      for (const row of rows) {
        await expectAt(row.changed_at);
        await expectAt(new Date(row.changed_at.getTime() + 1));
      }
      // Any offset, and a time after every move, which is now.
      const first = rows[0]!.changed_at;
      const plusTwo = new Date(first.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      expect((await s.rpc.call('resolve_name', { name, at: plusTwo })).history_id).toBe(
        rows.filter((r) => r.changed_at <= first).at(-1)!.id,
      );
      expect(await s.rpc.call('resolve_name', { name, at: '2999-01-01T00:00:00Z' })).toEqual(
        await s.rpc.call('resolve_name', { name }),
      );
    });

    it('pages history newest first', async () => {
      const name = label('pages');
      const [a, b] = [s.scenario(), s.scenario()];
      for (let i = 0; i < 5; i++)
        await s.rpc.call('set_scenario_name', { name, hash: i % 2 === 0 ? a : b });
      const ids = (await s.historyRows(name)).map((r) => r.id).reverse();
      const first = await s.rpc.call('name_history', { name, limit: 2 });
      expect(first.entries.map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect(first.next_before_id).toBe(ids[1]);
      const second = await s.rpc.call('name_history', {
        name,
        limit: 2,
        before_id: first.next_before_id!,
      });
      expect(second.entries.map((e) => e.id)).toEqual(ids.slice(2, 4));
      const third = await s.rpc.call('name_history', {
        name,
        limit: 2,
        before_id: second.next_before_id!,
      });
      expect(third).toMatchObject({ next_before_id: null });
      expect(third.entries.map((e) => e.id)).toEqual(ids.slice(4));
      expect((await s.rpc.call('name_history', { name })).entries).toHaveLength(5);
      expect(await s.rpc.call('name_history', { name: label('unknown') })).toMatchObject({
        entries: [],
        next_before_id: null,
      });
    });

    it('lists names by prefix (taken literally) and by hash, in name order, paged', async () => {
      const p = label('ls');
      const [a, b] = [s.scenario(), s.scenario()];
      const names = [`${p}-b`, `${p}_c`, `${p}-a`, `${p}0`, `${p}-d`];
      await s.rpc.call('update_scenario_names', {
        updates: nonEmpty(names.map((name, i) => ({ name, hash: i % 2 === 0 ? a : b }))),
      });
      const sorted = [`${p}-a`, `${p}-b`, `${p}-d`, `${p}0`, `${p}_c`]; // byte order
      const page1 = await s.rpc.call('list_names', { prefix: p, limit: 2 });
      expect(page1.names.map((n) => n.name)).toEqual(sorted.slice(0, 2));
      expect(page1.next_after).toBe(sorted[1]);
      const page2 = await s.rpc.call('list_names', {
        prefix: p,
        limit: 2,
        after: page1.next_after!,
      });
      expect(page2.names.map((n) => n.name)).toEqual(sorted.slice(2, 4));
      const page3 = await s.rpc.call('list_names', {
        prefix: p,
        limit: 2,
        after: page2.next_after!,
      });
      expect(page3).toMatchObject({ next_after: null });
      expect(page3.names.map((n) => n.name)).toEqual(sorted.slice(4));

      // '_' is a literal underscore, not LIKE's any-character.
      expect(
        (await s.rpc.call('list_names', { prefix: `${p}_` })).names.map((n) => n.name),
      ).toEqual([`${p}_c`]);
      expect((await s.rpc.call('list_names', { hash: b })).names.map((n) => n.name)).toEqual([
        `${p}0`,
        `${p}_c`,
      ]);
      expect(
        (await s.rpc.call('list_names', { prefix: p, hash: a })).names.map((n) => n.name),
      ).toEqual([`${p}-a`, `${p}-b`, `${p}-d`]);
    });
  });
}
