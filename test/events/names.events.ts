import type { Call, EventTest } from './event-test';
import { scenarioRequest, tag } from './fixtures';

interface Change {
  name: string;
  hash: string | null;
  previous_hash: string | null;
  history_id: number;
  changed_at: string;
}

/** The name_moved data a change reply announces. */
function moved(change: Change, note: string | null) {
  return {
    name: change.name,
    old_hash: change.previous_hash,
    new_hash: change.hash,
    history_id: change.history_id,
    changed_at: change.changed_at,
    note,
    // Every call here is made with the tests' admin token (support/auth.ts).
    actor: 'admin',
  };
}

export const NAMES_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'names.name_moved',
    title:
      'one per change through the names service, keyed by name, in commit order; none for a no-op or a refusal',
    async run(ctx) {
      const a = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body.scenario_hash;
      const b = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body.scenario_hash;
      const [one, two] = [`moved-${tag()}`, `moved-${tag()}`];
      const set = await ctx.ok('set_scenario_name', { name: one, hash: a, note: 'first' });
      const noop = await ctx.ok('set_scenario_name', { name: one, hash: a });
      const move = await ctx.ok('set_scenario_name', {
        name: one,
        hash: b,
        expected_current_hash: a,
      });
      const stale = await ctx.call('set_scenario_name', {
        name: one,
        hash: a,
        expected_current_hash: a,
      });
      const badLabel = await ctx.call('set_scenario_name', { name: 'Not A Label', hash: a });
      const unset = await ctx.ok('unset_scenario_name', { name: one });
      const batch = await ctx.ok('update_scenario_names', {
        updates: [
          { name: two, hash: b },
          { name: one, hash: a },
        ],
        note: 'together',
      });
      expect(noop.body.changed).toBe(false);
      expect([stale.status, stale.body.error?.code]).toEqual([409, 'conflict']);
      expect([badLabel.status, badLabel.body.error?.code]).toEqual([400, 'invalid_argument']);

      const calls = [set, noop, move, stale, badLabel, unset, batch];
      const ids = new Set<string | null>(calls.map((c) => c.requestId));
      const events = await ctx.events('names', (e) => ids.has(e.envelope.causation_id));
      expect(
        events.map((e) => ({
          key: e.record.key,
          type: e.envelope.type,
          schema_version: e.envelope.schema_version,
          data: e.envelope.data,
          causation_id: e.envelope.causation_id,
          occurred_at: e.envelope.occurred_at,
        })),
      ).toEqual(
        [
          [set, set.body, 'first'],
          [move, move.body, null],
          [unset, unset.body, null],
          [batch, batch.body.changes[0], 'together'],
          [batch, batch.body.changes[1], 'together'],
        ]
          .map((entry) => entry as [Call, Change, string | null])
          .map(([call, change, note]) => ({
            key: change.name,
            type: 'names.name_moved',
            schema_version: 2,
            data: moved(change, note),
            causation_id: call.requestId,
            occurred_at: change.changed_at,
          })),
      );
      // A move of one name follows the one before it.
      const ofOne = events.filter((e) => e.record.key === one).map((e) => e.envelope.data);
      expect(ofOne.map((d) => d.old_hash)).toEqual([null, a, b, null]);
      expect(ofOne.map((d) => d.new_hash)).toEqual([a, b, null, a]);
    },
  },
  {
    type: 'names.name_moved',
    title: 'a name set by an assembly is announced with the assembly as its correlation',
    async run(ctx) {
      const name = `assembled-${tag()}`;
      const assembled = await ctx.ok('assemble_scenario', scenarioRequest(tag(), { name }));
      expect(assembled.body.name_error).toBeNull();
      const events = await ctx.events('names', (e) => e.record.key === name);
      expect(events).toHaveLength(1);
      expect(events[0]!.envelope).toMatchObject({
        correlation_id: assembled.requestId,
        data: {
          name,
          old_hash: null,
          new_hash: assembled.body.scenario_hash,
          history_id: assembled.body.name.history_id,
        },
      });
      expect(events[0]!.envelope.causation_id).not.toBe(assembled.requestId);
    },
  },
  {
    type: 'names.name_moved',
    title: "a protected name moved under a directive: the event carries the directive's id",
    async run(ctx) {
      const a = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body.scenario_hash;
      const b = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body.scenario_hash;
      const name = `guarded-${tag()}`;
      const set = await ctx.ok('set_scenario_name', { name, hash: a });
      await ctx.ok('protect_name', { name });
      const refused = await ctx.call('set_scenario_name', { name, hash: b });
      expect([refused.status, refused.body.error?.details?.reason]).toEqual([
        403,
        'name_protected',
      ]);
      const created = await ctx.ok('create_directive', {
        issued_by: 'events',
        objective: 'Move a protected name.',
        scope: 'development',
        role: 'builder',
        type: 'test',
        status: 'proposed',
        payload: { names: [name] },
      });
      const directiveId = created.body.directive.id as string;
      const move = await ctx.ok('set_scenario_name', { name, hash: b, directive_id: directiveId });
      const ids = new Set<string | null>([set, refused, move].map((c) => c.requestId));
      const events = await ctx.events('names', (e) => ids.has(e.envelope.causation_id));
      expect(events.map((e) => [e.envelope.causation_id, e.envelope.data])).toEqual([
        [set.requestId, moved(set.body, null)],
        [move.requestId, { ...moved(move.body, null), directive_id: directiveId }],
      ]);
    },
  },
  {
    type: 'names.name_protection_changed',
    title: 'one per change of protection, keyed by name; none when it already was in that state',
    async run(ctx) {
      const name = `shielded-${tag()}`;
      const on = await ctx.ok('protect_name', { name, note: 'release channel' });
      const again = await ctx.ok('protect_name', { name });
      const off = await ctx.ok('unprotect_name', { name, note: 'opened' });
      const offAgain = await ctx.ok('unprotect_name', { name });
      expect([on, again, off, offAgain].map((c) => c.body.changed)).toEqual([
        true,
        false,
        true,
        false,
      ]);
      const ids = new Set<string | null>([on, again, off, offAgain].map((c) => c.requestId));
      const events = await ctx.events('names', (e) => ids.has(e.envelope.causation_id));
      expect(
        events.map((e) => [
          e.record.key,
          e.envelope.type,
          e.envelope.causation_id,
          e.envelope.data,
        ]),
      ).toEqual([
        [
          name,
          'names.name_protection_changed',
          on.requestId,
          {
            name,
            protected: true,
            actor: 'admin',
            note: 'release channel',
            changed_at: expect.any(String),
          },
        ],
        [
          name,
          'names.name_protection_changed',
          off.requestId,
          {
            name,
            protected: false,
            actor: 'admin',
            note: 'opened',
            changed_at: expect.any(String),
          },
        ],
      ]);
    },
  },
];
