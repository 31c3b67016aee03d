import type { EventTest, SeenEvent } from './event-test';
import { scenarioRequest, tag } from './fixtures';

/** What a test compares of each event: type, key, data and cause. */
function summary(event: SeenEvent) {
  return {
    type: event.envelope.type,
    schema_version: event.envelope.schema_version,
    key: event.record.key,
    data: event.envelope.data,
    causation_id: event.envelope.causation_id,
  };
}

export const SCENARIOS_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'scenarios.scenario_stored',
    title:
      'one per new manifest, keyed by its hash, before its derivation; none for a repeat or a refusal',
    async run(ctx) {
      const t = tag();
      const first = await ctx.ok('assemble_scenario', scenarioRequest(t, { operator: 'ada' }));
      const repeat = await ctx.ok('assemble_scenario', scenarioRequest(t, { operator: 'ada' }));
      const refused = await ctx.call(
        'assemble_scenario',
        scenarioRequest(t, { chronon_seconds: 0 }),
      );
      expect(refused.status).toBe(400);
      const hash = first.body.scenario_hash as string;
      expect(first.body).toMatchObject({ was_new_scenario: true, was_new_derivation: true });
      expect(repeat.body).toMatchObject({
        scenario_hash: hash,
        was_new_scenario: false,
        was_new_derivation: false,
      });

      const ids = new Set<string | null>([first.requestId, repeat.requestId, refused.requestId]);
      const events = await ctx.events('scenarios', (e) => ids.has(e.envelope.causation_id));
      expect(events.map(summary)).toEqual([
        {
          type: 'scenarios.scenario_stored',
          schema_version: 2,
          key: hash,
          data: { hash, scenario_slug: 'event_probe', actor: 'admin' },
          causation_id: first.requestId,
        },
        {
          type: 'scenarios.derivation_recorded',
          schema_version: 2,
          key: hash,
          data: {
            derivation_id: first.body.derivation_id,
            child_hash: hash,
            parents: [],
            operator: 'ada',
            // The principal of the tests' admin token; `operator` is the caller's word.
            actor: 'admin',
          },
          causation_id: first.requestId,
        },
      ]);
      expect(events[0]!.envelope.correlation_id).toBe(first.requestId);
    },
  },
  {
    type: 'scenarios.scenario_stored',
    title: 'a fork that makes a new manifest announces it, keyed by the child',
    async run(ctx) {
      const parent = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body;
      const fork = await ctx.ok('fork_scenario', {
        primary_parent: { hash: parent.scenario_hash },
        changes: { scenario_slug: 'event_probe_fork' },
      });
      const child = fork.body.scenario_hash as string;
      const events = await ctx.events(
        'scenarios',
        (e) => e.envelope.causation_id === fork.requestId && e.envelope.type.endsWith('_stored'),
      );
      expect(events.map(summary)).toEqual([
        {
          type: 'scenarios.scenario_stored',
          schema_version: 2,
          key: child,
          data: { hash: child, scenario_slug: 'event_probe_fork', actor: 'admin' },
          causation_id: fork.requestId,
        },
      ]);
    },
  },
  {
    type: 'scenarios.derivation_recorded',
    title:
      'a fork records its parent edges and roles; a repeat records nothing; a new derivation of a stored manifest is recorded alone',
    async run(ctx) {
      const parent = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
        .scenario_hash as string;
      const donor = (await ctx.ok('assemble_scenario', scenarioRequest(tag()))).body
        .scenario_hash as string;
      const changes = { description: `Forked for events (${tag()}).` };
      const fork = {
        primary_parent: { hash: parent },
        changes,
        additional_parents: [{ parent_hash: donor, role: 'donor' }],
        operator: 'grace',
      };
      const first = await ctx.ok('fork_scenario', fork);
      const repeat = await ctx.ok('fork_scenario', fork);
      // The same child from the primary parent alone: a stored manifest, a new derivation.
      const alone = await ctx.ok('fork_scenario', { primary_parent: { hash: parent }, changes });
      const refused = await ctx.call('fork_scenario', {
        primary_parent: { hash: parent },
        changes: { environment_removals: ['cellar'] },
      });
      expect(refused.status).toBe(400);
      const child = first.body.scenario_hash as string;
      expect(repeat.body).toMatchObject({ scenario_hash: child, was_new_derivation: false });
      expect(alone.body).toMatchObject({
        scenario_hash: child,
        was_new_scenario: false,
        was_new_derivation: true,
      });

      const ids = new Set<string | null>([first, repeat, alone, refused].map((c) => c.requestId));
      const events = await ctx.events('scenarios', (e) => ids.has(e.envelope.causation_id));
      expect(events.map(summary)).toEqual([
        {
          type: 'scenarios.scenario_stored',
          schema_version: 2,
          key: child,
          data: { hash: child, scenario_slug: 'event_probe', actor: 'admin' },
          causation_id: first.requestId,
        },
        {
          type: 'scenarios.derivation_recorded',
          schema_version: 2,
          key: child,
          data: {
            derivation_id: first.body.derivation_id,
            child_hash: child,
            parents: [
              { parent_hash: parent, role: 'primary' },
              { parent_hash: donor, role: 'donor' },
            ],
            operator: 'grace',
            // The principal of the tests' admin token; `operator` is the caller's word.
            actor: 'admin',
          },
          causation_id: first.requestId,
        },
        {
          type: 'scenarios.derivation_recorded',
          schema_version: 2,
          key: child,
          data: {
            derivation_id: alone.body.derivation_id,
            child_hash: child,
            parents: [{ parent_hash: parent, role: 'primary' }],
            operator: null,
            // The principal of the tests' admin token; `operator` is the caller's word.
            actor: 'admin',
          },
          causation_id: alone.requestId,
        },
      ]);
    },
  },
];
