import { example, type OperationExample } from './example';
import { H, TEXT } from './content';

/** The scenarios service, after the components examples. */
export const SCENARIOS_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'assemble_scenario',
    request: {
      scenario_slug: 'locked_room',
      description: 'Ana wakes up in a locked room and wants out.',
      chronon_seconds: 60,
      cognition_profiles: { subject: { hash: H.SUBJECT_PROFILE } },
      environments: { room: { hash: H.ROOM } },
      entities: [
        { hash: H.ANA },
        {
          inline: {
            id: 'key',
            name: 'Brass key',
            environment: 'room',
            state: 'Hangs on a hook above the door.',
          },
        },
      ],
      operator: 'ana@example.com',
      note: 'First draft.',
      name: 'locked-room',
    },
    reply: {
      scenario_hash: H.LOCKED_ROOM,
      was_new_scenario: true,
      cognition_profile_hashes: { subject: H.SUBJECT_PROFILE },
      environment_hashes: { room: H.ROOM },
      entity_hashes: [H.ANA, H.KEY_PROP],
      new_components: {
        perceive_systems: 0,
        intend_systems: 0,
        adjudicate_systems: 0,
        adjudication_schemas: 0,
        cognition_profiles: 0,
        environments: 0,
        entities: 1,
      },
      derivation_id: 1,
      was_new_derivation: true,
      name: { name: 'locked-room', hash: H.LOCKED_ROOM, history_id: 1 },
      name_error: null,
    },
  }),
  example({
    operation: 'fork_scenario',
    request: {
      primary_parent: { name: 'locked-room' },
      changes: {
        chronon_seconds: 10,
        environment_upserts: { room: { inline: TEXT.ROOM_WITHOUT_KEY } },
      },
      operator: 'ana@example.com',
      note: 'Shorter turns; no key in sight.',
      name: 'locked-room-hard',
    },
    reply: {
      scenario_hash: H.LOCKED_ROOM_HARD,
      was_new_scenario: true,
      cognition_profile_hashes: { subject: H.SUBJECT_PROFILE },
      environment_hashes: { room: H.ROOM_WITHOUT_KEY },
      entity_hashes: [H.ANA, H.KEY_PROP],
      new_components: {
        perceive_systems: 0,
        intend_systems: 0,
        adjudicate_systems: 0,
        adjudication_schemas: 0,
        cognition_profiles: 0,
        environments: 1,
        entities: 0,
      },
      derivation_id: 2,
      was_new_derivation: true,
      name: { name: 'locked-room-hard', hash: H.LOCKED_ROOM_HARD, history_id: 2 },
      name_error: null,
      parent_hashes: [H.LOCKED_ROOM],
      unchanged: false,
      skipped_parent_hashes: [],
      touched_components: [
        { kind: 'chronon_seconds', from: 60, to: 10 },
        { kind: 'environment', label: 'room', from: H.ROOM, to: H.ROOM_WITHOUT_KEY },
      ],
    },
  }),
  example({
    operation: 'get_scenario',
    request: { name: 'locked-room' },
    reply: {
      hash: H.LOCKED_ROOM,
      scenario_slug: 'locked_room',
      created_at: '2026-03-14T09:30:49.959Z',
      names: ['locked-room'],
      child_count: 1,
      has_parents: false,
      world_count: 0,
      scenario: {
        scenario_slug: 'locked_room',
        description: 'Ana wakes up in a locked room and wants out.',
        chronon_seconds: 60,
        cognition_profiles: {
          subject: {
            perceive_system: TEXT.PERCEIVE_SYSTEM,
            intend_system: TEXT.INTEND_SYSTEM,
            adjudicate_system: TEXT.ADJUDICATE_SYSTEM,
            adjudication_schema: {
              type: 'object',
              required: ['outcome'],
              properties: { outcome: { type: 'string' } },
            },
            adjudication_retry_budget: 2,
          },
        },
        environments: { room: TEXT.ROOM },
        entities: [
          {
            id: 'ana',
            kind: { agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' } },
            name: 'Ana',
            state: '',
            environment: 'room',
          },
          {
            id: 'key',
            kind: 'prop',
            name: 'Brass key',
            state: 'Hangs on a hook above the door.',
            environment: 'room',
          },
        ],
      },
      cognition_profile_hashes: { subject: H.SUBJECT_PROFILE },
      environment_hashes: { room: H.ROOM },
      entity_hashes: [H.ANA, H.KEY_PROP],
    },
  }),
  example({
    operation: 'list_scenarios',
    request: { filter: { has_name: true }, page: { limit: 10 } },
    reply: {
      scenarios: [
        {
          hash: H.LOCKED_ROOM_HARD,
          scenario_slug: 'locked_room',
          created_at: '2026-03-14T09:31:03.233Z',
          names: ['locked-room-hard'],
          child_count: 0,
          world_count: 0,
          has_parents: true,
        },
        {
          hash: H.LOCKED_ROOM,
          scenario_slug: 'locked_room',
          created_at: '2026-03-14T09:30:49.959Z',
          names: ['locked-room'],
          child_count: 1,
          world_count: 0,
          has_parents: false,
        },
      ],
      next_cursor: null,
    },
  }),
  example({
    operation: 'lineage_of',
    request: { name: 'locked-room-hard' },
    reply: {
      hash: H.LOCKED_ROOM_HARD,
      lineage: [
        {
          hash: H.LOCKED_ROOM,
          scenario_slug: 'locked_room',
          created_at: '2026-03-14T09:30:49.959Z',
          parent_hashes: [],
          distance: 1,
        },
        {
          hash: H.LOCKED_ROOM_HARD,
          scenario_slug: 'locked_room',
          created_at: '2026-03-14T09:31:03.233Z',
          parent_hashes: [H.LOCKED_ROOM],
          distance: 0,
        },
      ],
      descendants: [],
      truncated: false,
    },
  }),
  example({
    operation: 'get_derivation',
    request: { id: 2 },
    reply: {
      id: 2,
      child_hash: H.LOCKED_ROOM_HARD,
      operator: 'ana@example.com',
      note: 'Shorter turns; no key in sight.',
      metadata: {
        touched_components: [
          { to: 10, from: 60, kind: 'chronon_seconds' },
          { to: H.ROOM_WITHOUT_KEY, from: H.ROOM, kind: 'environment', label: 'room' },
        ],
      },
      created_at: '2026-03-14T09:31:03.233Z',
      parents: [{ parent_hash: H.LOCKED_ROOM, parent_index: 0, role: 'primary' }],
    },
  }),
];
