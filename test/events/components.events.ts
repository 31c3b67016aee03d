import {
  canonicalJsonComponent,
  cognitionProfileCanonicalJson,
  cognitionProfileHash,
  jsonComponentHash,
  textComponentHash,
} from '@crucible/hashing';
import type { EventTest } from './event-test';
import { profileParts, scenarioRequest, tag } from './fixtures';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export const COMPONENTS_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'components.component_stored',
    title: 'one per new component of each kind, in write order; none for a repeat or a refusal',
    async run(ctx) {
      const t = tag();
      const parts = profileParts(t);
      const room = `A room for events (${t}) \u{1F41C}.`;
      const entity = { id: 'lamp', name: `Lamp ${t}`, environment: 'room', kind: 'prop' };
      const writes = [
        await ctx.ok('put_perceive_system', { content: parts.perceive_system }),
        await ctx.ok('put_intend_system', { content: parts.intend_system }),
        await ctx.ok('put_adjudicate_system', { content: parts.adjudicate_system }),
        await ctx.ok('put_adjudication_schema', { content: parts.adjudication_schema }),
        await ctx.ok('put_environment', { content: room }),
        await ctx.ok('put_entity', { content: entity }),
      ];
      const profileInput = {
        perceive_system_hash: textComponentHash(parts.perceive_system),
        intend_system_hash: textComponentHash(parts.intend_system),
        adjudicate_system_hash: textComponentHash(parts.adjudicate_system),
        adjudication_schema_hash: jsonComponentHash(parts.adjudication_schema),
        adjudication_retry_budget: 3,
      };
      writes.push(
        await ctx.ok('put_cognition_profile', {
          perceive_system: { hash: profileInput.perceive_system_hash },
          intend_system: { hash: profileInput.intend_system_hash },
          adjudicate_system: { hash: profileInput.adjudicate_system_hash },
          adjudication_schema: { hash: profileInput.adjudication_schema_hash },
          adjudication_retry_budget: 3,
        }),
      );
      const repeat = await ctx.ok('put_environment', { content: room });
      expect(repeat.body.was_new).toBe(false);
      const refused = await ctx.call('put_environment', { content: ' \n ' });
      expect(refused.status).toBe(400);

      // The service stores an entity in its own normal form; read it back to size it.
      const entityHash = writes[5]!.body.hash as string;
      const stored = (await ctx.ok('get_entity', { hash: entityHash })).body.content as unknown;
      expect(jsonComponentHash(stored)).toBe(entityHash);
      const expected = [
        ['perceive_system', textComponentHash(parts.perceive_system), bytes(parts.perceive_system)],
        ['intend_system', textComponentHash(parts.intend_system), bytes(parts.intend_system)],
        [
          'adjudicate_system',
          textComponentHash(parts.adjudicate_system),
          bytes(parts.adjudicate_system),
        ],
        [
          'adjudication_schema',
          jsonComponentHash(parts.adjudication_schema),
          bytes(canonicalJsonComponent(parts.adjudication_schema).canonical),
        ],
        ['environment', textComponentHash(room), bytes(room)],
        ['entity', entityHash, bytes(canonicalJsonComponent(stored).canonical)],
        [
          'cognition_profile',
          cognitionProfileHash(profileInput),
          bytes(cognitionProfileCanonicalJson(profileInput)),
        ],
      ] as const;
      expect(writes.map((w) => [w.body.hash, w.body.was_new])).toEqual(
        expected.map(([, hash]) => [hash, true]),
      );

      const ids = new Set<string | null>([...writes, repeat, refused].map((w) => w.requestId));
      const events = await ctx.events('components', (e) => ids.has(e.envelope.causation_id));
      expect(
        events.map((e) => ({
          type: e.envelope.type,
          schema_version: e.envelope.schema_version,
          key: e.record.key,
          data: e.envelope.data,
          causation_id: e.envelope.causation_id,
          correlation_id: e.envelope.correlation_id,
        })),
      ).toEqual(
        expected.map(([kind, hash, size_bytes], i) => ({
          type: 'components.component_stored',
          schema_version: 2,
          key: hash,
          // Stored through the gateway with the tests' admin token.
          data: { kind, hash, size_bytes, actor: 'admin' },
          causation_id: writes[i]!.requestId,
          correlation_id: writes[i]!.requestId,
        })),
      );
      expect(new Set(events.map((e) => e.envelope.event_id)).size).toBe(events.length);
    },
  },
  {
    type: 'components.component_stored',
    title: 'components stored inline by an assembly carry its correlation id, one event each',
    async run(ctx) {
      const t = tag();
      const request = scenarioRequest(t);
      const assembled = await ctx.ok('assemble_scenario', request);
      const parts = profileParts(t);
      const hashes = [
        textComponentHash(parts.perceive_system),
        textComponentHash(parts.intend_system),
        textComponentHash(parts.adjudicate_system),
        jsonComponentHash(parts.adjudication_schema),
        assembled.body.cognition_profile_hashes.mind,
        textComponentHash(`A bare room (${t}).`),
        assembled.body.entity_hashes[0],
      ];
      // Repeating the assembly reuses every component: no new events.
      const again = await ctx.ok('assemble_scenario', request);
      const correlations = new Set<string | null>([assembled.requestId, again.requestId]);
      const events = await ctx.events('components', (e) =>
        correlations.has(e.envelope.correlation_id),
      );
      expect(events.map((e) => e.record.key).sort()).toEqual([...hashes].sort());
      for (const event of events) {
        expect(event.envelope.correlation_id).toBe(assembled.requestId);
        // Caused by the scenarios service's own request to the components service.
        expect(event.envelope.causation_id).not.toBe(assembled.requestId);
      }
    },
  },
];
